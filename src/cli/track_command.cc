// herd track checkpoint|log|status|diff|show|restore|verify: node change tracking.
// The work is in src/track/; this file parses options and formats results.
#include <CLI/CLI.hpp>

#include <ctime>

#include "cli/commands.h"
#include "cli/context.h"
#include "cli/format.h"
#include "cli/output.h"
#include "cli/table.h"
#include "cli/track_remote.h"
#include "store/file_content.h"
#include "store/tree.h"
#include "track/checkpoint.h"
#include "track/compare.h"
#include "track/package_restore.h"
#include "track/path.h"
#include "track/restore.h"
#include "track/site.h"
#include "track/stored_trees.h"
#include "track/verify.h"
#include "util/text.h"
#include "util/time_text.h"

namespace herd::cli {
namespace {

using track::Change;

void add_site_options(CLI::App* cmd, track::SiteOptions& o) {
  cmd->add_option("--root", o.root, "The tree to track: a live system, a chroot or an image (default /)");
  cmd->add_option("--config", o.config, "Tracking spec (default ROOT/etc/herd/track.conf, else built-in defaults)");
  cmd->add_option("--store", o.store, "Store folder (default $HERD_STORE, else /var/lib/herd/store)");
  cmd->add_option("--node", o.node, "Node name of the checkpoints (default ROOT/etc/hostname, else this host's name)");
}

std::string short_id(const store::Hash& id) { return id.hex().substr(0, 12); }


std::string hex_bytes(std::string_view s) {
  std::string out;
  for (unsigned char c : s) out += fmt::format("{:02x}", c);
  return out;
}

nlohmann::json entry_json(const store::TreeEntry& e) {
  nlohmann::json xattrs = nlohmann::json::object();
  for (const auto& [name, value] : e.xattrs) xattrs[name] = hex_bytes(value);
  nlohmann::json out = {{"name", e.name},     {"type", store::entry_type_name(e.type)},
                        {"mode", track::mode_string(e.mode)}, {"uid", e.uid},
                        {"gid", e.gid},       {"user", e.user},
                        {"group", e.group},   {"mtime_ns", e.mtime_ns},
                        {"size", e.size},     {"xattrs", xattrs}};
  if (e.type == store::EntryType::symlink) out["target"] = e.link_target;
  if (e.type == store::EntryType::char_device || e.type == store::EntryType::block_device) out["rdev"] = e.rdev;
  if (e.hardlink_group) out["hardlink_group"] = e.hardlink_group;
  if (e.type == store::EntryType::file) out["content"] = e.content.hex();
  return out;
}

const store::TreeEntry& present_side(const Change& c) { return c.kind == Change::Kind::removed ? c.before : c.after; }

nlohmann::json change_json(const Change& c) {
  return {{"path", c.path},
          {"change", track::change_kind_name(c.kind)},
          {"type", store::entry_type_name(present_side(c).type)},
          {"details", c.details}};
}

nlohmann::json package_json(const track::PackageChange& p) {
  return {{"name", p.name}, {"arch", p.arch}, {"change", track::package_change_name(p.kind)},
          {"before", p.before}, {"after", p.after}};
}

std::string package_line(const track::PackageChange& p) {
  using K = track::PackageChange::Kind;
  std::string versions = p.kind == K::added     ? p.after
                         : p.kind == K::removed ? p.before
                                                : p.before + " -> " + p.after;
  return fmt::format("  {:<11} {} {} ({})\n", track::package_change_name(p.kind), p.name, versions, p.arch);
}

char change_letter(Change::Kind kind) {
  switch (kind) {
    case Change::Kind::added: return 'A';
    case Change::Kind::removed: return 'D';
    case Change::Kind::modified: return 'M';
    case Change::Kind::metadata: return 'm';
  }
  return '?';
}

void print_notes(const std::vector<std::string>& notes) {
  for (const auto& n : notes) notice("note: {}", n);
}

// --- checkpoint

struct CheckpointCommand {
  track::SiteOptions site;
  std::string message;
  int jobs = 0;
};

void run_checkpoint(Context& context, const CheckpointCommand& o) {
  auto site = unwrap(resolve_track_site(o.site));
  track::CheckpointOptions options;
  options.message = o.message;
  options.threads = o.jobs;
  auto r = unwrap(track::checkpoint(site, options));
  if (context.json) {
    print_json({{"id", r.id.hex()},
                      {"host", site.host},
                      {"parent", r.parent ? r.parent->hex() : ""},
                      {"tree", r.tree.hex()},
                      {"entries", r.entries},
                      {"changes", r.changes},
                      {"cache_hits", r.cache_hits},
                      {"files_read", r.files_read},
                      {"bytes_read", r.bytes_read},
                      {"new_bytes", r.new_bytes},
                      {"package_backend", r.package_backend},
                      {"packages", r.packages},
                      {"notes", r.notes}});
    return;
  }
  print_notes(r.notes);
  fmt::print("checkpoint {} of {}: {} entries, {} changed{}\n", short_id(r.id), site.host, r.entries, r.changes,
             r.parent ? "" : " (first checkpoint)");
  std::string packages = r.package_backend.empty() ? "no package manager found"
                                                   : fmt::format("{} {} packages", r.packages, r.package_backend);
  fmt::print("  read {} files ({}), {} vouched for by the stat cache; {} new in the store; {}\n", r.files_read,
             bytes_text(r.bytes_read), r.cache_hits, bytes_text(r.new_bytes), packages);
}

// --- log

struct LogCommand {
  track::SiteOptions site;
  size_t limit = 0;
};

void run_log(Context& context, const LogCommand& o) {
  auto site = unwrap(resolve_track_site(o.site));
  auto comparer = unwrap(track::Comparer::open(site));
  auto history = unwrap(track::load_history(comparer.store(), comparer.refs(), site.ref(), o.limit));
  // On the frontend, --node names any node: say so when it has pushed nothing.
  if (history.empty()) fail(failure("no checkpoints of {} in the store {} ({})", site.host, site.store, site.ref()));
  auto meta = [](const store::Snapshot& s, const char* key) {
    auto it = s.metadata.find(key);
    return it == s.metadata.end() ? std::string() : it->second;
  };
  if (context.json) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& c : history) {
      const auto& s = c.snapshot;
      long long changes = 0;
      (void)parse_int(meta(s, "changes"), changes);
      out.push_back({{"id", c.id.hex()},
                     {"time", utc_iso8601(s.time_ns)},
                     {"time_ns", s.time_ns},
                     {"author", s.author},
                     {"message", s.message},
                     {"changes", changes},
                     {"host", meta(s, "host")},
                     {"parent", s.parents.empty() ? "" : s.parents[0].hex()}});
    }
    print_json(out);
    return;
  }
  Table table({"ID", "TIME", "AUTHOR", "CHANGED", "MESSAGE"});
  for (const auto& c : history) {
    std::string message = c.snapshot.message.substr(0, c.snapshot.message.find('\n'));
    table.add({short_id(c.id), format_time(c.snapshot.time_ns, Zone::local), c.snapshot.author, meta(c.snapshot, "changes"), message});
  }
  print_text(table.render());
}

// --- status and diff

nlohmann::json comparison_json(const track::Comparison& cmp) {
  nlohmann::json changes = nlohmann::json::array();
  for (const auto& c : cmp.changes) changes.push_back(change_json(c));
  nlohmann::json packages = nlohmann::json::array();
  for (const auto& p : cmp.packages) packages.push_back(package_json(p));
  return {{"before", cmp.before},   {"after", cmp.after},
          {"changes", changes},       {"packages", packages},
          {"packages_compared", cmp.packages_compared}, {"notes", cmp.notes}};
}

struct StatusCommand {
  track::SiteOptions site;
};

void run_status(Context& context, const StatusCommand& o) {
  auto site = unwrap(resolve_track_site(o.site));
  auto comparer = unwrap(track::Comparer::open(site));
  auto latest = unwrap(track::latest_checkpoint(comparer.store(), comparer.refs(), site.ref()));
  if (!latest) fail(failure("no checkpoint of {} yet: run herd track checkpoint first", site.host));
  auto cmp = unwrap(comparer.compare(*latest, std::nullopt));
  print_notes(cmp.notes);
  if (context.json) {
    print_json(comparison_json(cmp));
    return;
  }
  std::string out;
  if (cmp.changes.empty() && cmp.packages.empty())
    out += fmt::format("no changes since checkpoint {} ({})\n", cmp.before, format_time(latest->snapshot.time_ns, Zone::local));
  else
    out += fmt::format("changes since checkpoint {} ({}):\n", cmp.before, format_time(latest->snapshot.time_ns, Zone::local));
  for (const auto& c : cmp.changes) {
    out += fmt::format("{}  {}", change_letter(c.kind), c.path);
    if (!c.details.empty()) out += "  (" + join(c.details, "; ") + ")";
    out += '\n';
  }
  if (!cmp.packages.empty()) {
    out += "packages:\n";
    for (const auto& p : cmp.packages) out += package_line(p);
  }
  print_text(out);
}

struct DiffCommand {
  track::SiteOptions site;
  std::vector<std::string> checkpoints;
};

void run_diff(Context& context, const DiffCommand& o) {
  if (o.checkpoints.size() > 2) fail(bad_input("diff takes at most two checkpoints"));
  auto site = unwrap(resolve_track_site(o.site));
  auto comparer = unwrap(track::Comparer::open(site));
  std::optional<track::CheckpointInfo> before, after;
  before = unwrap(comparer.resolve(o.checkpoints.empty() ? "latest" : o.checkpoints[0]));
  if (o.checkpoints.size() == 2) after = unwrap(comparer.resolve(o.checkpoints[1]));
  auto cmp = unwrap(comparer.compare(before, after));
  print_notes(cmp.notes);
  bool after_live = !after.has_value();
  if (context.json) {
    auto out = comparison_json(cmp);
    for (size_t i = 0; i < cmp.changes.size(); ++i)
      out["changes"][i]["diff"] = unwrap(comparer.content_diff(cmp.changes[i], false, after_live));
    print_json(out);
    return;
  }
  std::string out;
  for (const auto& c : cmp.changes) {
    const auto& e = present_side(c);
    out += fmt::format("diff {} {}  ({} {})\n", c.kind == Change::Kind::added ? "/dev/null" : "a" + c.path,
                       c.kind == Change::Kind::removed ? "/dev/null" : "b" + c.path, track::change_kind_name(c.kind),
                       store::entry_type_name(e.type));
    for (const auto& d : c.details) out += d + "\n";
    out += unwrap(comparer.content_diff(c, false, after_live));
  }
  if (!cmp.packages.empty()) {
    out += fmt::format("packages {} -> {}:\n", cmp.before, cmp.after);
    for (const auto& p : cmp.packages) out += package_line(p);
  }
  print_text(out);
}

// --- show

struct ShowCommand {
  track::SiteOptions site;
  std::string what;  // CHECKPOINT:PATH
};

void run_show(Context& context, const ShowCommand& o) {
  size_t colon = o.what.find(':');
  if (colon == std::string::npos) fail(bad_input("show '{}': expected CHECKPOINT:PATH, e.g. latest:/etc/hosts", o.what));
  std::string path = unwrap(track::normalize_path(o.what.substr(colon + 1)));
  auto site = unwrap(resolve_track_site(o.site));
  auto comparer = unwrap(track::Comparer::open(site));
  auto checkpoint = unwrap(comparer.resolve(o.what.substr(0, colon)));
  track::StoredTrees trees(comparer.store());
  auto node = unwrap(trees.find(checkpoint.snapshot.tree, path));
  if (!node) fail(bad_input("{} is not in checkpoint {}", path, short_id(checkpoint.id)));
  if (node->is_folder()) unwrap(trees.load(*node));
  if (context.json) {
    auto out = entry_json(node->entry);
    out["path"] = path;
    if (node->is_folder()) {
      nlohmann::json entries = nlohmann::json::array();
      for (const auto& child : node->children) entries.push_back(entry_json(child.entry));
      out["entries"] = entries;
    }
    print_json(out);
    return;
  }
  switch (node->entry.type) {
    case store::EntryType::file:
      unwrap(store::read_content(comparer.store(), node->entry.content, [](std::string_view piece) -> Status {
        if (std::fwrite(piece.data(), 1, piece.size(), stdout) != piece.size()) return failure("write to stdout failed");
        return {};
      }));
      break;
    case store::EntryType::folder: {
      std::string out;
      for (const auto& child : node->children) out += child.entry.name + (child.is_folder() ? "/\n" : "\n");
      print_text(out);
      break;
    }
    case store::EntryType::symlink: print_text(node->entry.link_target + "\n"); break;
    default: fail(bad_input("{} is a {} in checkpoint {}: it has no content", path, store::entry_type_name(node->entry.type), short_id(checkpoint.id)));
  }
}

// --- restore

struct RestoreCommand {
  track::SiteOptions site;
  std::string checkpoint;
  std::vector<std::string> paths;
  bool dry_run = false;
  bool packages = false;
  bool yes = false;
  RemoteOptions remote;  // with a server: pull the node's checkpoints first
};

void run_restore_packages(Context& context, const RestoreCommand& o, const track::Site& site,
                          const track::CheckpointInfo& checkpoint) {
  if (!o.paths.empty()) fail(bad_input("--packages restores the package set; it takes no paths"));
  auto plan = unwrap(track::plan_package_restore(site, checkpoint));
  bool run = o.yes && !o.dry_run && !plan.commands.empty();
  if (context.json) {
    nlohmann::json changes = nlohmann::json::array();
    for (const auto& p : plan.changes) changes.push_back(package_json(p));
    print_json({{"backend", plan.backend}, {"changes", changes}, {"commands", plan.commands}, {"run", run}});
  } else {
    std::string out;
    if (plan.commands.empty()) out += fmt::format("packages already match checkpoint {}\n", short_id(checkpoint.id));
    for (const auto& p : plan.changes) out += package_line(p);
    for (const auto& cmd : plan.commands) out += track::command_line(cmd) + "\n";
    print_text(out);
    if (!plan.commands.empty() && !run) notice("not run: add --yes to run these commands");
  }
  std::fflush(stdout);
  if (run) unwrap(track::run_package_commands(plan.commands));
}

void run_restore(Context& context, const RestoreCommand& o) {
  if (o.yes && !o.packages) fail(bad_input("--yes only applies to --packages"));
  pull_before_restore(context, o.site, o.remote);
  auto site = unwrap(resolve_track_site(o.site));
  auto comparer = unwrap(track::Comparer::open(site));
  auto checkpoint = unwrap(comparer.resolve(o.checkpoint));
  if (o.packages) return run_restore_packages(context, o, site, checkpoint);
  track::RestoreOptions options;
  options.paths = o.paths;
  options.dry_run = o.dry_run;
  if (!context.json) {
    if (o.dry_run) notice("dry run: these are the changes a restore would make");
    options.on_action = [&](const track::RestoreAction& a) {
      fmt::print("{:<9} {}  ({})\n", track::restore_action_name(a.kind), a.path, a.detail);
      std::fflush(stdout);
    };
  }
  auto result = unwrap(track::restore_checkpoint(site, checkpoint, options));
  if (context.json) {
    nlohmann::json actions = nlohmann::json::array();
    for (const auto& a : result.actions)
      actions.push_back({{"action", track::restore_action_name(a.kind)}, {"path", a.path}, {"detail", a.detail}});
    print_json({{"checkpoint", checkpoint.id.hex()}, {"dry_run", o.dry_run}, {"actions", actions},
                      {"notes", result.notes}});
    return;
  }
  print_notes(result.notes);
  notice("{} {} from checkpoint {}", o.dry_run ? "would restore" : "restored",
         result.actions.empty() ? std::string("nothing (already as recorded)") : fmt::format("{} entries", result.actions.size()),
         short_id(checkpoint.id));
}

// --- verify

struct VerifyCommand {
  track::SiteOptions site;
};

void run_verify(Context& context, const VerifyCommand& o) {
  auto site = unwrap(resolve_track_site(o.site));
  auto comparer = unwrap(track::Comparer::open(site));
  auto report = unwrap(track::verify_checkpoints(comparer.store(), comparer.refs(), site.ref()));
  if (context.json) {
    print_json({{"checkpoints", report.checkpoints}, {"trees", report.trees}, {"files", report.files},
                      {"bytes", report.bytes}, {"problems", report.problems}});
  } else {
    for (const auto& p : report.problems) fmt::print("problem: {}\n", p);
    fmt::print("{} checkpoints of {}: {} trees, {} files ({}) read back, {} problems\n", report.checkpoints, site.host,
               report.trees, report.files, bytes_text(report.bytes), report.problems.size());
  }
  if (!report.problems.empty()) fail(failure("track verify: {} problems in the checkpoints of {}", report.problems.size(), site.host));
}

}  // namespace

void add_track_command(CLI::App& app, Context& context) {
  auto* track = app.add_subcommand("track", "Record a node's files and packages as checkpoints; diff and restore them");
  track->require_subcommand(1);

  auto checkpoint = std::make_shared<CheckpointCommand>();
  auto* cmd = track->add_subcommand("checkpoint", "Record every tracked file and the package set as a new checkpoint");
  add_site_options(cmd, checkpoint->site);
  cmd->add_option("-m,--message", checkpoint->message, "What this checkpoint is for");
  cmd->add_option("--jobs,-j", checkpoint->jobs, "Threads storing file content (default: one per core, at most 4)");
  cmd->callback([&context, checkpoint] { run_checkpoint(context, *checkpoint); });

  auto log = std::make_shared<LogCommand>();
  cmd = track->add_subcommand("log", "List the checkpoints, newest first");
  add_site_options(cmd, log->site);
  cmd->add_option("-n,--limit", log->limit, "Show at most N checkpoints");
  cmd->callback([&context, log] { run_log(context, *log); });

  auto status = std::make_shared<StatusCommand>();
  cmd = track->add_subcommand("status", "What changed since the last checkpoint (files and packages); exit 0 either way");
  add_site_options(cmd, status->site);
  cmd->callback([&context, status] { run_status(context, *status); });

  auto diff = std::make_shared<DiffCommand>();
  cmd = track->add_subcommand("diff", "Diff two checkpoints, or a checkpoint (default latest) and the live tree");
  add_site_options(cmd, diff->site);
  cmd->add_option("checkpoints", diff->checkpoints, "A [B]: latest, latest~N or an id prefix (B default: live)");
  cmd->callback([&context, diff] { run_diff(context, *diff); });

  auto show = std::make_shared<ShowCommand>();
  cmd = track->add_subcommand("show", "Print a file as a checkpoint recorded it");
  add_site_options(cmd, show->site);
  cmd->add_option("what", show->what, "CHECKPOINT:PATH, e.g. latest~1:/etc/hosts")->required();
  cmd->callback([&context, show] { run_show(context, *show); });

  auto restore = std::make_shared<RestoreCommand>();
  cmd = track->add_subcommand("restore", "Put files (or, with --packages, the package set) back as a checkpoint recorded them");
  add_site_options(cmd, restore->site);
  cmd->add_option("checkpoint", restore->checkpoint, "latest, latest~N or an id prefix")->required();
  cmd->add_option("paths", restore->paths, "Only these paths (default: every tracked path, removing what the checkpoint lacks)");
  cmd->add_flag("--dry-run,-n", restore->dry_run, "Only say what would be done");
  cmd->add_flag("--packages", restore->packages, "Print the package manager commands that bring the package set back");
  cmd->add_flag("--yes,-y", restore->yes, "With --packages: run those commands");
  add_remote_options(cmd, restore->remote);
  cmd->callback([&context, restore] { run_restore(context, *restore); });

  auto verify = std::make_shared<VerifyCommand>();
  cmd = track->add_subcommand("verify", "Read back every checkpoint of the node: snapshots, trees and file content");
  add_site_options(cmd, verify->site);
  cmd->callback([&context, verify] { run_verify(context, *verify); });
}

}  // namespace herd::cli
