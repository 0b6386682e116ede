// Patterns: a node name with each numeric part replaced by a placeholder.
//
// A pattern is kept as ClusterShell writes it, "r%sn%s-ib" with a literal '%' doubled,
// because ClusterShell lists a node set's patterns in the order of that text
// ("n%s" before "n%s-ib", "a#%s" before "a%s"); byte order of the same text here is
// that order.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "nodeset/index.h"

namespace herd::nodeset {

// Builds a pattern text piece by piece.
class PatternBuilder {
 public:
  void append_text(std::string_view text);
  void append_placeholder();
  void clear() { pattern_.clear(); }
  const std::string& pattern() const { return pattern_; }

 private:
  std::string pattern_;
};

// What to do with a digit run longer than herd's 18 significant digits.
enum class LongDigits { reject, keep_as_text };

// Splits `name` the way ClusterShell's _scan_string_single does: runs of non-digits are
// text, each run of ASCII digits is one index ("n07x" -> "n%sx", [07]). Appends to
// `pattern` and `indexes`. Returns the offset of a too-long digit run when `long_digits`
// is reject (outputs then partial), or std::string_view::npos.
size_t split_name(std::string_view name, PatternBuilder& pattern, std::vector<Index>& indexes,
                  LongDigits long_digits);

// Writes names of one pattern: the literal texts around the placeholders.
class PatternWriter {
 public:
  explicit PatternWriter(std::string_view pattern);
  size_t dims() const { return texts_.size() - 1; }
  // Appends texts[0] part(0) texts[1] part(1) ... texts[dims]; part(i) appends to out.
  template <typename AppendPart>
  void append(std::string& out, AppendPart&& part) const {
    out += texts_[0];
    for (size_t i = 1; i < texts_.size(); ++i) {
      part(out, i - 1);
      out += texts_[i];
    }
  }

 private:
  std::vector<std::string> texts_;  // dims() + 1 literal texts
};

}  // namespace herd::nodeset
