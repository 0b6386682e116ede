#include "image/deploy.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <set>

#include "image/deploy_apply.h"
#include "image/deploy_plan.h"
#include "track/beneath.h"
#include "track/glob.h"
#include "util/time_text.h"

namespace herd::image {

const char* deploy_action_name(DeployAction::Kind kind) {
  switch (kind) {
    case DeployAction::Kind::create: return "create";
    case DeployAction::Kind::update: return "update";
    case DeployAction::Kind::replace: return "replace";
    case DeployAction::Kind::metadata: return "metadata";
    case DeployAction::Kind::link: return "link";
    case DeployAction::Kind::remove: return "remove";
  }
  return "?";
}

bool needs_reboot(std::string_view path) {
  static const char* const patterns[] = {
      "/boot/vmlinuz*", "/boot/initrd*", "/vmlinuz*", "/initrd.img*", "/lib/modules/*", "/usr/lib/modules/*",
      "/lib/systemd/systemd", "/usr/lib/systemd/systemd", "/boot/grub/grub.cfg",
  };
  for (const char* p : patterns)
    if (track::glob_match(p, path)) return true;
  return false;
}

namespace {

// The stat cache after a deploy: the old records that still describe something, and a
// record for each file written.
std::vector<track::StatRecord> merged_records(const track::StatCache& old, const ApplyContext& applied) {
  std::set<std::pair<uint64_t, uint64_t>> drop(applied.gone.begin(), applied.gone.end());
  for (const auto& r : applied.written) drop.emplace(r.dev, r.ino);
  std::vector<track::StatRecord> out;
  for (auto& r : old.records())
    if (!drop.count({r.dev, r.ino})) out.push_back(std::move(r));
  out.insert(out.end(), applied.written.begin(), applied.written.end());
  return out;
}

}  // namespace

Result<DeployResult> deploy(const std::string& root, store::ObjectSource& source, const DeployedState& target,
                            const DeployOptions& options) {
  DeployResult result;
  auto root_fd = track::open_root(root);
  if (!root_fd) return root_fd.error();
  auto rules = options.exact ? Result<PathRules>(PathRules::none())
                             : PathRules::make(target.preserve, target.exclude, target.overrides);
  if (!rules) return rules.error();
  auto state = DeployState::open(root, options.state_dir);
  if (!state) return state.error();
  if (!options.exact && (options.record || options.verify)) {
    auto before = state->load();
    if (!before) return before.error();
    result.before = *before;
  }
  result.after = target;
  result.after.time_ns = now_ns();

  auto local = state->trees_if_present();
  if (!local) return local.error();
  std::optional<store::Hash> old_tree;
  if (result.before && *local && (*local)->has(result.before->tree)) old_tree = result.before->tree;
  track::StatCache cache;
  if (result.before) {
    cache = track::StatCache::load(state->stat_cache());
    if (cache.tree() != result.before->tree) cache = track::StatCache();
  }

  // Nothing to do: the tree deployed is the target (a no-change update).
  if (!options.verify && old_tree && *old_tree == target.tree) {
    if (options.record && !options.dry_run && result.before->snapshot != target.snapshot) HERD_CHECK(state->save(result.after));
    return result;
  }

  // The state folder exists before the plan looks at the root, so the plan sees the
  // folders it lives in.
  std::vector<std::string> made_now;
  if (options.record && !options.dry_run) HERD_CHECK(state->ensure_dir(&made_now));
  TreeReader reader(*local, source);
  PlanInput input;
  input.root_fd = root_fd->get();
  input.root = root;
  input.old_tree = old_tree;
  input.new_tree = target.tree;
  input.rules = &*rules;
  input.cache = cache.size() ? &cache : nullptr;
  input.verify = options.verify;
  input.made_now = made_now;
  if (options.on_progress) options.on_progress(DeployProgress{"plan"});
  auto plan = make_plan(input, reader);
  if (!plan) return plan.error();
  result.notes = plan->notes;
  result.repaired = plan->repaired;
  result.objects_fetched = reader.objects_fetched;
  result.bytes_fetched = reader.bytes_fetched;
  if (options.on_step) options.on_step("planned", "");
  if (options.dry_run) {
    for (const auto& a : plan->actions) {
      if (options.on_action) options.on_action(a);
      if (needs_reboot(a.path)) {
        result.reboot_needed = true;
        result.reboot_reasons.push_back(a.path);
      }
    }
    result.changed = !plan->actions.empty();
    return result;
  }

  store::ObjectStore* trees = nullptr;
  if (options.record) {
    auto made = state->trees();
    if (!made) return made.error();
    trees = *made;
  }
  ApplyContext context;
  context.root_fd = root_fd->get();
  context.root = root;
  context.source = &source;
  context.options = &options;
  context.result = &result;
  context.written = plan->verified;
  HERD_CHECK(stage(*plan, context));
  if (options.on_step) options.on_step("staged", "");
  HERD_CHECK(commit(*plan, context));
  if (options.on_step) options.on_step("committed", "");
  if (result.changed && ::syncfs(root_fd->get()) != 0) return failure("{}: syncfs: {}", root, std::strerror(errno));
  if (options.on_step) options.on_step("synced", "");
  if (!options.record) return result;
  // The trees of the new tree must be in the state before the state names it.
  HERD_CHECK(reader.keep(*trees));
  HERD_CHECK(state->save(result.after));
  if (options.on_step) options.on_step("recorded", "");
  if (auto s = track::StatCache::write(state->stat_cache(), target.tree, merged_records(cache, context)); !s)
    result.notes.push_back("stat cache not written: " + s.error().message);
  return result;
}

}  // namespace herd::image
