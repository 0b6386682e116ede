// Shell-style globs for the tracking spec.
//   *      any run of characters except '/'
//   **     any run of characters including '/'; "a/**/b" also matches "a/b"
//   ?      one character except '/'
//   [abc] [a-z] [!abc] [^abc]   one character (never '/') from, or not from, a set
//   \c     the character c itself
// A pattern must match the whole text.
#pragma once

#include <string_view>

namespace herd::track {

bool glob_match(std::string_view pattern, std::string_view text);

// Whether `pattern` is well formed (every '[' closed, no trailing '\').
bool valid_glob(std::string_view pattern);

}  // namespace herd::track
