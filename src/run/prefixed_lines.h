// Output in the `node: line` form of pdsh, clush and herd run, read back per node: what
// clubak and dshbak take on stdin (`pdsh -w … cmd | herd gather`).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "util/result.h"

namespace herd::run {

struct NodeLines {
  std::string node;
  std::vector<std::string> lines;
};

// Splits `text` into lines ('\n' ends a line, "\r\n" too; a last line without one
// counts), each NODE SEPARATOR CONTENT: the node is the text before the first separator
// with spaces around it removed, the content what follows with one leading space
// removed (pdsh's "node: line"). Nodes are in the order of their first line, each
// node's lines in input order. Fails with bad_input naming `source` and the line
// number when a line has no separator, or its node is empty or holds white space.
Result<std::vector<NodeLines>> parse_prefixed_lines(std::string_view text, char separator, std::string_view source);

}  // namespace herd::run
