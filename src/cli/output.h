// Printing for commands: JSON and text to stdout, notices to stderr.
#pragma once

#include <fmt/format.h>

#include <cstdio>
#include <nlohmann/json.hpp>
#include <string>

namespace herd::cli {

// Strings are bytes (command output, paths, file names); JSON wants UTF-8, so bytes that
// are not are printed as U+FFFD rather than refused.
inline void print_json(const nlohmann::json& value) {
  fmt::print("{}\n", value.dump(2, ' ', false, nlohmann::json::error_handler_t::replace));
}
inline void print_text(const std::string& text) { std::fwrite(text.data(), 1, text.size(), stdout); }

// A one-line confirmation of a change, on stderr so stdout stays clean for pipes.
template <typename... Args>
void notice(fmt::format_string<Args...> f, Args&&... args) {
  fmt::print(stderr, "{}\n", fmt::format(f, std::forward<Args>(args)...));
}

}  // namespace herd::cli
