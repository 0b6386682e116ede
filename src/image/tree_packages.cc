#include "image/tree_packages.h"

#include "store/file_content.h"
#include "track/packages/dpkg.h"
#include "track/stored_trees.h"

namespace herd::image {

Result<std::optional<track::PackageList>> tree_packages(const store::ObjectStore& store, const store::Hash& tree) {
  track::StoredTrees trees(store);
  auto status = trees.find(tree, "/var/lib/dpkg/status");
  if (!status) return status.error();
  if (!*status || !(*status)->is_file()) return std::optional<track::PackageList>();
  auto text = store::read_content(store, (*status)->entry.content);
  if (!text) return text.error();
  auto packages = track::parse_dpkg_status(*text, "/var/lib/dpkg/status of tree " + tree.hex().substr(0, 12));
  if (!packages) return packages.error();
  return std::optional<track::PackageList>(track::PackageList{"dpkg", std::move(*packages)});
}

}  // namespace herd::image
