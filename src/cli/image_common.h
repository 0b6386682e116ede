// What the image commands share (image_*_command.cc): the frontend's store and catalog,
// a revision as JSON and as text, the settings options, and the store folder option.
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "image/catalog.h"
#include "store/object_store.h"

namespace CLI {
class App;
}

namespace herd::cli {

class Context;

// The store and its catalog, opened once for a command.
struct ImageStore {
  std::unique_ptr<store::ObjectStore> store;
  std::unique_ptr<image::Catalog> catalog;
};
// Opens (`create`: initializes) the store folder. Throws CommandError naming it.
ImageStore open_image_store(const std::string& root, bool create = false);

// --store DIR (default $HERD_STORE, else /var/lib/herd/store) on `cmd`.
void add_image_store_option(CLI::App* cmd, std::string& store);

nlohmann::json revision_json(const image::Revision& r);

// Settings given on the command line over those of the revision a change starts from.
struct SettingsOptions {
  std::string layout_file;  // --layout FILE ("" = keep; "none" = remove)
  std::string cmdline;      // --cmdline TEXT
  bool cmdline_set = false;
  std::vector<std::string> preserve, exclude;  // --preserve, --exclude (added)
  bool clear_preserve = false, clear_exclude = false;
};
void add_settings_options(CLI::App* cmd, SettingsOptions& o, bool with_layout);
// `base` changed by `o`; a bad glob or layout is bad input. Throws CommandError.
image::ImageSettings apply_settings(const image::ImageSettings& base, const SettingsOptions& o);

// The revision numbers no prune may drop: those named by an `image.revision` attribute of
// any scope for nodes whose `image` is `name` (empty when there is no inventory).
std::vector<uint64_t> pinned_revisions(Context& context, const image::Catalog& catalog, const std::string& name);

}  // namespace herd::cli
