// herd image install NAME[:REV] --disk DEV: an image onto a blank disk, bootable
// (docs/image.md, "Disk layouts and installs"; the work is in src/image/disk/).
#include <CLI/CLI.hpp>

#include <unistd.h>

#include "cli/context.h"
#include "cli/format.h"
#include "cli/image_commands.h"
#include "cli/image_common.h"
#include "cli/output.h"
#include "image/disk/disk_install.h"
#include "image/disk/layout.h"
#include "image/overrides/node_overrides.h"
#include "util/text.h"

namespace herd::cli {
namespace {

struct InstallCommand {
  std::string image;
  std::vector<std::string> disks;
  std::string node;
  bool keep_data = false;
};

// The tree a node gets: the image's tree with the node's overrides merged (as the server
// gives it in a node's plan and `herd image render` shows it).
store::Hash effective_tree_for(Context& context, ImageStore& s, const std::string& store_root,
                               const image::Revision& r, const std::string& node) {
  if (node.empty()) return r.snapshot.tree;
  store::Refs refs(store_root);
  auto effective = unwrap(image::node_overrides(*s.store, refs, context.inventory(), node, r.snapshot.tree));
  unwrap(s.store->sync());
  return effective.tree;
}

image::disk::Attributes node_attributes(Context& context, const std::string& node) {
  image::disk::Attributes out;
  if (node.empty()) return out;
  if (!context.database_exists())
    fail(bad_input("--node {}: there is no inventory at {} to read its attributes from (herd init makes one)", node,
                   context.db_path));
  auto resolved = unwrap(context.inventory().resolve_attributes(node, false));
  for (const auto& [name, a] : resolved) out[name] = a.value;
  return out;
}

void run_install(Context& context, const std::string& store_root, const InstallCommand& o) {
  auto s = open_image_store(store_root);
  auto r = unwrap(s.catalog->resolve(o.image));
  image::disk::InstallOptions options;
  options.devices = o.disks;
  options.node = o.node;
  if (!o.node.empty()) (void)unwrap(context.inventory().node(o.node));
  options.attributes = node_attributes(context, o.node);
  options.keep_data = o.keep_data;
  options.effective_tree = effective_tree_for(context, s, store_root, r, o.node);
  if (::geteuid() != 0) fail(failure("herd image install needs root (partitions, loop devices, mounts)"));

  // Progress on a terminal only: one line a step, the deploy's counts on a progress line.
  bool terminal = !context.json && ::isatty(STDERR_FILENO);
  ProgressLine line(context.json);
  options.progress = [&](const std::string& step) {
    if (!terminal) return;
    line.clear();
    notice("{}", step);
  };
  options.deploy_progress = [&](const image::DeployProgress& p) {
    line.show(fmt::format("deploy {}: {} {}/{} files, {}/{}", r.text(), p.phase, p.files_done, p.files_total,
                          bytes_text(p.bytes_done), bytes_text(p.bytes_total)));
  };
  auto report = unwrap(image::disk::install_image(*s.store, r, options));
  line.clear();

  if (context.json) {
    nlohmann::json volumes = nlohmann::json::array();
    for (const auto& v : report.volumes)
      volumes.push_back({{"target", v.target}, {"fs", v.fs}, {"uuid", v.uuid}, {"kept", v.kept}, {"mib", v.mib}});
    return print_json({{"image", report.image},
                       {"revision", report.revision},
                       {"disks", o.disks},
                       {"node", o.node},
                       {"layout", report.layout_source},
                       {"boot", report.boot},
                       {"kernel", report.kernel},
                       {"keep_data", o.keep_data},
                       {"volumes", volumes},
                       {"files_written", report.files_written},
                       {"bytes_written", report.bytes_written}});
  }
  std::vector<std::string> parts;
  for (const auto& v : report.volumes) parts.push_back(fmt::format("{} {}{}", v.target, v.fs, v.kept ? " (kept)" : ""));
  notice("{} installed on {}: {}; {} files ({}); boot {}{}", r.text(), join(o.disks, ", "), join(parts, ", "),
         report.files_written, bytes_text(report.bytes_written), report.boot,
         report.kernel.empty() ? "" : " with " + report.kernel);
}

}  // namespace

void add_image_install_command(CLI::App& noun, Context& context, std::shared_ptr<std::string> store) {
  auto* install = noun.add_subcommand(
      "install", "Partition a disk by the image's layout, make file systems, deploy the image, install GRUB");
  auto o = std::make_shared<InstallCommand>();
  install->add_option("NAME[:REV]", o->image, "Image or revision")->required();
  install->add_option("--disk", o->disks, "Block device or disk image file; once per layout disk, in order")
      ->required();
  install->add_option("--node", o->node, "The node this disk is for: its hostname and attributes (${attr.NAME} sizes)");
  install->add_flag("--keep-data", o->keep_data,
                    "Keep the partition table and every file system not at /, /boot, /boot/efi nor swap");
  add_image_store_option(install, *store);
  install->callback([&context, store, o] { run_install(context, *store, *o); });
}

Status check_layout(const std::string& text, const std::string& file) {
  if (text.empty()) return {};
  auto layout = image::disk::parse_layout(text, file.empty() ? "layout" : file, nullptr);
  if (!layout) return layout.error();
  return {};
}

}  // namespace herd::cli
