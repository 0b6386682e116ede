// herd nodeset: ClusterShell's `nodeset` command (fold, expand, count, set operations),
// over the node set library; @groups come from the inventory.
//
// Like ClusterShell, options stop at the first node set; after it, "-x SET", "-i SET",
// "-X SET" apply in order, left to right, and "-" reads node sets from stdin.
#include <CLI/CLI.hpp>

#include <array>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <optional>
#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "cli/context.h"
#include "cli/output.h"
#include "nodeset/group_resolver.h"
#include "nodeset/node_set.h"
#include "nodeset/python_text.h"
#include "nodeset/range_set_parser.h"

namespace herd::cli {
namespace {

using nodeset::FoldOptions;
using nodeset::NodeSet;
using nodeset::RangeSet;

struct NodesetOptions {
  bool count = false;
  bool expand = false;
  bool fold = false;
  int list = 0;
  bool rangeset = false;
  bool all = false;
  bool quiet = false;
  std::vector<std::string> intersections, exclusions, xors;
  std::string separator = " ";
  std::string autostep;
  std::string axis;
};

Error usage_error(std::string_view what) { return bad_input("nodeset: {}", what); }

// Python's str.split() with no argument: appends the words between whitespace to `out`.
void append_words(std::string_view line, std::vector<std::string>& out) {
  size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && nodeset::python::is_space(line[i])) ++i;
    size_t start = i;
    while (i < line.size() && !nodeset::python::is_space(line[i])) ++i;
    if (i > start) out.emplace_back(line.substr(start, i - start));
  }
}

// Node sets read from stdin: whitespace separated, '#' starts a comment. Like a second
// read of Python's sys.stdin, only the first call sees the input.
class StdinOperands {
 public:
  std::vector<std::string> take() {
    if (consumed_) return {};
    consumed_ = true;
    std::string input;
    char buffer[1 << 16];
    while (size_t count = std::fread(buffer, 1, sizeof buffer, stdin)) input.append(buffer, count);
    std::vector<std::string> operands;
    operands.reserve(input.size() / 8);
    size_t start = 0;
    while (start < input.size()) {
      size_t end = start;
      while (end < input.size() && input[end] != '\n' && input[end] != '\r') ++end;
      std::string_view line = std::string_view(input).substr(start, end - start);
      line = line.substr(0, line.find('#'));
      append_words(line, operands);
      start = end + 1;
    }
    return operands;
  }

 private:
  bool consumed_ = false;
};

// The inventory as a group resolver, opened only when a group or wildcard needs it.
// Without an inventory, every group is an error and wildcards match nothing (as in
// ClusterShell without groups).
class InventoryGroups : public nodeset::GroupResolver {
 public:
  explicit InventoryGroups(Context& context) : context_(context) {}

  Result<std::vector<std::string>> resolve(std::string_view group) const override {
    Result<const nodeset::GroupResolver*> groups = open();
    if (!groups) return groups.error().with_context(fmt::format("@{}", group));
    return (*groups)->resolve(group);
  }
  std::vector<std::string> list() const override {
    Result<const nodeset::GroupResolver*> groups = open();
    return groups ? (*groups)->list() : std::vector<std::string>{};
  }

 private:
  Result<const nodeset::GroupResolver*> open() const {
    if (!groups_) groups_ = context_.group_resolver();
    return *groups_;
  }

  Context& context_;
  mutable std::optional<Result<const nodeset::GroupResolver*>> groups_;
};

// Parses operands into node sets.
class NodeSetReader {
 public:
  explicit NodeSetReader(Context& context) : groups_(context) {}

  // The union of every line of every text (ClusterShell's fromlist(text.splitlines())).
  // Plain names are collected and built at once: unions do not depend on order.
  NodeSet union_of(std::vector<std::string> texts) {
    NodeSet result;
    std::vector<std::string> plain_names;
    plain_names.reserve(texts.size());
    for (std::string& text : texts) {
      if (is_plain_name(text)) {  // the common case: one name, no line break
        plain_names.push_back(std::move(text));
        continue;
      }
      for (std::string_view line : nodeset::python::split_lines(text)) {
        if (is_plain_name(line)) {
          plain_names.emplace_back(line);
        } else {
          Result<NodeSet> set = NodeSet::parse(line, &groups_);
          if (!set) fail(set.error().with_context("nodeset"));
          result.unite(*set);
        }
      }
    }
    result.unite(NodeSet::from_names(plain_names));
    return result;
  }

 private:
  static bool is_plain_name(std::string_view line) {
    static const std::array<bool, 256> special = [] {
      std::array<bool, 256> table{};
      for (unsigned char c : std::string_view("[],!&^@*?")) table[c] = true;
      for (int c = 0; c < 256; ++c) table[c] = table[c] || nodeset::python::is_space(static_cast<char>(c));
      return table;
    }();
    size_t digits = 0;
    for (char c : line) {
      if (special[static_cast<unsigned char>(c)]) return false;
      digits = (c >= '0' && c <= '9') ? digits + 1 : 0;
      if (digits > 18) return false;  // let the parser report it
    }
    return !line.empty();
  }

  InventoryGroups groups_;
};

// -R: operands are range sets ("1-5,9").
struct RangeSetReader {
  RangeSet union_of(const std::vector<std::string>& texts) const {
    std::vector<RangeSet::Interval> intervals;  // merged once: many operands stay O(n log n)
    for (const std::string& text : texts) {
      for (std::string_view line : nodeset::python::split_lines(text)) {
        Result<RangeSet> set = nodeset::parse_range_set(line);
        if (!set) fail(set.error().with_context("nodeset"));
        intervals.insert(intervals.end(), set->intervals().begin(), set->intervals().end());
      }
    }
    return RangeSet::from_intervals(std::move(intervals));
  }
};

std::vector<std::string> names_of(const NodeSet& set) { return set.expand(); }
std::vector<std::string> names_of(const RangeSet& set) {
  std::vector<std::string> names;
  set.for_each([&](nodeset::Index index) { names.push_back(index.str()); });
  return names;
}
std::string folded(const NodeSet& set, const FoldOptions& options) { return set.fold(options); }
std::string folded(const RangeSet& set, const FoldOptions& options) { return set.fold(options.autostep); }

// ClusterShell's compute_nodeset: options' operations first, then operands left to right.
template <typename Set, typename Reader>
Set compute(const NodesetOptions& options, const std::vector<std::string>& args, Reader& reader, StdinOperands& stdin_operands) {
  Set set;
  if (options.all) set.unite(reader.union_of({"@*"}));
  if (args.empty() && !options.all && options.list == 0) set.unite(reader.union_of(stdin_operands.take()));
  bool has_operations = !options.intersections.empty() || !options.exclusions.empty() || !options.xors.empty();
  if (set.empty() && has_operations && !options.quiet) std::cerr << "WARNING: empty left operand for set operation\n";

  // An operand of -i/-x/-X; "-" is stdin, and like ClusterShell an empty stdin is no operand.
  auto apply = [&](char operation, const std::string& text) {
    Set operand = text == "-" ? reader.union_of(stdin_operands.take()) : reader.union_of({text});
    if (text == "-" && operand.empty()) return;
    if (operation == 'i') set.intersect(operand);
    if (operation == 'x') set.subtract(operand);
    if (operation == 'X') set.symmetric_difference(operand);
  };
  for (const std::string& text : options.intersections) apply('i', text);
  for (const std::string& text : options.exclusions) apply('x', text);
  for (const std::string& text : options.xors) apply('X', text);

  std::vector<std::string> united;  // consecutive union operands, parsed together
  auto flush = [&] {
    if (!united.empty()) set.unite(reader.union_of(std::move(united)));
    united.clear();
  };
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    char operation = arg == "-i" || arg == "--intersection" ? 'i'
                     : arg == "-x" || arg == "--exclude"    ? 'x'
                     : arg == "-X" || arg == "--xor"        ? 'X'
                                                            : 0;
    if (operation != 0) {
      flush();
      if (i + 1 == args.size()) fail(usage_error(fmt::format("{} needs a node set", arg)));
      apply(operation, args[++i]);
    } else if (arg == "-") {
      for (std::string& operand : stdin_operands.take()) united.push_back(std::move(operand));
    } else {
      united.push_back(arg);
    }
  }
  flush();
  return set;
}

// Python's '''...''' escapes in -S, as ClusterShell evaluates them ("\n", "\t", "\x2c").
std::string unescape_separator(std::string_view text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '\\' || i + 1 == text.size()) {
      out.push_back(text[i]);
      continue;
    }
    char c = text[++i];
    switch (c) {
      case 'n': out.push_back('\n'); break;
      case 't': out.push_back('\t'); break;
      case 'r': out.push_back('\r'); break;
      case 'a': out.push_back('\a'); break;
      case 'b': out.push_back('\b'); break;
      case 'f': out.push_back('\f'); break;
      case 'v': out.push_back('\v'); break;
      case '\\': case '\'': case '"': out.push_back(c); break;
      case '\n': break;
      case 'x':
        if (i + 2 < text.size() && std::isxdigit(static_cast<unsigned char>(text[i + 1])) &&
            std::isxdigit(static_cast<unsigned char>(text[i + 2]))) {
          out.push_back(static_cast<char>(std::stoi(std::string(text.substr(i + 1, 2)), nullptr, 16)));
          i += 2;
          break;
        }
        fail(usage_error("invalid separator"));
      default:
        if (c >= '0' && c <= '7') {
          int value = 0, digits = 0;
          for (; digits < 3 && i < text.size() && text[i] >= '0' && text[i] <= '7'; ++digits, ++i)
            value = value * 8 + (text[i] - '0');
          --i;
          out.push_back(static_cast<char>(value));
        } else {
          out.push_back('\\');
          out.push_back(c);
        }
    }
  }
  return out;
}

// --autostep: a node count, a percentage of the set's size ("50%") or "auto".
std::optional<int64_t> autostep_for(const std::string& text, size_t set_size) {
  if (text.empty()) return std::nullopt;
  if (text == "auto") return std::max<int64_t>(3, static_cast<int64_t>(set_size));
  if (text.find('%') != std::string::npos) {
    std::string number = text.substr(0, text.size() - 1);
    char* end = nullptr;
    double percent = std::strtod(number.c_str(), &end);
    if (number.empty() || *end != '\0') fail(usage_error(fmt::format("--autostep: invalid value '{}'", text)));
    return static_cast<int64_t>(std::ceil(static_cast<double>(set_size) * percent / 100.0));
  }
  nodeset::python::Int count = nodeset::python::to_int(text);
  if (count.status != nodeset::python::Int::Status::ok)
    fail(usage_error(fmt::format("--autostep: invalid value '{}', should be a node count, a percentage or 'auto'", text)));
  return count.value;
}

// --axis: 1-based axes as a range set ("1,3"), or one negative axis ("-1" is the last).
std::vector<int64_t> fold_axes(const std::string& text) {
  if (text.starts_with('-')) {
    nodeset::python::Int axis = nodeset::python::to_int(text);
    if (axis.status != nodeset::python::Int::Status::ok) fail(usage_error(fmt::format("--axis: invalid value '{}'", text)));
    return {axis.value};
  }
  Result<RangeSet> axes = nodeset::parse_range_set(text);
  if (!axes) fail(axes.error().with_context("nodeset: --axis"));
  std::vector<int64_t> zero_based;
  axes->for_each([&](nodeset::Index axis) {
    if (axis.value > 0) zero_based.push_back(axis.value - 1);
  });
  return zero_based;
}

template <typename Set>
void print_result(const Set& set, const NodesetOptions& options, bool json) {
  FoldOptions fold_options;
  fold_options.autostep = autostep_for(options.autostep, set.size());
  if (!options.axis.empty()) fold_options.fold_axis = fold_axes(options.axis);
  if (options.count) {
    if (json) return print_json(set.size());
    return print_text(fmt::format("{}\n", set.size()));
  }
  if (options.fold) {
    if (json) return print_json(folded(set, fold_options));
    return print_text(folded(set, fold_options) + "\n");
  }
  std::vector<std::string> names = names_of(set);
  if (json) return print_json(names);
  std::string separator = unescape_separator(options.separator);
  std::string text;
  for (size_t i = 0; i < names.size(); ++i) {
    if (i > 0) text += separator;
    text += names[i];
  }
  print_text(text + "\n");
}

// -l/-ll/-lll: groups (with their nodes, and counts); with node sets, the groups that
// hold some of them (with those nodes, and how many of the group's nodes they are).
void print_groups(Context& context, const NodeSet& filter, bool filtered, int level, bool json) {
  const nodeset::GroupResolver* groups = unwrap(context.group_resolver());
  nlohmann::json rows = nlohmann::json::array();
  std::string text;
  std::vector<std::string> names = groups->list();
  if (filtered) {
    std::sort(names.begin(), names.end());
  } else {
    names = NodeSet::from_names(names).expand();  // ClusterShell lists groups in node set order
  }
  for (const std::string& name : names) {
    NodeSet members;
    if (level > 1 || filtered) {
      Result<NodeSet> parsed = NodeSet::parse("@" + name, groups);
      if (!parsed) fail(parsed.error().with_context("nodeset"));
      members = std::move(*parsed);
    }
    NodeSet shown = members;
    if (filtered) {
      shown.intersect(filter);
      if (shown.empty()) continue;
    }
    std::string line = "@" + name;
    if (level >= 2) line += " " + shown.fold();
    if (level >= 3) line += filtered ? fmt::format(" {}/{}", shown.size(), members.size()) : fmt::format(" {}", members.size());
    text += line + "\n";
    nlohmann::json row = {{"group", name}};
    if (level >= 2) row["nodes"] = shown.fold();
    if (level >= 3) row["count"] = shown.size();
    if (level >= 3 && filtered) row["group_count"] = members.size();
    rows.push_back(row);
  }
  if (json) return print_json(rows);
  print_text(text);
}

void run(Context& context, const NodesetOptions& options, const std::vector<std::string>& args) {
  int commands = options.count + options.expand + options.fold + (options.list > 0);
  if (commands == 0) fail(usage_error("no command: give -c, -e, -f or -l"));
  if (commands > 1) fail(usage_error("give only one of -c, -e, -f and -l"));
  if (options.rangeset && (options.all || options.list > 0)) fail(usage_error("-a and -l need node sets, not -R"));
  if (!options.axis.empty() && (!options.fold || options.rangeset))
    fail(usage_error("--axis is only supported when folding node sets"));

  if (!args.empty() && args[0].size() > 1 && args[0][0] == '-')
    fail(usage_error(fmt::format("no such option: {}", args[0])));

  StdinOperands stdin_operands;
  if (options.rangeset) {
    RangeSetReader reader;
    print_result(compute<RangeSet>(options, args, reader, stdin_operands), options, context.json);
    return;
  }
  NodeSetReader reader(context);
  NodeSet set = compute<NodeSet>(options, args, reader, stdin_operands);
  if (options.list > 0) {
    bool filtered = options.all || !set.empty() || !options.intersections.empty() || !options.exclusions.empty() ||
                    !options.xors.empty();
    return print_groups(context, set, filtered, options.list, context.json);
  }
  print_result(set, options, context.json);
}

}  // namespace

void add_nodeset_command(CLI::App& app, Context& context) {
  auto options = std::make_shared<NodesetOptions>();
  CLI::App* cmd = app.add_subcommand(
      "nodeset",
      "Fold, expand, count and combine node sets, like ClusterShell's nodeset.\n"
      "Syntax: n[1-4,07],r[1-2]n[01-16]; operators , (union) ! (difference) & (intersection)\n"
      "^ (symmetric difference), read left to right; @group from the inventory.\n"
      "Options stop at the first node set; after it, -x/-i/-X SET apply in order; - reads stdin.");
  cmd->add_flag("-c,--count", options->count, "Print the number of nodes");
  cmd->add_flag("-e,--expand", options->expand, "Print each node, separated by -S (a JSON array with --json)");
  cmd->add_flag("-f,--fold", options->fold, "Print the folded node set");
  cmd->add_flag("-l,--list", options->list, "List groups (-ll with nodes, -lll with counts); with node sets, their groups");
  cmd->add_option("-x,--exclude", options->exclusions, "Remove this node set first (repeatable)")->expected(1)->allow_extra_args(false);
  cmd->add_option("-i,--intersection", options->intersections, "Intersect with this node set first (repeatable)")->expected(1)->allow_extra_args(false);
  cmd->add_option("-X,--xor", options->xors, "Symmetric difference with this node set first (repeatable)")->expected(1)->allow_extra_args(false);
  cmd->add_option("-S,--separator", options->separator, "Separator for -e (default ' '; escapes such as \\n work)");
  cmd->add_option("--autostep", options->autostep, "Fold evenly spaced indexes as a-b/step: a node count, 'N%' or 'auto'");
  cmd->add_option("--axis", options->axis, "Fold only these axes of multi-index names (1-based, e.g. 1 or 2-3 or -1)");
  cmd->add_flag("-R,--rangeset", options->rangeset, "Work on range sets (1-5,9) instead of node sets");
  cmd->add_flag("-a,--all", options->all, "Start from every node of every group");
  cmd->add_flag("-q,--quiet", options->quiet, "No warnings");
  // Global options are repeated here: with fallthrough, operands would reach `herd` itself.
  cmd->add_flag("--json", context.json, "Print JSON");
  cmd->add_option("--db", context.db_path, "Inventory database, for @groups");
  cmd->fallthrough(false);
  cmd->prefix_command();  // everything from the first node set on is an operand
  cmd->callback([&context, options, cmd] { run(context, *options, cmd->remaining()); });
}

}  // namespace herd::cli
