#include "run/failed_state.h"

#include <cstdlib>
#include <filesystem>

#include <nlohmann/json.hpp>

#include "util/atomic_file.h"

namespace herd::run {

std::string failed_state_path(const std::string& db_path) {
  if (const char* env = std::getenv("HERD_RUN_STATE"); env && *env) return env;
  return db_path + ".run-failed";
}

std::string failed_state_text(const FailedState& state) {
  nlohmann::json j{{"db", state.db}, {"nodes", state.nodes}, {"command", state.command}};
  // The command is the user's bytes: what is not UTF-8 is kept as U+FFFD (it is only shown).
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

Status save_failed_state(const std::string& path, const FailedState& state) {
  return write_file_atomically(path, failed_state_text(state), 0600);
}

Result<FailedState> parse_failed_state(std::string_view text, const std::string& where) {
  auto j = nlohmann::json::parse(text, nullptr, false);
  auto optional_string = [&](const char* key) { return !j.contains(key) || j[key].is_string(); };
  if (j.is_discarded() || !j.is_object() || !j.contains("nodes") || !j["nodes"].is_string() ||
      !optional_string("db") || !optional_string("command"))
    return bad_input("{}: not a herd run state file", where);
  FailedState state;
  state.db = j.value("db", "");
  state.nodes = j["nodes"].get<std::string>();
  state.command = j.value("command", "");
  return state;
}

Result<FailedState> load_failed_state(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return bad_input("{}: no failed set saved: run herd run first", path);
  auto text = read_file(path);
  if (!text) return text.error();
  return parse_failed_state(*text, path);
}

}  // namespace herd::run
