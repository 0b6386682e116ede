#include "track/glob.h"

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

bool match_from(std::string_view pattern, size_t p, std::string_view text, size_t t) {
  while (p < pattern.size()) {
    char pc = pattern[p];
    if (pc == '*') {
      if (p + 1 < pattern.size() && pattern[p + 1] == '*') {
        size_t rest = p + 2;
        if (rest < pattern.size() && pattern[rest] == '/') {
          // "**/": zero or more whole components.
          if (match_from(pattern, rest + 1, text, t)) return true;
          for (size_t i = t; i < text.size(); ++i)
            if (text[i] == '/' && match_from(pattern, rest + 1, text, i + 1)) return true;
          return false;
        }
        for (size_t i = t; i <= text.size(); ++i)
          if (match_from(pattern, rest, text, i)) return true;
        return false;
      }
      for (size_t i = t; i <= text.size(); ++i) {
        if (match_from(pattern, p + 1, text, i)) return true;
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

}  // namespace

bool glob_match(std::string_view pattern, std::string_view text) { return match_from(pattern, 0, text, 0); }

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
