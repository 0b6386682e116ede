// Parsing ClusterShell's range syntax, the text between brackets: "1-5,07-10,20-30/2".
#pragma once

#include <string_view>

#include "nodeset/range_set.h"
#include "nodeset/syntax_error.h"
#include "util/result.h"

namespace herd::nodeset {

// Most indexes a stepped range ("1-100/2") may produce; herd stores them one by one.
inline constexpr int64_t kMaxSteppedIndexes = 1'000'000;

// Parses `text` as ClusterShell 1.9's RangeSet(text) does, with its whitespace, sign,
// padding and step rules. Fails with bad_input naming the column (from `origin`) and
// the faulty comma-separated part.
Result<RangeSet> parse_range_set(std::string_view text, TextOrigin origin = {});

}  // namespace herd::nodeset
