// Image names and references (docs/image.md, "The model"):
//   NAME        1-100 characters of [A-Za-z0-9._-], starting with a letter or digit
//   NAME:N      revision N (1, 2, ...)
//   NAME:TAG    the revision tagged TAG (a name as above that is not all digits)
//   NAME        alone: the newest revision
// Parsing is pure (fuzzed by fuzz_image_inputs); errors are bad_input naming the text.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "util/result.h"

namespace herd::image {

inline constexpr size_t kMaxImageName = 100;

// Whether `name` can name an image (or a tag, when it is also not all digits).
bool valid_image_name(std::string_view name);
bool valid_tag_name(std::string_view name);

struct ImageRef {
  std::string image;
  uint64_t revision = 0;  // 0 = not a number (see tag)
  std::string tag;        // "" = not a tag
  // Neither a revision nor a tag: the newest revision.
  bool newest() const { return revision == 0 && tag.empty(); }
  std::string text() const;  // "base", "base:3", "base:good"
};

// "NAME", "NAME:N" or "NAME:TAG".
Result<ImageRef> parse_image_ref(std::string_view text);
// A revision given on its own (--revision 3, --to good): a number or a tag.
Result<ImageRef> parse_revision_of(const std::string& image, std::string_view revision);

}  // namespace herd::image
