// dpkg (Debian, Ubuntu): reads <root>/var/lib/dpkg/status directly, no dpkg needed.
// A package counts when its Status is "<want> <flag> installed" (or triggers-awaited /
// triggers-pending: installed, waiting for a trigger); config-files, half-installed and
// the rest are not installed. Versions compare by dpkg's rules (epoch:upstream-revision,
// '~' sorts before everything). Restore runs apt-get (in a chroot for another root).
#pragma once

#include "track/packages/package.h"

namespace herd::track {

// Parses status-file text into the installed packages, sorted. Malformed paragraphs
// (no Package, Version or Architecture) are bad_input naming `what` and the line.
Result<std::vector<Package>> parse_dpkg_status(std::string_view text, const std::string& what);

// dpkg's version order: <0, 0, >0.
int dpkg_compare_versions(std::string_view a, std::string_view b);

class DpkgBackend : public PackageBackend {
 public:
  std::string name() const override { return "dpkg"; }
  bool detect(int root_fd) const override;
  Result<std::vector<Package>> list(const std::string& root, int root_fd) const override;
  int compare_versions(std::string_view a, std::string_view b) const override { return dpkg_compare_versions(a, b); }
  std::vector<std::vector<std::string>> restore_commands(const std::string& root, const PackageList& have,
                                                         const PackageList& want) const override;
};

}  // namespace herd::track
