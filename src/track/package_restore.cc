#include "track/package_restore.h"

#include "store/object_store.h"
#include "track/beneath.h"
#include "util/subprocess.h"
#include "util/text.h"

namespace herd::track {

Result<PackagePlan> plan_package_restore(const Site& site, const CheckpointInfo& checkpoint) {
  auto it = checkpoint.snapshot.metadata.find("packages");
  if (it == checkpoint.snapshot.metadata.end() || it->second.empty())
    return bad_input("checkpoint {} has no package list", checkpoint.id.hex().substr(0, 12));
  auto store = store::ObjectStore::open(site.store);
  if (!store) return store.error();
  auto hash = store::Hash::parse(it->second);
  if (!hash) return failure("checkpoint {}: bad packages hash '{}'", checkpoint.id.hex(), it->second);
  auto text = store->get(*hash, store::ObjectType::blob);
  if (!text) return text.error();
  auto want = decode_packages(*text, "package list " + it->second);
  if (!want) return want.error();

  auto root_fd = open_root(site.root);
  if (!root_fd) return root_fd.error();
  auto backend = detect_backend(root_fd->get());
  if (!backend) return bad_input("{}: no package manager found (the checkpoint used {})", site.root, want->backend);
  if (backend->name() != want->backend)
    return bad_input("{} uses {}, the checkpoint {}", site.root, backend->name(), want->backend);
  auto have = backend->list(site.root, root_fd->get());
  if (!have) return have.error();
  PackageList live{backend->name(), std::move(*have)};
  PackagePlan plan;
  plan.backend = backend->name();
  plan.changes = diff_packages(live, *want, backend.get());
  plan.commands = backend->restore_commands(site.root, live, *want);
  return plan;
}

std::string command_line(const std::vector<std::string>& argv) {
  std::string out;
  for (const std::string& arg : argv) {
    if (!out.empty()) out += ' ';
    bool plain = !arg.empty() && arg.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
                                                       "-_.,:/=+@%") == std::string::npos;
    if (plain) {
      out += arg;
    } else {
      out += '\'';
      for (char c : arg) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
      out += '\'';
    }
  }
  return out;
}

Status run_package_commands(const std::vector<std::vector<std::string>>& commands) {
  for (const auto& argv : commands) {
    auto out = run_process(argv);
    if (!out) return out.error();
    if (out->exit_code != 0)
      return failure("{} failed (exit {}):\n{}", command_line(argv), out->exit_code, std::string(trim(out->output)));
  }
  return {};
}

}  // namespace herd::track
