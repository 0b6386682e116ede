// Small string helpers with no herd concepts.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace herd {

std::vector<std::string> split(std::string_view text, char separator);
std::string_view trim(std::string_view text);
bool starts_with(std::string_view text, std::string_view prefix);
std::string to_lower(std::string_view text);
std::string join(const std::vector<std::string>& parts, std::string_view separator);

// Parses a whole string as a decimal integer; false if anything else is in it.
bool parse_int(std::string_view text, long long& out);

}  // namespace herd
