// RemoteStore: what push and pull need from the frontend's store, as an interface so the
// planning and transfer logic is tested against a second local store (tests/remote/) and
// run against the server over HTTPS (http_remote.h). Every method fails with a message
// naming the server (or store) and what was asked.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "store/hash.h"
#include "util/result.h"

namespace herd::remote {

struct UploadReply {
  uint64_t stored = 0;   // objects the server did not have
  uint64_t present = 0;  // objects it had already
};

class RemoteStore {
 public:
  virtual ~RemoteStore() = default;
  // The ref's value, nullopt when it does not exist.
  virtual Result<std::optional<store::Hash>> read_ref(const std::string& name) = 0;
  // The subset of `hashes` (same order) the caller must upload.
  virtual Result<std::vector<store::Hash>> missing(const std::vector<store::Hash>& hashes) = 0;
  // Uploads one batch: `body` is an object batch (store/object_batch.h) of `count` objects. The
  // objects are durable on the remote when this returns.
  virtual Result<UploadReply> upload(const std::string& body, size_t count) = 0;
  // The object's file bytes as stored (header + body), unverified: the caller verifies
  // them with ObjectStore::insert_encoded. An object the remote lacks (or will not show
  // this node) is a failure naming it.
  virtual Result<std::string> fetch(const store::Hash& hash) = 0;
  // The files of `hashes`, in the same order, as fetch() returns them, in as few round
  // trips as the remote allows (HTTP: one POST /objects/fetch per 4,096).
  virtual Result<std::vector<std::string>> fetch_many(const std::vector<store::Hash>& hashes) = 0;
  // Compare-and-swap of a ref; a conflict is a failure whose message starts
  // "ref conflict:" and names the value found.
  virtual Status compare_and_swap(const std::string& name, const std::optional<store::Hash>& expected,
                                  const store::Hash& value) = 0;
  // Names the remote in messages ("https://10.1.1.1:8443", a store folder).
  virtual std::string describe() const = 0;
};

}  // namespace herd::remote
