#include "track/packages/dpkg.h"

#include <fcntl.h>
#include <sys/stat.h>

#include <cctype>
#include <map>
#include <set>

#include "track/beneath.h"
#include "util/text.h"

namespace herd::track {
namespace {

constexpr std::string_view kStatusPath = "/var/lib/dpkg/status";

bool counts_as_installed(std::string_view status) {
  auto words = split(trim(status), ' ');
  if (words.size() != 3) return false;
  return words[2] == "installed" || words[2] == "triggers-awaited" || words[2] == "triggers-pending";
}

// dpkg's character order for the non-digit parts: '~' first, then the end of the string,
// then letters, then everything else.
int order(char c) {
  if (std::isdigit(static_cast<unsigned char>(c))) return 0;
  if (std::isalpha(static_cast<unsigned char>(c))) return c;
  if (c == '~') return -1;
  if (c) return static_cast<unsigned char>(c) + 256;
  return 0;
}

int compare_part(std::string_view a, std::string_view b) {
  size_t i = 0, j = 0;
  auto at = [](std::string_view s, size_t k) { return k < s.size() ? s[k] : '\0'; };
  auto digit = [&](std::string_view s, size_t k) { return k < s.size() && std::isdigit(static_cast<unsigned char>(s[k])); };
  while (i < a.size() || j < b.size()) {
    int first_diff = 0;
    while ((i < a.size() && !digit(a, i)) || (j < b.size() && !digit(b, j))) {
      int ac = order(at(a, i)), bc = order(at(b, j));
      if (ac != bc) return ac - bc;
      ++i;
      ++j;
    }
    while (at(a, i) == '0') ++i;
    while (at(b, j) == '0') ++j;
    while (digit(a, i) && digit(b, j)) {
      if (!first_diff) first_diff = a[i] - b[j];
      ++i;
      ++j;
    }
    if (digit(a, i)) return 1;
    if (digit(b, j)) return -1;
    if (first_diff) return first_diff;
  }
  return 0;
}

}  // namespace

int dpkg_compare_versions(std::string_view a, std::string_view b) {
  EpochVersion va = split_epoch_version(a), vb = split_epoch_version(b);
  if (va.epoch != vb.epoch) return va.epoch < vb.epoch ? -1 : 1;
  int r = compare_part(va.version, vb.version);
  if (r) return r < 0 ? -1 : 1;
  r = compare_part(va.release, vb.release);
  return r < 0 ? -1 : r > 0 ? 1 : 0;
}

Result<std::vector<Package>> parse_dpkg_status(std::string_view text, const std::string& what) {
  std::vector<Package> out;
  std::map<std::string, std::string> fields;
  int line_number = 0, start_line = 1;
  std::string last_key;
  auto finish = [&]() -> Status {
    if (fields.empty()) return {};
    auto status = fields.find("status");
    if (status != fields.end() && counts_as_installed(status->second)) {
      auto name = fields.find("package"), version = fields.find("version"), arch = fields.find("architecture");
      if (name == fields.end() || name->second.empty())
        return bad_input("{}:{}: paragraph without Package", what, start_line);
      if (version == fields.end() || version->second.empty())
        return bad_input("{}:{}: {} has no Version", what, start_line, name->second);
      if (arch == fields.end() || arch->second.empty())
        return bad_input("{}:{}: {} has no Architecture", what, start_line, name->second);
      for (const auto* field : {&name->second, &version->second, &arch->second})
        if (!valid_package_field(*field))
          return bad_input("{}:{}: package {:?} has a tab or NUL in its Package, Version or Architecture", what,
                           start_line, name->second);
      out.push_back(Package{name->second, version->second, arch->second});
    }
    fields.clear();
    return {};
  };
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    ++line_number;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (trim(line).empty()) {
      HERD_CHECK(finish());
      start_line = line_number + 1;
      if (end == text.size()) break;
      continue;
    }
    if (line[0] == ' ' || line[0] == '\t') {
      if (last_key.empty()) return bad_input("{}:{}: continuation line before any field", what, line_number);
      continue;  // continuation of a multi-line field (Description, Conffiles): not needed
    }
    size_t colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0)
      return bad_input("{}:{}: expected 'Field: value'", what, line_number);
    last_key = to_lower(line.substr(0, colon));
    fields[last_key] = std::string(trim(line.substr(colon + 1)));
    if (end == text.size()) break;
  }
  HERD_CHECK(finish());
  sort_packages(out);
  return out;
}

bool DpkgBackend::detect(int root_fd) const {
  struct stat st {};
  return ::fstatat(root_fd, std::string(kStatusPath.substr(1)).c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0 &&
         S_ISREG(st.st_mode);
}

Result<std::vector<Package>> DpkgBackend::list(const std::string& root, int root_fd) const {
  auto text = read_file_beneath(root_fd, kStatusPath);
  if (!text) return text.error();
  std::string what = (root == "/" ? "" : root) + std::string(kStatusPath);
  if (!text->has_value()) return failure("{}: no such file", what);
  return parse_dpkg_status(**text, what);
}

std::vector<std::vector<std::string>> DpkgBackend::restore_commands(const std::string& root, const PackageList& have,
                                                                    const PackageList& want) const {
  // Qualify a name with its architecture only where the name has several.
  std::map<std::string, std::set<std::string>> arches;
  for (const auto* list : {&have, &want})
    for (const Package& p : list->packages) arches[p.name].insert(p.arch);
  auto spec = [&](const Package& p) {
    bool qualify = arches[p.name].size() > 1 && p.arch != "all";
    return qualify ? p.name + ":" + p.arch : p.name;
  };
  std::vector<std::string> install, remove;
  for (const PackageChange& c : diff_packages(have, want, this)) {
    Package p{c.name, c.after, c.arch};
    if (c.kind == PackageChange::Kind::removed) {
      remove.push_back(spec(Package{c.name, c.before, c.arch}));
    } else {
      install.push_back(spec(p) + "=" + c.after);
    }
  }
  std::vector<std::string> prefix;
  if (root != "/") prefix = {"chroot", root};
  std::vector<std::vector<std::string>> commands;
  if (!install.empty()) {
    auto cmd = prefix;
    for (const char* a : {"apt-get", "install", "-y", "--allow-downgrades"}) cmd.emplace_back(a);
    cmd.insert(cmd.end(), install.begin(), install.end());
    commands.push_back(std::move(cmd));
  }
  if (!remove.empty()) {
    auto cmd = prefix;
    for (const char* a : {"apt-get", "remove", "-y"}) cmd.emplace_back(a);
    cmd.insert(cmd.end(), remove.begin(), remove.end());
    commands.push_back(std::move(cmd));
  }
  return commands;
}

}  // namespace herd::track
