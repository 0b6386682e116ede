// GET /api/v1/objects/HASH, POST /api/v1/objects/fetch, POST /api/v1/objects/missing,
// POST /api/v1/objects.
#include <cstring>

#include "server/router.h"
#include "store/object_batch.h"

namespace herd::server {
namespace {

Response not_found(std::string_view hex) { return error_response(404, fmt::format("no object {}", hex)); }

// The headers of an immutable object reply (200 and 304). "X-Accel-Expires: @1" (expired
// since 1970) lets an nginx cache in front keep the reply but never use it without asking
// again: it revalidates each use with If-None-Match, and this server answers 304 only to a
// caller that may still read every object (docs/server.md, "Behind a cache"). Without it a
// cached reply would outlive the caller's right to it (a revoked credential, another image).
std::vector<std::pair<std::string, std::string>> immutable_headers(const std::string& etag) {
  return {{"ETag", etag}, {"Cache-Control", "private, max-age=31536000, immutable"}, {"X-Accel-Expires", "@1"}};
}

// Whether an If-None-Match header lists `etag` (or is "*").
bool etag_matches(std::string_view header, std::string_view etag) {
  if (header.find('*') != std::string_view::npos) return true;
  return header.find(etag) != std::string_view::npos;
}

}  // namespace

Response Router::get_object(const Caller& caller, const Request& request, std::string_view hex) {
  auto hash = store::Hash::parse(hex);
  if (!hash || hex.size() != 64) return error_response(400, fmt::format("not an object hash: {:?}", hex));
  if (!store_.has(*hash)) return not_found(hash->hex());
  auto view = view_for(caller);
  if (!view) return error_response(500, view.error().message);
  if (*view && !(*view)->may_read(*hash)) return not_found(hash->hex());  // as if the store lacked it
  std::string etag = fmt::format("\"{}\"", hash->hex());
  Response r;
  r.content_type = "application/octet-stream";
  r.headers = immutable_headers(etag);
  if (!request.if_none_match.empty() && etag_matches(request.if_none_match, etag)) {
    r.status = 304;
    return r;
  }
  auto file = store_.read_encoded(*hash);
  if (!file) return error_response(500, file.error().message);  // present but corrupt
  r.body = std::move(*file);
  return r;
}

Response Router::fetch_objects(const Caller& caller, const Request& request) {
  auto hashes = parse_hash_list(request.body, kMaxFetchHashes);
  if (!hashes) return error_response(400, hashes.error().message);
  auto view = view_for(caller);
  if (!view) return error_response(500, view.error().message);
  store::ObjectBatch batch;
  for (const auto& h : *hashes) {
    if (batch.size() >= kFetchReplyTarget) break;  // a prefix: the client asks for the rest
    if (!store_.has(h) || (*view && !(*view)->may_read(h))) return not_found(h.hex());
    auto file = store_.read_encoded(h);
    if (!file) return error_response(500, file.error().message);  // present but corrupt
    batch.add(h, *file);
  }
  Response r;
  r.content_type = "application/octet-stream";
  r.body = batch.take_body();
  return r;
}

Response Router::get_object_batch(const Caller& caller, const Request& request, std::string_view list) {
  auto hashes = parse_hash_path_list(list, kMaxBatchHashes);
  if (!hashes) return error_response(400, hashes.error().message);
  auto view = view_for(caller);
  if (!view) return error_response(500, view.error().message);
  for (const auto& h : *hashes)
    if (!store_.has(h) || (*view && !(*view)->may_read(h))) return not_found(h.hex());
  // The list names the reply exactly: the URL is its ETag. A cache revalidating it gets
  // its 304 without a single object read.
  std::string etag = fmt::format("\"{}\"", store::object_hash(store::ObjectType::blob, list).hex());
  Response r;
  r.content_type = "application/octet-stream";
  r.headers = immutable_headers(etag);
  if (!request.if_none_match.empty() && etag_matches(request.if_none_match, etag)) {
    r.status = 304;
    return r;
  }
  store::ObjectBatch batch;
  for (const auto& h : *hashes) {
    auto file = store_.read_encoded(h);
    if (!file) return error_response(500, file.error().message);  // present but corrupt
    batch.add(h, *file);
  }
  r.body = batch.take_body();
  return r;
}

Response Router::missing_objects(const Caller& caller, const Request& request) {
  auto hashes = parse_hash_list(request.body);
  if (!hashes) return error_response(400, hashes.error().message);
  auto view = view_for(caller);
  if (!view) return error_response(500, view.error().message);
  Response r;
  r.content_type = "application/octet-stream";
  for (const auto& h : *hashes) {
    // A node lacks what it may not read, even when the store has it (it proves it has the
    // bytes by uploading them), so the answer says nothing about other nodes' content.
    bool lacking = !store_.has(h) || (*view && !(*view)->may_read(h));
    if (lacking) r.body.append(reinterpret_cast<const char*>(h.bytes.data()), h.bytes.size());
  }
  return r;
}

Response Router::upload_objects(const Caller& caller, const Request& request) {
  auto records = store::decode_object_batch(request.body);
  if (!records) return error_response(400, "upload " + records.error().message);
  // A store of its own for this request: what it staged is deleted with it unless every
  // record verified and sync() published them, so a bad record keeps nothing.
  auto writer = store::ObjectStore::open(state_.config.store_root);
  if (!writer) return error_response(500, writer.error().message);
  int64_t stored = 0, present = 0;
  std::vector<store::Hash> hashes;
  hashes.reserve(records->size());
  for (const auto& [hash, file] : *records) {
    auto put = writer->insert_encoded(hash, file);
    if (!put) return error_response(status_for(put.error()), put.error().message);
    (put->added ? stored : present) += 1;
    hashes.push_back(hash);
  }
  if (auto synced = writer->sync(); !synced) return error_response(500, synced.error().message);
  if (!caller.admin()) state_.access.note_uploads(caller.node, hashes);
  return json_response(200, {{"stored", stored}, {"present", present}});
}

}  // namespace herd::server
