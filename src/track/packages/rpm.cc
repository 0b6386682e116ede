#include "track/packages/rpm.h"

#include <fcntl.h>
#include <sys/stat.h>

#include <cctype>
#include <cstring>

#include "util/text.h"

namespace herd::track {

const char* const kRpmQueryFormat = "%{NAME}\\t%|EPOCH?{%{EPOCH}:}:{}|%{VERSION}-%{RELEASE}\\t%{ARCH}\\n";

namespace {

bool is_alnum(char c) { return std::isalnum(static_cast<unsigned char>(c)); }
bool is_digit(char c) { return std::isdigit(static_cast<unsigned char>(c)); }
bool is_alpha(char c) { return std::isalpha(static_cast<unsigned char>(c)); }

}  // namespace

int rpm_compare_segments(std::string_view a, std::string_view b) {
  if (a == b) return 0;
  size_t i = 0, j = 0;
  auto at = [](std::string_view s, size_t k) { return k < s.size() ? s[k] : '\0'; };
  while (i < a.size() || j < b.size()) {
    while (i < a.size() && !is_alnum(a[i]) && a[i] != '~' && a[i] != '^') ++i;
    while (j < b.size() && !is_alnum(b[j]) && b[j] != '~' && b[j] != '^') ++j;
    char ca = at(a, i), cb = at(b, j);
    if (ca == '~' || cb == '~') {
      if (ca != '~') return 1;
      if (cb != '~') return -1;
      ++i;
      ++j;
      continue;
    }
    if (ca == '^' || cb == '^') {
      if (i >= a.size()) return -1;
      if (j >= b.size()) return 1;
      if (ca != '^') return 1;
      if (cb != '^') return -1;
      ++i;
      ++j;
      continue;
    }
    if (i >= a.size() || j >= b.size()) break;
    size_t si = i, sj = j;
    bool numeric = is_digit(a[i]);
    auto same_kind = [&](char c) { return numeric ? is_digit(c) : is_alpha(c); };
    while (i < a.size() && same_kind(a[i])) ++i;
    while (j < b.size() && same_kind(b[j])) ++j;
    if (j == sj) return numeric ? 1 : -1;  // a number is newer than letters
    std::string_view sa = a.substr(si, i - si), sb = b.substr(sj, j - sj);
    if (numeric) {
      while (!sa.empty() && sa[0] == '0') sa.remove_prefix(1);
      while (!sb.empty() && sb[0] == '0') sb.remove_prefix(1);
      if (sa.size() != sb.size()) return sa.size() > sb.size() ? 1 : -1;
    }
    int r = sa.compare(sb);
    if (r) return r < 0 ? -1 : 1;
  }
  bool rest_a = i < a.size(), rest_b = j < b.size();
  if (!rest_a && !rest_b) return 0;
  return rest_a ? 1 : -1;
}

int rpm_compare_versions(std::string_view a, std::string_view b) {
  EpochVersion ea = split_epoch_version(a), eb = split_epoch_version(b);
  if (ea.epoch != eb.epoch) return ea.epoch < eb.epoch ? -1 : 1;
  if (int r = rpm_compare_segments(ea.version, eb.version)) return r;
  return rpm_compare_segments(ea.release, eb.release);
}

Result<std::vector<Package>> parse_rpm_output(std::string_view text) {
  std::vector<Package> out;
  int line_number = 0;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    ++line_number;
    if (trim(line).empty()) continue;
    auto fields = split(line, '\t');
    if (fields.size() != 3 || !valid_package_field(fields[0]) || !valid_package_field(fields[1]) ||
        !valid_package_field(fields[2]))
      return bad_input("rpm -qa output line {}: expected name<TAB>version<TAB>arch, got {:?}", line_number, line);
    out.push_back(Package{fields[0], fields[1], fields[2]});
  }
  sort_packages(out);
  return out;
}

RpmBackend::RpmBackend(Runner runner) : runner_(std::move(runner)) {
  if (!runner_) runner_ = [](const std::vector<std::string>& argv) { return run_process(argv); };
}

bool RpmBackend::detect(int root_fd) const {
  struct stat st {};
  for (const char* db : {"var/lib/rpm", "usr/lib/sysimage/rpm"})
    if (::fstatat(root_fd, db, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(st.st_mode)) return true;
  return false;
}

Result<std::vector<Package>> RpmBackend::list(const std::string& root, int) const {
  auto out = runner_({"rpm", "-qa", "--root", root, "--qf", kRpmQueryFormat});
  if (!out) return out.error();
  if (out->exit_code != 0)
    return failure("rpm -qa --root {} failed (exit {}): {}", root, out->exit_code, std::string(trim(out->output)));
  return parse_rpm_output(out->output);
}

std::vector<std::vector<std::string>> RpmBackend::restore_commands(const std::string& root, const PackageList& have,
                                                                   const PackageList& want) const {
  std::vector<std::string> install, downgrade, remove;
  for (const PackageChange& c : diff_packages(have, want, this)) {
    std::string nevra = c.name + "-" + c.after + "." + c.arch;
    switch (c.kind) {
      case PackageChange::Kind::removed: remove.push_back(c.name + "." + c.arch); break;
      case PackageChange::Kind::downgraded: downgrade.push_back(nevra); break;
      default: install.push_back(nevra); break;
    }
  }
  std::vector<std::string> base = {"dnf", "-y"};
  if (root != "/") base.push_back("--installroot=" + root);
  std::vector<std::vector<std::string>> commands;
  const std::pair<const char*, const std::vector<std::string>*> steps[] = {
      {"install", &install}, {"downgrade", &downgrade}, {"remove", &remove}};
  for (const auto& [verb, list] : steps) {
    if (list->empty()) continue;
    auto cmd = base;
    cmd.emplace_back(verb);
    cmd.insert(cmd.end(), list->begin(), list->end());
    commands.push_back(std::move(cmd));
  }
  return commands;
}

}  // namespace herd::track
