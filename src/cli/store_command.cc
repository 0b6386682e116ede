// herd store init|fsck|gc [--store DIR]: the content-addressed store's upkeep.
#include <CLI/CLI.hpp>

#include "cli/commands.h"
#include "cli/context.h"
#include "cli/output.h"
#include "store/fsck.h"
#include "store/gc.h"
#include "store/object_store.h"
#include "store/refs.h"

namespace herd::cli {
namespace {

struct StoreCommand {
  std::string root = store::default_store_root();
  int64_t grace = store::kDefaultGraceSeconds;
  bool dry_run = false;
  bool remove_corrupt = false;
};

void add_store_option(CLI::App* cmd, StoreCommand& o) {
  cmd->add_option("--store", o.root, "Store folder (default: $HERD_STORE or /var/lib/herd/store)");
}

void print_fsck(const store::FsckReport& r, const std::string& root, bool json) {
  if (json) {
    std::vector<std::string> removed;
    for (const auto& h : r.removed) removed.push_back(h.hex());
    print_json({{"store", root},         {"ok", r.ok()},           {"objects", r.objects},
                {"blobs", r.blobs},      {"chunks", r.chunks},     {"trees", r.trees},
                {"snapshots", r.snapshots}, {"payload_bytes", r.payload_bytes}, {"refs", r.refs},
                {"reachable", r.reachable}, {"temp_files", r.temp_files}, {"problems", r.problems},
                {"garbage", r.garbage},  {"removed", removed}});
    return;
  }
  std::string out = fmt::format(
      "store {}: {} objects ({} blobs, {} chunks, {} trees, {} snapshots; {} blob bytes), {} refs reach {} objects\n",
      root, r.objects, r.blobs, r.chunks, r.trees, r.snapshots, r.payload_bytes, r.refs, r.reachable);
  if (r.temp_files) out += fmt::format("{} temporary files in tmp/ (writers at work, or killed; gc removes old ones)\n", r.temp_files);
  for (const auto& p : r.problems) out += "problem: " + p + "\n";
  for (const auto& g : r.garbage) out += "garbage (no ref reaches it; gc removes it): " + g + "\n";
  for (const auto& h : r.removed) out += "removed corrupt object " + h.hex() + "\n";
  out += r.ok() ? "ok\n" : fmt::format("{} problem(s)\n", r.problems.size());
  print_text(out);
}

void print_gc(const store::GcReport& r, const std::string& root, bool dry_run, bool json) {
  if (json) {
    print_json({{"store", root},       {"dry_run", dry_run},        {"objects", r.objects},
                {"reachable", r.reachable}, {"young", r.young},     {"removed", r.removed},
                {"removed_bytes", r.removed_bytes}, {"temp_removed", r.temp_removed}, {"restored", r.restored},
                {"packs_merged", r.packs_merged}, {"packs_written", r.packs_written}});
    return;
  }
  print_text(fmt::format("store {}: {} {} unreachable objects ({} bytes); kept {} reachable and {} young; "
                         "removed {} old temporary files{}{}\n",
                         root, dry_run ? "would remove" : "removed", r.removed, r.removed_bytes, r.reachable, r.young,
                         r.temp_removed, r.restored ? fmt::format(", put back {} objects a killed gc left", r.restored) : "",
                         r.packs_written ? fmt::format("; {} {} small packs into {}", dry_run ? "would merge" : "merged",
                                                       r.packs_merged, r.packs_written)
                                         : ""));
}

}  // namespace

void add_store_command(CLI::App& app, Context& context) {
  auto* noun = app.add_subcommand("store", "Check and clean the content-addressed store (objects, trees, snapshots, refs)");
  noun->require_subcommand(1);
  auto o = std::make_shared<StoreCommand>();

  auto* init = noun->add_subcommand("init", "Create the store's folder layout (idempotent)");
  add_store_option(init, *o);
  init->callback([&context, o] {
    unwrap(store::ObjectStore::init(o->root));
    if (context.json) return print_json({{"store", o->root}, {"format", store::kStoreFormatVersion}});
    notice("store {} ready (format {})", o->root, store::kStoreFormatVersion);
  });

  auto* fsck = noun->add_subcommand(
      "fsck", "Verify every object against its hash, and that everything refs reach is present and valid");
  add_store_option(fsck, *o);
  fsck->add_flag("--remove-corrupt", o->remove_corrupt,
                 "Delete objects that fail verification, so storing the same content again repairs them");
  fsck->callback([&context, o] {
    auto objects = unwrap(store::ObjectStore::open(o->root));
    store::Refs refs(o->root);
    store::FsckOptions options;
    options.remove_corrupt = o->remove_corrupt;
    auto report = unwrap(store::fsck(objects, refs, options));
    print_fsck(report, o->root, context.json);
    if (!report.ok()) fail(failure("store fsck: {} problem(s) in {}", report.problems.size(), o->root));
  });

  auto* gc = noun->add_subcommand("gc", "Remove objects no ref reaches, once older than the grace period");
  add_store_option(gc, *o);
  gc->add_option("--grace", o->grace, "Keep unreachable objects younger than this many seconds (default 3600)");
  gc->add_flag("--dry-run,-n", o->dry_run, "Only count what would be removed");
  gc->callback([&context, o] {
    if (o->grace < 0) fail(bad_input("--grace: must be 0 or more seconds, not {}", o->grace));
    auto objects = unwrap(store::ObjectStore::open(o->root));
    store::Refs refs(o->root);
    store::GcOptions options;
    options.grace_seconds = o->grace;
    options.dry_run = o->dry_run;
    auto report = unwrap(store::gc(objects, refs, options));
    print_gc(report, o->root, o->dry_run, context.json);
  });
}

}  // namespace herd::cli
