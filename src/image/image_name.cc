#include "image/image_name.h"

#include <charconv>

namespace herd::image {
namespace {

bool name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
         c == '-';
}

bool all_digits(std::string_view s) {
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return !s.empty();
}

// Appends what is wrong with `name` as an image or tag name, "" when nothing.
std::string name_problem(std::string_view name) {
  if (name.empty()) return "it is empty";
  if (name.size() > kMaxImageName) return fmt::format("it is longer than {} characters", kMaxImageName);
  char first = name.front();
  if (!((first >= 'a' && first <= 'z') || (first >= 'A' && first <= 'Z') || (first >= '0' && first <= '9')))
    return "it must start with a letter or digit";
  for (char c : name)
    if (!name_char(c)) return fmt::format("'{}' is not one of A-Z a-z 0-9 . _ -", c);
  return "";
}

}  // namespace

bool valid_image_name(std::string_view name) { return name_problem(name).empty(); }

bool valid_tag_name(std::string_view name) { return valid_image_name(name) && !all_digits(name); }

std::string ImageRef::text() const {
  if (revision) return fmt::format("{}:{}", image, revision);
  if (!tag.empty()) return image + ":" + tag;
  return image;
}

Result<ImageRef> parse_revision_of(const std::string& image, std::string_view revision) {
  ImageRef ref;
  ref.image = image;
  if (all_digits(revision)) {
    uint64_t n = 0;
    auto [end, ec] = std::from_chars(revision.data(), revision.data() + revision.size(), n);
    if (ec != std::errc() || end != revision.data() + revision.size() || n == 0 || n > 1'000'000'000)
      return bad_input("bad revision '{}' of image {}: revisions are numbered from 1", revision, image);
    ref.revision = n;
    return ref;
  }
  if (auto problem = name_problem(revision); !problem.empty())
    return bad_input("bad revision or tag '{}' of image {}: {}", revision, image, problem);
  ref.tag = std::string(revision);
  return ref;
}

Result<ImageRef> parse_image_ref(std::string_view text) {
  size_t colon = text.find(':');
  std::string_view name = text.substr(0, colon);
  if (auto problem = name_problem(name); !problem.empty())
    return bad_input("bad image name '{}': {}", name, problem);
  if (colon == std::string_view::npos) return ImageRef{std::string(name), 0, ""};
  std::string_view rest = text.substr(colon + 1);
  if (rest.empty()) return bad_input("bad image reference '{}': nothing after ':' (NAME:REVISION or NAME:TAG)", text);
  return parse_revision_of(std::string(name), rest);
}

}  // namespace herd::image
