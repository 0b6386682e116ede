// Installed packages of a root, as recorded with each checkpoint: the list, its encoding
// as a blob, how two lists differ, and the interface each package manager implements
// (dpkg.h, rpm.h). Backends are picked by looking at the root (detect_backend).
//
// Blob encoding (text, UTF-8 as the package manager gives it):
//   herd-packages 1 <backend>\n
//   <name>\t<version>\t<arch>\n      one line per package, sorted by name, then arch
#pragma once

#include <compare>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "util/result.h"

namespace herd::track {

struct Package {
  std::string name, version, arch;
  auto operator<=>(const Package&) const = default;
};

struct PackageList {
  std::string backend;            // "dpkg", "rpm"
  std::vector<Package> packages;  // sorted by (name, arch), unique by (name, arch)
  bool operator==(const PackageList&) const = default;
};

// Whether `field` can be a package's name, version or arch in the blob: not empty, no
// tab, newline or NUL. The status/query parsers refuse packages that fail it, so every
// list they give can be encoded and read back.
bool valid_package_field(std::string_view field);

std::string encode_packages(const PackageList& list);
// Bad text is bad_input naming `what`.
Result<PackageList> decode_packages(std::string_view text, const std::string& what);
// A version string "[epoch:]version[-release]" cut into its parts, as dpkg and rpm both
// write it: the epoch defaults to 0, the release (dpkg: revision) is after the last '-'.
// The views point into the text given.
struct EpochVersion {
  long long epoch = 0;
  std::string_view version, release;
};
EpochVersion split_epoch_version(std::string_view text);

// Sorts by (name, arch, version) and drops later duplicates of a (name, arch).
void sort_packages(std::vector<Package>& packages);

struct PackageChange {
  enum class Kind { added, removed, upgraded, downgraded };
  Kind kind = Kind::added;
  std::string name, arch;
  std::string before, after;  // versions; "" for the side that has none
};
const char* package_change_name(PackageChange::Kind kind);

class PackageBackend {
 public:
  virtual ~PackageBackend() = default;
  virtual std::string name() const = 0;
  // Whether this package manager keeps its database beneath the root.
  virtual bool detect(int root_fd) const = 0;
  // The installed packages beneath the root (`root` is its path, `root_fd` open on it).
  virtual Result<std::vector<Package>> list(const std::string& root, int root_fd) const = 0;
  // <0, 0 or >0 as version a is older than, equal to or newer than b.
  virtual int compare_versions(std::string_view a, std::string_view b) const = 0;
  // Commands (argv each) that turn the installed set `have` into `want` on `root`:
  // install what is missing or at another version, remove what `want` lacks.
  virtual std::vector<std::vector<std::string>> restore_commands(const std::string& root, const PackageList& have,
                                                                 const PackageList& want) const = 0;
};

// The backend whose database is beneath the root (dpkg first, then rpm); nullptr if none.
std::unique_ptr<PackageBackend> detect_backend(int root_fd);
// The backend called `name`; nullptr if none is.
std::unique_ptr<PackageBackend> backend_named(std::string_view name);

// What changed from `before` to `after`, by (name, arch), sorted by name. Version order
// (upgraded or downgraded) is the backend's; without one, any change counts as upgraded.
std::vector<PackageChange> diff_packages(const PackageList& before, const PackageList& after,
                                         const PackageBackend* backend);

}  // namespace herd::track
