// Parsing node set expressions, ClusterShell 1.9's NodeSet(text) syntax:
//
//   expression := operand { operator operand }      read left to right, no precedence
//   operator   := ',' union | '!' difference | '&' intersection | '^' symmetric difference
//   operand    := name text with bracket groups: "n[1-3]", "r[1-2]n[01-16]-ib", "@group"
//
// The scanner is a transcription of ClusterShell's ParsingEngine._scan_string, including
// how digits touching a bracket join it ("n1[0-5]" is n[10-15], "n[1-2]0" is n[10,20]),
// so that every input ClusterShell accepts means the same here. Errors name the column.
#pragma once

#include <string_view>

#include "nodeset/node_set.h"
#include "util/result.h"

namespace herd::nodeset {

class GroupResolver;

// Without `groups`, "@name", '*' and '?' are literal name characters. With it, operands
// starting with '@' are groups (their members are parsed in turn, "@*" is every member
// of every group) and operands containing '*' or '?' match the members of all groups.
Result<NodeSet> parse_node_set(std::string_view text, const GroupResolver* groups);

}  // namespace herd::nodeset
