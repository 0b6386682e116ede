#include "remote/enroll.h"

#include <algorithm>
#include <cctype>
#include <filesystem>

#include <nlohmann/json.hpp>

#include "remote/http_client.h"
#include "remote/server_replies.h"
#include "store/hash.h"
#include "util/atomic_file.h"
#include "util/text.h"

namespace herd::remote {

Result<std::string> normalize_fingerprint(const std::string& text) {
  std::string_view t = trim(text);
  if (starts_with(to_lower(t), "sha256:")) t.remove_prefix(7);
  std::string hex;
  for (char c : t) {
    if (c == ':' || c == ' ') continue;
    if (!std::isxdigit(static_cast<unsigned char>(c))) return bad_input("--ca-sha256 '{}': not a SHA-256 in hex", text);
    hex += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  if (hex.size() != 64) return bad_input("--ca-sha256 '{}': a SHA-256 is 64 hex digits, this has {}", text, hex.size());
  return hex;
}

Result<std::string> fetch_pinned_ca(const std::string& server, const std::string& sha256_hex) {
  HttpOptions options;
  options.base_url = server;
  options.verify = false;  // checked below by the pin instead
  auto client = HttpClient::open(options);
  if (!client) return client.error();
  auto r = client->get("/api/v1/ca");
  if (!r) return r.error();
  if (r->status != 200) return status_error("GET", client->url("/api/v1/ca"), *r);
  std::string actual = store::sha256(r->body).hex();
  if (actual != sha256_hex)
    return bad_input(
        "{}: the CA certificate it sent has SHA-256 {}, not the pinned {}: not trusting this server "
        "(check --ca-sha256 against `herd token create` on the frontend)",
        client->url("/api/v1/ca"), actual, sha256_hex);
  return std::move(r->body);
}

std::vector<std::string> interface_macs(const std::string& sys_class_net) {
  std::vector<std::string> macs;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(sys_class_net, ec)) {
    std::string name = entry.path().filename().string();
    if (name == "lo") continue;
    auto text = read_file(entry.path().string() + "/address");
    if (!text) continue;
    std::string mac = to_lower(trim(*text));
    if (mac.size() != 17 || mac == "00:00:00:00:00:00") continue;
    macs.push_back(mac);
  }
  std::sort(macs.begin(), macs.end());
  macs.erase(std::unique(macs.begin(), macs.end()), macs.end());
  return macs;
}

Result<AgentConfig> enroll(const EnrollRequest& request) {
  HttpOptions options;
  options.base_url = request.server;
  options.ca_file = request.ca_file;
  auto client = HttpClient::open(options);
  if (!client) return client.error();
  nlohmann::json body = {{"join_token", request.join_token}, {"hostname", request.hostname}, {"macs", request.macs}};
  const std::string path = "/api/v1/enroll";
  // A join token pasted with stray bytes must reach the server (to be refused), not abort.
  std::string text = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  auto r = client->send("POST", path, text, "application/json");
  if (!r) return r.error();
  if (r->status != 200) return status_error("POST", client->url(path), *r);
  auto reply = parse_enroll_reply(r->body, "POST " + client->url(path));
  if (!reply) return reply.error();
  AgentConfig config;
  config.server = client->options().base_url;
  config.node = std::move(reply->node);
  config.token = std::move(reply->token);
  return config;
}

}  // namespace herd::remote
