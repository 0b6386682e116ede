#include "image/import/member_path.h"

namespace herd::image::import {

namespace {
constexpr size_t kMaxName = 255;  // store/tree.h: entry names are at most 255 bytes
}

Result<std::vector<std::string>> member_components(std::string_view name, std::string_view what) {
  if (name.find('\0') != std::string_view::npos) return bad_input("{}: member {:?} has a NUL byte in its name", what, name);
  if (!name.empty() && name.front() == '/')
    return bad_input("{}: member {:?} has an absolute path; herd imports only relative member names", what, name);
  std::vector<std::string> parts;
  size_t start = 0;
  while (start <= name.size()) {
    size_t slash = name.find('/', start);
    if (slash == std::string_view::npos) slash = name.size();
    std::string_view part = name.substr(start, slash - start);
    start = slash + 1;
    if (part.empty() || part == ".") continue;
    if (part == "..") return bad_input("{}: member {:?} has a \"..\" component; refusing to import it", what, name);
    if (part.size() > kMaxName) return bad_input("{}: member {:?} has a component longer than 255 bytes", what, name);
    parts.emplace_back(part);
  }
  return parts;
}

std::string canonical_path(const std::vector<std::string>& parts) {
  if (parts.empty()) return "/";
  std::string out;
  for (const auto& p : parts) out += "/" + p;
  return out;
}

Result<Whiteout> classify_whiteout(std::string_view name, std::string& target) {
  constexpr std::string_view prefix = ".wh.", meta = ".wh..wh.", opaque = ".wh..wh..opq";
  if (name.substr(0, prefix.size()) != prefix) return Whiteout::none;
  if (name == opaque) return Whiteout::opaque;
  if (name.substr(0, meta.size()) == meta) return Whiteout::meta;
  target = std::string(name.substr(prefix.size()));
  if (target.empty() || target == "." || target == "..") return bad_input("whiteout {:?} names no entry", name);
  return Whiteout::remove;
}

}  // namespace herd::image::import
