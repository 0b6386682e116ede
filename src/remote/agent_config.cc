#include "remote/agent_config.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>

#include <nlohmann/json.hpp>

#include "util/atomic_file.h"

namespace herd::remote {

std::string default_agent_dir() {
  const char* env = std::getenv("HERD_AGENT_DIR");
  return env && *env ? env : "/var/lib/herd/agent";
}

Result<std::optional<AgentConfig>> load_agent_config(const AgentFiles& files) {
  std::string path = files.config();
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    if (errno == ENOENT) return std::optional<AgentConfig>();
    return failure("{}: {}", path, std::strerror(errno));
  }
  auto text = read_file(path);
  if (!text) return text.error();
  auto json = nlohmann::json::parse(*text, nullptr, false);
  if (!json.is_object()) return bad_input("{}: not a JSON object", path);
  AgentConfig config;
  for (auto [key, field] : {std::pair{"server", &config.server}, {"node", &config.node}, {"token", &config.token}}) {
    if (!json.contains(key) || !json[key].is_string() || json[key].get<std::string>().empty())
      return bad_input("{}: \"{}\" is missing or not a string", path, key);
    *field = json[key].get<std::string>();
  }
  return std::optional<AgentConfig>(config);
}

Status save_agent_config(const AgentFiles& files, const AgentConfig& config, const std::string& ca_pem) {
  std::error_code ec;
  if (!std::filesystem::is_directory(files.dir, ec)) {
    std::filesystem::create_directories(files.dir, ec);
    if (ec) return failure("{}: cannot create: {}", files.dir, ec.message());
    if (::chmod(files.dir.c_str(), 0700) != 0) return failure("{}: chmod: {}", files.dir, std::strerror(errno));
  }
  HERD_CHECK(write_file_atomically(files.ca(), ca_pem, 0644));
  // write_file_atomically keeps an existing file's mode: tighten it first.
  if (::chmod(files.config().c_str(), 0600) != 0 && errno != ENOENT)
    return failure("{}: chmod: {}", files.config(), std::strerror(errno));
  nlohmann::json json = {{"server", config.server}, {"node", config.node}, {"token", config.token}};
  return write_file_atomically(files.config(), json.dump(2) + "\n", 0600);
}

}  // namespace herd::remote
