// HttpObjectSource: the frontend's object API as a store::ObjectSource (object_stream.h),
// for `herd image update` on a node. Objects are asked for by
// GET /api/v1/objects/batch/H1,...,H96 (docs/server.md): cacheable, so an nginx cache in
// front of the frontend serves a rack. `jobs` requests run at once, each on its own
// keep-alive connection, at most 2 x jobs batches ahead of the reader (bounded memory).
// The connections come from `pool` and go back to it after each stream, so a deploy's
// streams (one per tree level, then the content) and the caller's own requests (the plan,
// the report) share at most `jobs` connections instead of opening new ones each time.
// Every object is verified against its hash before next() returns it.
#pragma once

#include <memory>

#include "remote/http_client.h"
#include "store/object_stream.h"

namespace herd::remote {

inline constexpr size_t kObjectsPerBatch = 96;

std::unique_ptr<store::ObjectSource> http_object_source(std::shared_ptr<HttpClientPool> pool, int jobs);

}  // namespace herd::remote
