#include "remote/http_remote.h"


#include <nlohmann/json.hpp>

#include "remote/server_replies.h"
#include "store/object_batch.h"

namespace herd::remote {

Result<std::optional<store::Hash>> HttpRemote::read_ref(const std::string& name) {
  std::string path = "/api/v1/refs/" + name;
  auto r = client_.get(path);
  if (!r) return r.error();
  if (r->status == 404) return std::optional<store::Hash>();
  if (r->status != 200) return status_error("GET", client_.url(path), *r);
  auto hash = parse_ref_reply(r->body, "GET " + client_.url(path));
  if (!hash) return hash.error();
  return std::optional<store::Hash>(*hash);
}

Result<std::vector<store::Hash>> HttpRemote::missing(const std::vector<store::Hash>& hashes) {
  const std::string path = "/api/v1/objects/missing";
  std::vector<store::Hash> out;
  for (size_t start = 0; start < hashes.size(); start += kMaxMissingQuery) {
    size_t n = std::min(kMaxMissingQuery, hashes.size() - start);
    std::string body = store::encode_hash_list(hashes.data() + start, hashes.data() + start + n);
    auto r = client_.send("POST", path, body, "application/octet-stream");
    if (!r) return r.error();
    if (r->status != 200) return status_error("POST", client_.url(path), *r);
    auto lacking = parse_missing_reply(r->body, "POST " + client_.url(path));
    if (!lacking) return lacking.error();
    out.insert(out.end(), lacking->begin(), lacking->end());
  }
  return out;
}

Result<UploadReply> HttpRemote::upload(const std::string& body, size_t count) {
  const std::string path = "/api/v1/objects";
  auto r = client_.send("POST", path, body, "application/octet-stream");
  if (!r) return r.error();
  if (r->status != 200) return status_error("POST", client_.url(path), *r).with_context(fmt::format("uploading {} objects", count));
  return parse_upload_reply(r->body, "POST " + client_.url(path));
}

Result<std::string> HttpRemote::fetch(const store::Hash& hash) {
  std::string path = "/api/v1/objects/" + hash.hex();
  auto r = client_.get(path);
  if (!r) return r.error();
  if (r->status != 200) return status_error("GET", client_.url(path), *r);
  return std::move(r->body);
}

Result<std::vector<std::string>> HttpRemote::fetch_many(const std::vector<store::Hash>& hashes) {
  const std::string path = "/api/v1/objects/fetch";
  std::vector<std::string> files;
  files.reserve(hashes.size());
  // Each reply answers a non-empty prefix of what was asked; ask again from where it stopped.
  while (files.size() < hashes.size()) {
    size_t start = files.size(), n = std::min(kMaxFetchQuery, hashes.size() - start);
    std::vector<store::Hash> asked(hashes.begin() + start, hashes.begin() + start + n);
    std::string body = store::encode_hash_list(asked.data(), asked.data() + n);
    auto r = client_.send("POST", path, body, "application/octet-stream");
    if (!r) return r.error();
    if (r->status != 200) return status_error("POST", client_.url(path), *r).with_context(fmt::format("fetching {} objects", n));
    auto got = parse_fetch_reply(r->body, asked, "POST " + client_.url(path));
    if (!got) return got.error();
    for (auto file : *got) files.emplace_back(file);
  }
  return files;
}

Status HttpRemote::compare_and_swap(const std::string& name, const std::optional<store::Hash>& expected,
                                    const store::Hash& value) {
  std::string path = "/api/v1/refs/" + name;
  nlohmann::json request = {{"expected", expected ? nlohmann::json(expected->hex()) : nlohmann::json(nullptr)},
                            {"value", value.hex()}};
  auto r = client_.send("PUT", path, request.dump(), "application/json");
  if (!r) return r.error();
  if (r->status == 200) return {};
  if (r->status == 409) {
    return failure("ref conflict: the server's {} is now {}, not {} ({})", name, parse_conflict_current(r->body),
                   expected ? expected->hex() : std::string("absent"), server_message(r->body));
  }
  return status_error("PUT", client_.url(path), *r);
}

}  // namespace herd::remote
