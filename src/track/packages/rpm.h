// rpm (RHEL, Fedora, SUSE): asks rpm itself, `rpm -qa --root ROOT --qf ...`, because the
// database format varies (Berkeley DB, ndb, sqlite). Versions are "[epoch:]version-release"
// and compare by rpmvercmp. Restore runs dnf with --installroot.
#pragma once

#include <functional>

#include "track/packages/package.h"
#include "util/subprocess.h"

namespace herd::track {

// The query format `list` passes to rpm: one "name<TAB>[epoch:]version-release<TAB>arch" line each.
extern const char* const kRpmQueryFormat;

// Parses rpm's output in that format; bad lines are bad_input naming the line.
Result<std::vector<Package>> parse_rpm_output(std::string_view text);

// rpmvercmp on one part (version or release), and on "[epoch:]version-release".
int rpm_compare_segments(std::string_view a, std::string_view b);
int rpm_compare_versions(std::string_view a, std::string_view b);

class RpmBackend : public PackageBackend {
 public:
  using Runner = std::function<Result<ProcessOutput>(const std::vector<std::string>& argv)>;
  // `runner` runs rpm (tests give a fake); default run_process.
  explicit RpmBackend(Runner runner = nullptr);

  std::string name() const override { return "rpm"; }
  // <root>/var/lib/rpm or <root>/usr/lib/sysimage/rpm is a folder.
  bool detect(int root_fd) const override;
  Result<std::vector<Package>> list(const std::string& root, int root_fd) const override;
  int compare_versions(std::string_view a, std::string_view b) const override { return rpm_compare_versions(a, b); }
  std::vector<std::vector<std::string>> restore_commands(const std::string& root, const PackageList& have,
                                                         const PackageList& want) const override;

 private:
  Runner runner_;
};

}  // namespace herd::track
