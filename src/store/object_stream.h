// ObjectSource: somewhere objects come from, as a stream in the order asked. Deploying an
// image reads its trees and file contents through one: from the local store (checkout,
// install on the frontend) or from the frontend's server (a node's update, in
// src/remote/), so the deploy engine never knows which.
//
// Contract: every object a stream returns has been verified against its hash (decoded,
// decompressed, SHA-256 of type and payload); an object the source lacks, cannot read,
// or that fails verification is an error naming its hash, and the stream is then
// finished (every later next() returns the same error). A stream may fetch ahead of
// next() (in parallel, in batches) but holds a bounded amount in memory.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "store/hash.h"
#include "store/object_store.h"
#include "util/result.h"

namespace herd::store {

struct SourcedObject {
  Hash hash;
  Object object;
  uint64_t wire_bytes = 0;  // what it cost to get (its file's size; 0 for a local read)
};

class ObjectStream {
 public:
  virtual ~ObjectStream() = default;
  // The next object, in the order of the hashes the stream was made with. Calling it
  // more often than there were hashes is a failure.
  virtual Result<SourcedObject> next() = 0;
};

class ObjectSource {
 public:
  virtual ~ObjectSource() = default;
  // A stream of `hashes` in this order (duplicates are fetched, and returned, each time).
  virtual std::unique_ptr<ObjectStream> stream(std::vector<Hash> hashes) = 0;
  // Names the source in messages: a store folder, "https://frontend:8443".
  virtual std::string describe() const = 0;
};

// Reads a store (which must outlive the source and be used by one thread at a time).
std::unique_ptr<ObjectSource> local_object_source(const ObjectStore& store);

}  // namespace herd::store
