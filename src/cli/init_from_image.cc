#include "cli/init_from_image.h"

#include <fmt/ranges.h>

#include <filesystem>
#include <vector>

#include "cli/image_common.h"
#include "cli/output.h"
#include "server/pki.h"
#include "server/rekey.h"
#include "store/object_store.h"

namespace herd::cli {
namespace {

// The images the clone's store holds: what it can deploy. Told, not failed: the re-key is
// done by then, and a frontend's image captured by that frontend itself has no store (its
// own store is never captured into itself).
std::vector<std::string> carried_images(const std::string& store_root) {
  std::error_code ec;
  if (!std::filesystem::is_directory(store_root, ec)) {
    notice("{}: no store here, so the clone carries no images (capture a frontend into another frontend's store "
           "to carry its store)",
           store_root);
    return {};
  }
  try {
    auto s = open_image_store(store_root);
    return unwrap(s.catalog->images());
  } catch (const CommandError& e) {
    notice("{}: the clone's images cannot be listed: {}", store_root, e.error.message);
    return {};
  }
}

}  // namespace

void run_init_from_image(Context& context, const FromImageOptions& o) {
  std::string pki = o.pki;
  if (!o.root.empty()) {
    std::error_code ec;
    if (!std::filesystem::is_directory(o.root, ec)) fail(bad_input("--root {}: no such folder", o.root));
    context.db_path = o.root + "/var/lib/herd/herd.db";
    pki = server::pki_dir_beside(context.db_path);
  } else if (pki.empty()) {
    pki = server::default_pki_dir(context.db_path);
  }
  if (!context.database_exists())
    fail(bad_input("{}: no herd inventory here: --from-image re-keys the inventory that an image of a frontend "
                   "carries (ROOT/var/lib/herd/herd.db; give --root, or --db)",
                   context.db_path));
  server::RekeyRequest request{pki, o.cluster, o.frontend, o.public_address, {}};
  auto rekeyed = server::rekey_frontend(context.inventory(), request);
  if (!rekeyed) fail(rekeyed.error().with_context(context.db_path));
  const auto& r = *rekeyed;
  std::string store_root = o.root.empty() ? store::default_store_root() : o.root + "/var/lib/herd/store";
  auto images = carried_images(store_root);
  if (context.json) {
    print_json({{"inventory", context.db_path},
                {"pki", r.pki_dir},
                {"cluster", r.cluster},
                {"old_cluster", r.old_cluster},
                {"frontend", r.frontend},
                {"old_frontend", r.old_frontend},
                {"public_address", r.public_address},
                {"ca_sha256", r.ca_sha256},
                {"join_tokens_revoked", r.join_tokens_revoked},
                {"node_credentials_revoked", r.node_credentials_revoked},
                {"resumed", r.resumed},
                {"store", store_root},
                {"images", images}});
    return;
  }
  if (r.resumed) notice("found an interrupted re-key in {}: redone", context.db_path);
  notice("re-keyed {}: cluster '{}' (was '{}'), frontend {} (was {}) at {}; {} join tokens and {} node credentials "
         "of the old cluster revoked; new CA (sha256 {}), server certificate and admin token in {}",
         context.db_path, r.cluster, r.old_cluster, r.frontend, r.old_frontend, r.public_address,
         r.join_tokens_revoked, r.node_credentials_revoked, r.ca_sha256, r.pki_dir);
  if (!images.empty()) notice("the clone carries {} images in {}: {}", images.size(), store_root, fmt::join(images, ", "));
}

}  // namespace herd::cli
