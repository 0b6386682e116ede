#include "cli/image_common.h"

#include <CLI/CLI.hpp>

#include "cli/context.h"
#include "util/atomic_file.h"
#include "util/text.h"
#include "util/time_text.h"

namespace herd::cli {

ImageStore open_image_store(const std::string& root, bool create) {
  auto store = create ? store::ObjectStore::init(root) : store::ObjectStore::open(root);
  if (!store) fail(store.error());
  ImageStore out;
  out.store = std::make_unique<store::ObjectStore>(std::move(*store));
  out.catalog = std::make_unique<image::Catalog>(*out.store, store::Refs(root));
  return out;
}

void add_image_store_option(CLI::App* cmd, std::string& store) {
  cmd->add_option("--store", store, "Store folder (default: $HERD_STORE or /var/lib/herd/store)");
}

nlohmann::json revision_json(const image::Revision& r) {
  auto settings = r.settings();
  long long entries = 0, bytes = 0;
  (void)parse_int(r.meta("entries"), entries);
  (void)parse_int(r.meta("bytes"), bytes);
  return {{"image", r.image},
          {"revision", r.number},
          {"id", r.id.hex()},
          {"tree", r.snapshot.tree.hex()},
          {"time", utc_iso8601(r.snapshot.time_ns)},
          {"time_ns", r.snapshot.time_ns},
          {"author", r.snapshot.author},
          {"message", r.snapshot.message},
          {"source", r.meta("source")},
          {"previous", r.meta("previous")},
          {"tags", r.tags},
          {"entries", entries},
          {"bytes", bytes},
          {"packages", r.meta("packages")},
          {"package_backend", r.meta("package_backend")},
          {"layout", settings.layout},
          {"cmdline", settings.cmdline},
          {"preserve", settings.preserve},
          {"exclude", settings.exclude}};
}

void add_settings_options(CLI::App* cmd, SettingsOptions& o, bool with_layout) {
  if (with_layout) cmd->add_option("--layout", o.layout_file, "Disk layout file for installs (`none` removes it)");
  cmd->add_option("--cmdline", o.cmdline, "Kernel command line for installs")->each([&o](const std::string&) {
    o.cmdline_set = true;
  });
  cmd->add_option("--preserve", o.preserve, "A path (glob) updates never replace, added to the defaults; repeatable");
  cmd->add_option("--exclude", o.exclude, "A path (glob) captures leave out, added to the defaults; repeatable");
  cmd->add_flag("--no-preserve", o.clear_preserve, "Drop the image's own preserved paths (the defaults stay)");
  cmd->add_flag("--no-exclude", o.clear_exclude, "Drop the image's own excludes (the defaults stay)");
}

image::ImageSettings apply_settings(const image::ImageSettings& base, const SettingsOptions& o) {
  image::ImageSettings s = base;
  if (o.clear_preserve) s.preserve.clear();
  if (o.clear_exclude) s.exclude.clear();
  for (const auto& p : o.preserve) {
    unwrap(image::check_path_glob(p, "--preserve"));
    if (std::find(s.preserve.begin(), s.preserve.end(), p) == s.preserve.end()) s.preserve.push_back(p);
  }
  for (const auto& e : o.exclude) {
    unwrap(image::check_path_glob(e, "--exclude"));
    if (std::find(s.exclude.begin(), s.exclude.end(), e) == s.exclude.end()) s.exclude.push_back(e);
  }
  if (o.cmdline_set) {
    if (o.cmdline.find('\n') != std::string::npos) fail(bad_input("--cmdline: one line, please"));
    s.cmdline = o.cmdline;
  }
  if (o.layout_file == "none") {
    s.layout.clear();
  } else if (!o.layout_file.empty()) {
    s.layout = unwrap(read_file(o.layout_file));
  }
  return s;
}

std::vector<uint64_t> pinned_revisions(Context& context, const image::Catalog&, const std::string&) {
  std::vector<uint64_t> out;
  if (!context.database_exists()) return out;
  auto attributes = unwrap(context.inventory().attributes(std::nullopt, false));
  for (const auto& a : attributes) {
    long long n = 0;
    if (a.name == "image.revision" && parse_int(a.value, n) && n > 0) out.push_back(static_cast<uint64_t>(n));
  }
  return out;
}

}  // namespace herd::cli
