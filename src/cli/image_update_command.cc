// herd image update: make a root hold its image (docs/image.md, "Deploying"). On an
// enrolled node the plan and the objects come from the frontend's server; with --image on
// the frontend they come from the local store (a chroot, an NFS root, a test folder).
#include <CLI/CLI.hpp>

#include <filesystem>

#include "cli/context.h"
#include "cli/format.h"
#include "cli/image_commands.h"
#include "cli/image_common.h"
#include "cli/image_update.h"
#include "cli/output.h"
#include "cli/track_remote.h"
#include "image/deploy.h"
#include "store/object_stream.h"

namespace herd::cli {
namespace {

nlohmann::json result_json(const image::DeployResult& r, const std::vector<image::DeployAction>& actions) {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& a : actions)
    list.push_back({{"action", image::deploy_action_name(a.kind)}, {"path", a.path}, {"detail", a.detail}});
  auto state = [](const std::optional<image::DeployedState>& s) -> nlohmann::json {
    if (!s) return nullptr;
    return {{"image", s->image}, {"revision", s->revision}, {"snapshot", s->snapshot.hex()}, {"tree", s->tree.hex()}};
  };
  return {{"before", state(r.before)},
          {"after", state(r.after)},
          {"changed", r.changed},
          {"created", r.created},
          {"updated", r.updated},
          {"replaced", r.replaced},
          {"metadata", r.metadata},
          {"linked", r.linked},
          {"removed", r.removed},
          {"files_written", r.files_written},
          {"bytes_written", r.bytes_written},
          {"hole_bytes", r.hole_bytes},
          {"objects_fetched", r.objects_fetched},
          {"bytes_fetched", r.bytes_fetched},
          {"bytes_reused", r.bytes_reused},
          {"repaired", r.repaired},
          {"reboot_needed", r.reboot_needed},
          {"reboot_reasons", r.reboot_reasons},
          {"notes", r.notes},
          {"actions", list}};
}

}  // namespace

UpdateOutcome run_deploy_printing(Context& context, const std::string& root, store::ObjectSource& source,
                                  const image::DeployedState& target, const UpdateFlags& flags) {
  image::DeployOptions options;
  options.dry_run = flags.dry_run;
  options.verify = flags.verify;
  std::vector<image::DeployAction> actions;
  bool list = flags.dry_run || flags.verify || flags.list;
  ProgressLine progress(context.json);
  options.on_action = [&](const image::DeployAction& a) {
    if (actions.size() < 100000) actions.push_back(a);
    if (list && !context.json) {
      progress.clear();
      fmt::print("{:<8} {}{}\n", image::deploy_action_name(a.kind), a.path, a.detail.empty() ? "" : "  (" + a.detail + ")");
    }
  };
  options.on_progress = [&](const image::DeployProgress& p) {
    if (std::string(p.phase) == "plan") return progress.show(fmt::format("{}: comparing trees", target.image));
    progress.show(fmt::format("{}: {}/{} files, {}/{}", target.image, p.files_done, p.files_total, bytes_text(p.bytes_done),
                              bytes_text(p.bytes_total)));
  };
  auto hook = crash_hook("HERD_IMAGE_CRASH_AT");
  if (hook) options.on_step = [hook](const char* step, const std::string&) { hook(step); };
  auto r = image::deploy(root, source, target, options);
  progress.clear();
  if (!r) fail(r.error());
  UpdateOutcome outcome;
  outcome.result = *r;
  if (context.json) {
    print_json(result_json(*r, actions));
    return outcome;
  }
  for (const auto& n : r->notes) notice("note: {}", n);
  std::string what = fmt::format("{}:{}", target.image, target.revision);
  if (!r->changed && !flags.dry_run) {
    fmt::print("{} {} is up to date{}\n", root, what, flags.verify ? " (verified: no drift)" : "");
    return outcome;
  }
  if (flags.dry_run) {
    fmt::print("{} would change to {}: {} actions (dry run, nothing changed)\n", root, what, actions.size());
    return outcome;
  }
  fmt::print("{} now runs {}: {} created, {} updated, {} replaced, {} metadata, {} linked, {} removed; "
             "fetched {} objects ({}), reused {} from replaced files\n",
             root, what, r->created, r->updated, r->replaced, r->metadata, r->linked, r->removed, r->objects_fetched,
             bytes_text(r->bytes_fetched), bytes_text(r->bytes_reused));
  if (flags.verify && !r->repaired.empty()) fmt::print("repaired {} drifted entries\n", r->repaired.size());
  if (r->reboot_needed) fmt::print("reboot needed: {} changed\n", r->reboot_reasons.front());
  return outcome;
}

namespace {

void run_local_update(Context& context, const std::string& store_root, const UpdateFlags& flags) {
  auto s = open_image_store(store_root);
  auto revision = unwrap(s.catalog->resolve(flags.image));
  auto settings = revision.settings();
  image::DeployedState target;
  target.image = revision.image;
  target.revision = revision.number;
  target.snapshot = revision.id;
  target.image_tree = revision.snapshot.tree;
  target.tree = revision.snapshot.tree;
  target.source = store_root;
  target.preserve = settings.preserve;
  target.exclude = settings.exclude;
  std::error_code ec;
  std::filesystem::create_directories(flags.root, ec);
  if (ec) fail(failure("{}: {}", flags.root, ec.message()));
  auto source = store::local_object_source(*s.store);
  run_deploy_printing(context, flags.root, *source, target, flags);
}

}  // namespace

void add_image_update_commands(CLI::App& noun, Context& context, std::shared_ptr<std::string> store) {
  auto* update = noun.add_subcommand(
      "update", "Make this node (or --root DIR) run its image: fetch only what changed, apply file by file, atomically");
  auto o = std::make_shared<UpdateFlags>();
  update->add_option("--revision", o->revision, "A revision number or tag of the node's image (default: as assigned)");
  update->add_flag("--dry-run", o->dry_run, "Say what would change; change nothing");
  update->add_flag("--verify", o->verify, "Also compare the live root with the image and put back what drifted");
  update->add_flag("--list", o->list, "Print every action");
  update->add_option("--root", o->root, "The root to update (default /)");
  update->add_option("-j,--jobs", o->jobs, "Parallel requests to the server (default 4)")->check(CLI::Range(1, 64));
  update->add_option("--image", o->image,
                     "On the frontend: NAME[:REV] from the local store (no server), e.g. for a chroot or NFS root");
  add_image_store_option(update, *store);
  add_remote_options(update, o->remote);
  update->callback([&context, store, o] {
    if (!o->image.empty()) {
      if (!o->revision.empty()) fail(bad_input("--revision goes with the node's assigned image; with --image say NAME:REV"));
      return run_local_update(context, *store, *o);
    }
    run_node_update(context, *o);
  });
}

}  // namespace herd::cli
