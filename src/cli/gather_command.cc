// herd gather: `node: line` output from stdin (pdsh, clush, herd run, ssh loops) shown
// per distinct output under folded node sets (clubak -b, dshbak -c), or by node (-L).
#include <CLI/CLI.hpp>
#include <iostream>
#include <iterator>
#include <memory>
#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "cli/context.h"
#include "cli/output.h"
#include "cli/run_common.h"
#include "nodeset/node_set.h"
#include "run/gather.h"
#include "run/prefixed_lines.h"

namespace herd::cli {

namespace {

struct GatherFlags {
  bool ordered = false;
  std::string separator = ":";
};

void run_gather(Context& context, const GatherFlags& f) {
  if (f.separator.size() != 1) fail(bad_input("-S {}: the separator is one character", f.separator));
  std::string text(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>{});
  auto parsed = unwrap(run::parse_prefixed_lines(text, f.separator[0], "stdin"));

  // Nodes in node set order (compute-0-2 before compute-0-10), as herd run prints them.
  std::vector<std::string> names;
  names.reserve(parsed.size());
  for (const auto& n : parsed) names.push_back(n.node);
  std::unordered_map<std::string, size_t> index_of;
  for (size_t i = 0; i < parsed.size(); ++i) index_of.emplace(parsed[i].node, i);
  std::vector<run::NodeResult> results;
  results.reserve(parsed.size());
  for (const auto& name : nodeset::NodeSet::from_names(names).expand()) {
    run::NodeResult r;
    r.node = name;
    r.out = std::move(parsed[index_of.at(name)].lines);
    results.push_back(std::move(r));
  }

  if (context.json) {
    nlohmann::json list = nlohmann::json::array();
    if (f.ordered) {
      for (const auto& r : results) list.push_back({{"node", r.node}, {"lines", r.out}});
    } else {
      for (const auto& g : run::gather(results))
        list.push_back({{"nodes", g.nodes}, {"count", g.count}, {"lines", *g.lines}});
    }
    print_json(list);
  } else if (f.ordered) {
    print_ordered(results);
  } else {
    print_gathered(results);
  }
}

}  // namespace

void add_gather_command(CLI::App& app, Context& context) {
  auto flags = std::make_shared<GatherFlags>();
  auto* cmd = app.add_subcommand(
      "gather",
      "Read 'node: line' output (pdsh, clush, herd run) from stdin and print each distinct\n"
      "output once under its folded node set (clubak -b, dshbak -c); -L: by node instead.\n"
      "Example: pdsh -w 'n[1-64]' uname -r | herd gather");
  cmd->add_flag("-L,--ordered", flags->ordered, "Print each node's lines together, 'node: line', in node order");
  cmd->add_option("-S,--separator", flags->separator, "The character between node and line")->capture_default_str();
  cmd->callback([&context, flags] { run_gather(context, *flags); });
}

}  // namespace herd::cli
