#include "nodeset/range_set_parser.h"

#include <fmt/format.h>

#include "nodeset/python_text.h"

namespace herd::nodeset {
namespace {

using python::Int;

std::string_view strip_leading_zeros(std::string_view text) {
  while (!text.empty() && text.front() == '0') text.remove_prefix(1);
  return text;
}

// The bounds of one part after ClusterShell's sign handling: "-8--4" -> 8, 4, both negative.
struct Bounds {
  std::string_view begin, end;
  int64_t begin_sign = 1, end_sign = 1;
};

std::vector<std::string_view> split_stripped(std::string_view text, char separator) {
  std::vector<std::string_view> parts;
  for (size_t start = 0;;) {
    size_t end = text.find(separator, start);
    parts.push_back(python::strip(text.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start)));
    if (end == std::string_view::npos) return parts;
    start = end + 1;
  }
}

class PartParser {
 public:
  PartParser(std::string_view part, size_t column) : part_(part), column_(column) {}

  // Appends the indexes of the part ("5", "1-10", "01-10/3", "-3-2") to `intervals`.
  Status parse_into(std::vector<RangeSet::Interval>& intervals) {
    std::string_view base = part_;
    int64_t step = 1;
    if (size_t slash = part_.find('/'); slash != std::string_view::npos) {
      base = part_.substr(0, slash);
      Int parsed = python::to_int(part_.substr(slash + 1));
      if (parsed.status != Int::Status::ok) return number_error(parsed);
      step = parsed.value;
    }

    Bounds bounds;
    if (base.find('-') == std::string_view::npos) {
      if (step != 1) return error("a step needs a range, as in 1-9/2");
      bounds.begin = bounds.end = base;  // not stripped: "05 /1" keeps its space, as in ClusterShell
    } else {
      std::vector<std::string_view> pieces = split_stripped(base, '-');
      if (pieces.size() == 2 && pieces[0].empty()) {
        bounds = Bounds{pieces[1], pieces[1], -1, -1};  // "-5"
      } else if (pieces.size() == 2) {
        bounds = Bounds{pieces[0], pieces[1], 1, 1};
      } else if (pieces.size() == 3) {
        bounds = Bounds{pieces[1], pieces[2], -1, 1};  // "-3-2"
      } else if (pieces.size() == 4) {
        bounds = Bounds{pieces[1], pieces[3], -1, -1};  // "-8--4"
      } else {
        return error("too many '-'");
      }
    }

    // ClusterShell: an explicit padding on either bound needs both bounds of equal length.
    uint32_t pad = 0;
    int64_t start = 0;
    Int begin = python::to_int(bounds.begin);
    if (begin.status != Int::Status::ok) return number_error(begin);
    if (begin.value != 0) {
      std::string_view digits = strip_leading_zeros(bounds.begin);
      if (digits.size() < bounds.begin.size()) pad = static_cast<uint32_t>(bounds.begin.size());
      Int parsed = python::to_int(digits);
      if (parsed.status != Int::Status::ok) return number_error(parsed);
      start = parsed.value;
    } else if (bounds.begin.size() > 1) {
      pad = static_cast<uint32_t>(bounds.begin.size());
    }
    Int end = python::to_int(bounds.end);
    if (end.status != Int::Status::ok) return number_error(end);
    std::string_view end_digits = end.value != 0 ? strip_leading_zeros(bounds.end) : bounds.end;
    bool end_padded = end_digits.size() < bounds.end.size();
    if ((pad > 0 || end_padded) && bounds.begin.size() != bounds.end.size()) return error("padding length mismatch");
    Int stop = python::to_int(end_digits);
    if (stop.status != Int::Status::ok) return number_error(stop);

    if (pad > 0 && bounds.begin_sign < 0) return error("zero padding in a negative range");
    int64_t first = start * bounds.begin_sign;
    int64_t last = stop.value * bounds.end_sign;
    if (first > last) return error("the range ends before it starts");
    if (step < 1) return error("the step must be at least 1");
    // ClusterShell also refuses ranges of 1e9 indexes or more, as it stores each index;
    // here a plain range is one interval, so only stepped ranges are bounded.
    if (step > 1 && (last - first) / step + 1 > kMaxSteppedIndexes)
      return error(fmt::format("more than {} indexes in a stepped range", kMaxSteppedIndexes));
    RangeSet::append_range(first, last, step, pad, intervals);
    return {};
  }

 private:
  Error error(std::string_view what) const {
    return syntax_error(column_, fmt::format("bad range \"{}\": {}", part_, what));
  }
  Error number_error(const Int& parsed) const {
    if (parsed.status == Int::Status::too_large) return error("number too large (herd allows 18 digits)");
    return error(part_.empty() ? "empty range" : "not a number");
  }

  std::string_view part_;
  size_t column_;
};

}  // namespace

Result<RangeSet> parse_range_set(std::string_view text, TextOrigin origin) {
  std::vector<RangeSet::Interval> intervals;
  for (size_t start = 0;;) {
    size_t comma = text.find(',', start);
    std::string_view raw = text.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start);
    std::string_view part = python::strip(raw);
    size_t offset = start + static_cast<size_t>(part.data() - raw.data());
    if (part.empty()) offset = start;
    PartParser parser(part, origin.column_of(offset));
    HERD_CHECK(parser.parse_into(intervals));
    if (comma == std::string_view::npos) return RangeSet::from_intervals(std::move(intervals));
    start = comma + 1;
  }
}

}  // namespace herd::nodeset
