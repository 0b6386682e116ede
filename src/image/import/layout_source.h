// Where an image layout's files are: a folder (skopeo copy ... oci:DIR) or a tar archive
// of one (podman save --format oci-archive, docker save). Paths are relative,
// "blobs/sha256/<hex>", already checked by member_components.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>

#include "util/result.h"

namespace herd::image::import {

// A file's bytes, piece by piece.
class ByteInput {
 public:
  virtual ~ByteInput() = default;
  // The next piece; empty at the end. Read errors are failures naming the file.
  virtual Result<std::string_view> read() = 0;
};

class LayoutSource {
 public:
  virtual ~LayoutSource() = default;
  // A small file's bytes (index.json, manifests, configs: at most kSmallFile), nullopt
  // when the layout lacks it.
  virtual Result<std::optional<std::string>> small_file(const std::string& path) = 0;
  // Calls `use` once for each of `paths` (in the order the source holds them). A path the
  // layout lacks is bad input naming it.
  virtual Status each_file(const std::set<std::string>& paths,
                           const std::function<Status(const std::string& path, ByteInput& in)>& use) = 0;
  // "FILE" or "FILE:path", for messages.
  virtual std::string describe(const std::string& path = "") const = 0;

  static constexpr size_t kSmallFile = 4u << 20;
};

// A layout folder. Files are opened beneath it without following symlinks.
Result<std::unique_ptr<LayoutSource>> open_layout_folder(const std::string& dir);

// Looks at the tar archive `file`: an image layout when its top level holds index.json or
// manifest.json and nothing that a root file system would (the look stops at the first
// such member, so a plain archive costs one header). nullptr for a plain archive.
// Unreadable or corrupt archives are bad input naming the file.
Result<std::unique_ptr<LayoutSource>> open_layout_archive(const std::string& file);

}  // namespace herd::image::import
