#include "track/glob.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <vector>

namespace herd::track {
namespace {

// Matches one bracket expression starting at pattern[p] == '['. Sets `end` to the index
// after the closing ']'. Returns whether `c` is in the set; `ok` is false if unclosed.
bool match_class(std::string_view pattern, size_t p, char c, size_t& end, bool& ok) {
  size_t i = p + 1;
  bool negate = i < pattern.size() && (pattern[i] == '!' || pattern[i] == '^');
  if (negate) ++i;
  bool found = false;
  bool first = true;
  while (i < pattern.size() && (first || pattern[i] != ']')) {
    first = false;
    char lo = pattern[i];
    if (lo == '\\' && i + 1 < pattern.size()) lo = pattern[++i];
    char hi = lo;
    if (i + 2 < pattern.size() && pattern[i + 1] == '-' && pattern[i + 2] != ']') {
      hi = pattern[i + 2];
      if (hi == '\\' && i + 3 < pattern.size()) {
        hi = pattern[i + 3];
        ++i;
      }
      i += 2;
    }
    if (static_cast<unsigned char>(c) >= static_cast<unsigned char>(lo) &&
        static_cast<unsigned char>(c) <= static_cast<unsigned char>(hi))
      found = true;
    ++i;
  }
  ok = i < pattern.size();
  end = i + 1;
  return c != '/' && found != negate;
}

// Matches text[t..] against pattern[p..].
struct Matcher {
  std::string_view pattern, text;
  // (p, t) states known not to match, one bit each: on the stack for the usual sizes.
  std::array<uint64_t, 64> small;  // only the words in use are cleared
  std::vector<uint64_t> large;
  uint64_t* failed;

  Matcher(std::string_view pattern_, std::string_view text_) : pattern(pattern_), text(text_) {
    size_t words = ((pattern.size() + 1) * (text.size() + 1) + 63) / 64;
    if (words > small.size()) {
      large.resize(words);
      failed = large.data();
    } else {
      std::fill_n(small.begin(), words, 0);
      failed = small.data();
    }
  }

  // A state (p, t) that failed once fails again: without this, patterns with many stars
  // backtrack exponentially (found by fuzz_track_inputs); with it, each state runs once.
  bool match_from(size_t p, size_t t) {
    size_t state = p * (text.size() + 1) + t;
    uint64_t bit = uint64_t(1) << (state % 64);
    if (failed[state / 64] & bit) return false;
    bool matched = match_here(p, t);
    if (!matched) failed[state / 64] |= bit;
    return matched;
  }

  bool match_here(size_t p, size_t t) {
    while (p < pattern.size()) {
      char pc = pattern[p];
      if (pc == '*') {
        if (p + 1 < pattern.size() && pattern[p + 1] == '*') {
          size_t rest = p + 2;
          if (rest < pattern.size() && pattern[rest] == '/') {
            // "**/": zero or more whole components.
            if (match_from(rest + 1, t)) return true;
            for (size_t i = t; i < text.size(); ++i)
              if (text[i] == '/' && match_from(rest + 1, i + 1)) return true;
            return false;
          }
          for (size_t i = t; i <= text.size(); ++i)
            if (match_from(rest, i)) return true;
          return false;
        }
        for (size_t i = t; i <= text.size(); ++i) {
          if (match_from(p + 1, i)) return true;
          if (i < text.size() && text[i] == '/') break;
        }
        return false;
      }
      if (t >= text.size()) return false;
      if (pc == '?') {
        if (text[t] == '/') return false;
        ++p;
        ++t;
        continue;
      }
      if (pc == '[') {
        size_t end = 0;
        bool ok = true;
        bool in = match_class(pattern, p, text[t], end, ok);
        if (!ok) {
          // An unclosed '[' is a literal.
          if (text[t] != '[') return false;
          ++p;
          ++t;
          continue;
        }
        if (!in) return false;
        p = end;
        ++t;
        continue;
      }
      if (pc == '\\' && p + 1 < pattern.size()) pc = pattern[++p];
      if (text[t] != pc) return false;
      ++p;
      ++t;
    }
    return t == text.size();
  }
};

}  // namespace

bool glob_match(std::string_view pattern, std::string_view text) { return Matcher(pattern, text).match_from(0, 0); }

bool valid_glob(std::string_view pattern) {
  for (size_t i = 0; i < pattern.size(); ++i) {
    if (pattern[i] == '\\') {
      if (i + 1 >= pattern.size()) return false;
      ++i;
    } else if (pattern[i] == '[') {
      size_t end = 0;
      bool ok = true;
      match_class(pattern, i, 'a', end, ok);
      if (!ok) return false;
      i = end - 1;
    }
  }
  return true;
}

}  // namespace herd::track
