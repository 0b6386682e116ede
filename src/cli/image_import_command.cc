// herd image import NAME FILE: a tar archive or an OCI image layout as a new revision
// (docs/image.md, "Capture"). The work is in src/image/import/.
#include <CLI/CLI.hpp>

#include "cli/context.h"
#include "cli/format.h"
#include "cli/image_commands.h"
#include "cli/image_common.h"
#include "cli/output.h"
#include "cli/track_remote.h"
#include "image/import/import.h"

namespace herd::cli {
namespace {

struct ImportCommand {
  std::string image, file, message;
  SettingsOptions settings;
};

void run_import(Context& context, const std::string& store_root, const ImportCommand& o) {
  auto s = open_image_store(store_root, true);
  if (!image::valid_image_name(o.image)) unwrap(image::parse_image_ref(o.image));
  std::optional<image::Revision> newest;
  image::ImageSettings base;
  if (!unwrap(s.catalog->refs_of(o.image)).revisions.empty()) {
    newest = unwrap(s.catalog->resolve(image::ImageRef{o.image, 0, ""}));
    base = newest->settings();
  }
  auto settings = apply_settings(base, o.settings);
  image::ImportOptions options;
  options.excludes = settings.exclude;
  options.on_step = crash_hook("HERD_IMAGE_CRASH_AT");
  ProgressLine progress(context.json);
  progress.show(fmt::format("importing {}", o.file), true);
  auto imported = unwrap(image::import_image(*s.store, o.file, options));
  progress.clear();
  if (newest && newest->snapshot.tree == imported.tree && newest->settings() == settings) {
    if (context.json) return print_json(revision_json(*newest));
    return notice("{}: {} is unchanged since {}; no new revision", o.image, o.file, newest->text());
  }
  image::NewRevision r;
  r.tree = imported.tree;
  r.settings = settings;
  r.message = o.message;
  r.source = "import " + o.file;
  if (newest) r.previous = newest->id;
  r.metadata = imported.metadata();
  if (auto step = crash_hook("HERD_IMAGE_CRASH_AT")) step("before-revision");
  auto made = unwrap(s.catalog->commit(o.image, r));
  if (context.json) {
    auto j = revision_json(made);
    j["format"] = imported.format;
    if (!imported.image.empty()) j["from_image"] = imported.image;
    j["layers"] = imported.layers;
    j["members"] = imported.members;
    j["files"] = imported.files;
    j["new_bytes"] = imported.new_bytes;
    j["package_count"] = imported.package_count;
    j["notes"] = imported.notes;
    return print_json(j);
  }
  std::string from = imported.format == "tar" ? "a tar archive"
                                              : fmt::format("{} image {}, {} layers", imported.format == "oci" ? "an OCI" : "a docker",
                                                            imported.image, imported.layers);
  fmt::print("{} imported from {} ({}): {} entries, {} files ({}), {} new in the store\n", made.text(), o.file, from,
             imported.entries, imported.files, bytes_text(imported.bytes), bytes_text(imported.new_bytes));
  for (const auto& n : imported.notes) notice("note: {}", n);
}

}  // namespace

void add_image_import_command(CLI::App& noun, Context& context, std::shared_ptr<std::string> store) {
  auto* cmd = noun.add_subcommand("import", "A new revision from a tar archive or an OCI image layout (folder or archive)");
  auto o = std::make_shared<ImportCommand>();
  cmd->add_option("NAME", o->image, "Image (created when new)")->required();
  cmd->add_option("FILE", o->file, "tar archive (plain, gzip, xz, bzip2, zstd), OCI layout folder or archive, docker save")
      ->required();
  cmd->add_option("-m,--message", o->message, "Why");
  add_settings_options(cmd, o->settings, true);
  add_image_store_option(cmd, *store);
  cmd->callback([&context, store, o] { run_import(context, *store, *o); });
}

}  // namespace herd::cli
