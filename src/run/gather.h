// Gathering (clubak -b, dshbak -c): nodes whose output is identical, line for line, are
// shown once under their folded node set.
#pragma once

#include <string>
#include <vector>

#include "run/node_result.h"

namespace herd::run {

struct Gathered {
  std::string nodes;                // folded, e.g. "compute-0-[0-3]"
  size_t count = 0;                 // how many nodes
  const std::vector<std::string>* lines = nullptr;  // points into the results; outlives nothing
};

// Groups `results` by their `stream` lines. Groups are ordered by their first node in
// the order of `results`; nodes without any line are left out. The returned pointers
// stay valid while `results` is unchanged.
std::vector<Gathered> gather(const std::vector<NodeResult>& results, Stream stream = Stream::out);

// clubak's text for one group: a header (15 dashes, "NODES (COUNT)", 15 dashes; a
// single node without its count, as clush and clubak print it), then the lines.
std::string format_gathered(const Gathered& group);

}  // namespace herd::run
