// herd track compare NODES PATH: one path across the latest checkpoints of many nodes,
// read from the frontend's store. Adds `compare` to the `track` noun; the work is in
// src/track/fleet*.h.
#include <CLI/CLI.hpp>

#include <sys/sysmacros.h>

#include "cli/commands.h"
#include "cli/context.h"
#include "cli/fleet_output.h"
#include "cli/output.h"
#include "store/file_content.h"
#include "track/compare.h"
#include "track/fleet.h"
#include "track/fleet_files.h"
#include "track/line_diff.h"
#include "track/path.h"
#include "track/tree_diff.h"

namespace herd::cli {
namespace {

using track::FileGroup;
using track::FileVersion;

struct CompareCommand {
  Selection selection;
  std::vector<std::string> args;  // [NODES] PATH
  std::string store;
  std::string checkpoint = "latest";
  bool diff = false;
};

std::string size_text(uint64_t bytes) {
  if (bytes < 1024) return fmt::format("{} B", bytes);
  if (bytes < (1 << 20)) return fmt::format("{:.1f} KiB", bytes / 1024.0);
  return fmt::format("{:.1f} MiB", bytes / 1048576.0);
}

// "file 1a2b3c4d5e6f  0644 root:root  58 B", "symlink -> target  0777 root:root", "absent"...
std::string describe(const FileVersion& v) {
  switch (v.state) {
    case FileVersion::State::absent: return "absent";
    case FileVersion::State::no_checkpoint: return "no checkpoint";
    case FileVersion::State::unreadable: return "unreadable: " + v.error;
    case FileVersion::State::present: break;
  }
  const auto& e = v.entry;
  std::string meta = track::mode_string(e.mode) + " " + track::owner_string(e);
  switch (e.type) {
    case store::EntryType::file:
      return fmt::format("file {}  {}  {}", e.content.hex().substr(0, 12), meta, size_text(e.size));
    case store::EntryType::folder: return fmt::format("folder {}  {}", e.content.hex().substr(0, 12), meta);
    case store::EntryType::symlink: return fmt::format("symlink -> {}  {}", e.link_target, meta);
    case store::EntryType::char_device:
    case store::EntryType::block_device:
      return fmt::format("{} {}:{}  {}", store::entry_type_name(e.type), major(e.rdev), minor(e.rdev), meta);
    default: return fmt::format("{}  {}", store::entry_type_name(e.type), meta);
  }
}

nlohmann::json version_json(const FileVersion& v) {
  nlohmann::json out = {{"state", track::file_state_name(v.state)}};
  if (v.state == FileVersion::State::unreadable) out["error"] = v.error;
  if (v.state != FileVersion::State::present) return out;
  const auto& e = v.entry;
  out["type"] = store::entry_type_name(e.type);
  out["mode"] = track::mode_string(e.mode);
  out["owner"] = track::owner_string(e);
  out["uid"] = e.uid;
  out["gid"] = e.gid;
  if (e.type == store::EntryType::file || e.type == store::EntryType::folder) out["content"] = e.content.hex();
  if (e.type == store::EntryType::file) out["size"] = e.size;
  if (e.type == store::EntryType::symlink) out["target"] = e.link_target;
  if (e.type == store::EntryType::char_device || e.type == store::EntryType::block_device) out["rdev"] = e.rdev;
  return out;
}

// How a minority version differs from the reference: metadata lines, then a unified diff
// of the content for two files ("" when nothing can be shown).
std::string version_diff(const store::ObjectStore& store, const std::string& path, const FileGroup& reference,
                         const FileGroup& group) {
  const auto& a = reference.version.entry;
  const auto& b = group.version.entry;
  std::string a_name = nodeset::fold(reference.nodes) + ":" + path;
  std::string b_name = nodeset::fold(group.nodes) + ":" + path;
  std::string out = fmt::format("diff {} {}\n", a_name, b_name);
  if (a.type != b.type)
    out += fmt::format("type {} -> {}\n", store::entry_type_name(a.type), store::entry_type_name(b.type));
  if (a.mode != b.mode) out += fmt::format("mode {} -> {}\n", track::mode_string(a.mode), track::mode_string(b.mode));
  if (track::owner_string(a) != track::owner_string(b))
    out += fmt::format("owner {} -> {}\n", track::owner_string(a), track::owner_string(b));
  if (a.type == store::EntryType::symlink && b.type == store::EntryType::symlink && a.link_target != b.link_target)
    out += fmt::format("symlink target {} -> {}\n", a.link_target, b.link_target);
  if (a.type != store::EntryType::file || b.type != store::EntryType::file || a.content == b.content) return out;
  if (a.size > track::kMaxDiffBytes || b.size > track::kMaxDiffBytes)
    return out + fmt::format("Files {} and {} differ (too large to show)\n", a_name, b_name);
  auto before = unwrap(store::read_content(store, a.content));
  auto after = unwrap(store::read_content(store, b.content));
  if (track::looks_binary(before) || track::looks_binary(after))
    return out + fmt::format("Binary files {} and {} differ\n", a_name, b_name);
  return out + track::unified_diff(before, after, a_name, b_name);
}

void run_compare(Context& context, CompareCommand& o) {
  if (o.args.empty() || o.args.size() > 2) fail(bad_input("compare takes NODES PATH (or PATH with --where/--query)"));
  std::string path = o.args.back();
  if (o.args.size() == 2) o.selection.nodes = o.args[0];
  else if (o.selection.where.empty() && o.selection.query.empty())
    fail(bad_input("compare '{}': give the nodes, e.g. herd track compare compute-0-[0-7] {}", path, path));
  path = unwrap(track::normalize_path(path));
  unsigned back = unwrap(track::parse_fleet_checkpoint(o.checkpoint));
  auto names = context.select_nodes(o.selection);
  std::string root = o.store.empty() ? store::default_store_root() : o.store;
  auto store = unwrap(store::ObjectStore::open(root));
  store::Refs refs(root);
  auto nodes = unwrap(track::load_fleet_checkpoints(store, refs, names, back));
  auto cmp = unwrap(track::compare_path(store, nodes, path));

  const FileGroup* reference = cmp.reference >= 0 ? &cmp.groups[cmp.reference] : nullptr;
  auto diffable = [&](const FileGroup& g) {
    return o.diff && reference && &g != reference && g.version.state == FileVersion::State::present;
  };
  if (context.json) {
    nlohmann::json groups = nlohmann::json::array();
    for (const auto& g : cmp.groups) {
      auto j = node_group_json(g.nodes);
      j.update(version_json(g.version));
      j["majority"] = &g == reference;
      if (diffable(g)) j["diff"] = version_diff(store, cmp.path, *reference, g);
      groups.push_back(std::move(j));
    }
    print_json({{"path", cmp.path}, {"checkpoint", o.checkpoint}, {"nodes", names.size()},
                      {"agree", cmp.agree()}, {"groups", groups}});
  } else {
    GroupLines lines;
    for (const auto& g : cmp.groups) lines.add(g.nodes, describe(g.version));
    std::string out = lines.render();
    for (const auto& g : cmp.groups)
      if (diffable(g)) out += version_diff(store, cmp.path, *reference, g);
    print_text(out);
  }
  // Like diff(1): 0 when every node has the same version, 1 when they differ.
  if (!cmp.agree()) throw ExitWith{1};
}

}  // namespace

void add_track_compare_command(CLI::App& app, Context& context) {
  auto* track = app.get_subcommand("track");
  auto compare = std::make_shared<CompareCommand>();
  auto* cmd = track->add_subcommand(
      "compare", "Compare one path across the nodes' latest checkpoints in the store; exit 0 same, 1 differ");
  cmd->add_option("args", compare->args, "NODES PATH: a node set (@group works) and a path, e.g. /etc/ssh/sshd_config")
      ->expected(1, 2);
  add_selection_options(cmd, compare->selection, /*positional=*/false);
  cmd->add_option("--store", compare->store, "Store folder (default $HERD_STORE, else /var/lib/herd/store)");
  cmd->add_option("--checkpoint", compare->checkpoint, "latest (default) or latest~N of every node");
  cmd->add_flag("--diff", compare->diff, "Show how each other version differs from the majority");
  cmd->callback([&context, compare] { run_compare(context, *compare); });
}

}  // namespace herd::cli
