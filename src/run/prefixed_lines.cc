#include "run/prefixed_lines.h"

#include <unordered_map>

namespace herd::run {

namespace {

bool is_space(char c) { return c == ' ' || c == '\t'; }

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

}  // namespace

Result<std::vector<NodeLines>> parse_prefixed_lines(std::string_view text, char separator, std::string_view source) {
  std::vector<NodeLines> nodes;
  std::unordered_map<std::string_view, size_t> index_of;  // views into `text`
  size_t number = 0;
  while (!text.empty()) {
    ++number;
    size_t end = text.find('\n');
    std::string_view line = text.substr(0, end);
    text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);

    size_t cut = line.find(separator);
    if (cut == std::string_view::npos)
      return bad_input("{} line {}: no node before a '{}' (expected NODE{} LINE)", source, number, separator,
                       separator);
    std::string_view node = trim(line.substr(0, cut));
    if (node.empty()) return bad_input("{} line {}: empty node name before '{}'", source, number, separator);
    for (char c : node)
      if (is_space(c) || static_cast<unsigned char>(c) < 0x20)
        return bad_input("{} line {}: node name '{}' holds white space or a control character", source, number,
                         node);
    std::string_view content = line.substr(cut + 1);
    if (!content.empty() && content.front() == ' ') content.remove_prefix(1);

    auto [it, added] = index_of.try_emplace(node, nodes.size());
    if (added) nodes.push_back({std::string(node), {}});
    nodes[it->second].lines.emplace_back(content);
  }
  return nodes;
}

}  // namespace herd::run
