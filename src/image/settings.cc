#include "image/settings.h"

#include "track/glob.h"
#include "util/text.h"

namespace herd::image {
namespace {

std::string lines_of(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) out += item + "\n";
  return out;
}

std::vector<std::string> items_of(const std::string& text) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    if (end > start) out.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

std::string value_of(const std::map<std::string, std::string>& metadata, const char* key) {
  auto it = metadata.find(key);
  return it == metadata.end() ? std::string() : it->second;
}

}  // namespace

void put_settings(const ImageSettings& settings, std::map<std::string, std::string>& metadata) {
  metadata["layout"] = settings.layout;
  metadata["cmdline"] = settings.cmdline;
  metadata["preserve"] = lines_of(settings.preserve);
  metadata["exclude"] = lines_of(settings.exclude);
}

ImageSettings get_settings(const std::map<std::string, std::string>& metadata) {
  ImageSettings s;
  s.layout = value_of(metadata, "layout");
  s.cmdline = value_of(metadata, "cmdline");
  s.preserve = items_of(value_of(metadata, "preserve"));
  s.exclude = items_of(value_of(metadata, "exclude"));
  return s;
}

Status check_path_glob(const std::string& glob, const std::string& what) {
  if (glob.empty()) return bad_input("{}: an empty pattern", what);
  if (glob.find('\n') != std::string::npos || glob.find('\0') != std::string::npos)
    return bad_input("{}: pattern {:?} has a newline or NUL", what, glob);
  if (!track::valid_glob(glob)) return bad_input("{}: '{}' is not a valid glob (an unclosed '[' or a trailing '\\')", what, glob);
  if (glob.find('/') != std::string::npos && glob[0] != '/' && glob.rfind("**/", 0) != 0)
    return bad_input("{}: '{}' contains '/' so it must start with '/' or '**/'", what, glob);
  return {};
}

}  // namespace herd::image
