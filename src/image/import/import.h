// `herd image import`: a tar archive or an OCI image layout into a store tree
// (docs/image.md, "Capture"). The tree is the one `capture --root` of the archive
// extracted would give: the same entries with the same metadata, the capture excludes
// applied, owner names from the image's own /etc/passwd and /etc/group.
//
//   FILE a tar archive (plain, gzip, xz, bzip2, zstd, ...): its members are the tree.
//   FILE an OCI image layout, a folder or a tar of one (skopeo copy ... oci:DIR, podman
//        save --format oci-archive, docker save): index.json -> manifest -> layers, or
//        docker save's manifest.json; the layers are applied bottom first with their
//        whiteouts. Every blob is checked against its digest (and size) as it is read.
//
// Nothing is extracted to disk: members stream from libarchive into the store. Nothing
// is named either: the store is synced before import_image returns and the caller makes
// the revision (catalog.h), so a failed or killed import leaves only unreferenced
// objects, which gc removes. Bad input (a corrupt archive, a digest mismatch, a hostile
// member name, a manifest that does not parse) is bad_input naming the file and the
// member or blob; nothing is ever written outside the store.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "store/object_store.h"
#include "util/result.h"

namespace herd::image {

struct ImportOptions {
  std::vector<std::string> excludes;  // added to the default capture excludes
  // Fault injection for crash tests: "layer" after each archive or layer is read,
  // "trees" after the trees are stored, "synced" after the store is synced.
  std::function<void(const char* step)> on_step;
};

struct ImportResult {
  store::Hash tree;
  std::string format;  // "tar", "oci" or "docker"
  std::string image;   // the image chosen in a layout: a ref name, tag or manifest digest
  uint64_t layers = 0, members = 0;
  uint64_t entries = 0, files = 0, bytes = 0;  // in the tree, as CaptureResult counts them
  uint64_t new_bytes = 0;
  std::optional<store::Hash> packages;  // the package list blob (the tree's dpkg database)
  std::string package_backend;
  uint64_t package_count = 0;
  std::vector<std::string> notes;
  // The metadata a revision made from this import records: packages, package_backend,
  // entries, bytes.
  std::map<std::string, std::string> metadata() const;
};

Result<ImportResult> import_image(store::ObjectStore& store, const std::string& file, const ImportOptions& options);

}  // namespace herd::image
