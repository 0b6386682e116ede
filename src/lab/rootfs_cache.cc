#include "lab/rootfs_cache.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>

#include "util/atomic_file.h"
#include "util/subprocess.h"
#include "util/text.h"

namespace fs = std::filesystem;

namespace herd::lab {
namespace {

// Bump when the packages or the post-install steps change: old caches are then ignored.
// r2 added rsync (the peer of image benchmarks: rsync -aHAX between lab members), acl
// (getfacl/setfacl), attr (getfattr/setfattr) and libcap2-bin (getcap/setcap), so tests
// can give files in a node ACLs, extended attributes and capabilities.
constexpr const char* kRecipeRevision = "r2";
constexpr const char* kPackages = "openssh-server,busybox,iproute2,procps,rsync,acl,attr,libcap2-bin";
// Programs the finished root must have; each comes from one of kPackages.
// Paths as the packages install them (bookworm's merged /usr resolves /bin and /sbin).
constexpr const char* kRequiredPrograms[] = {"/usr/sbin/sshd",    "/bin/busybox",      "/usr/bin/rsync",
                                             "/bin/setfacl",      "/bin/getfacl",      "/usr/bin/setfattr",
                                             "/usr/bin/getfattr", "/sbin/setcap",      "/sbin/getcap"};

std::string os_release_value(const std::string& key) {
  auto text = read_file("/etc/os-release");
  if (!text) return {};
  for (const auto& line : split(*text, '\n'))
    if (starts_with(line, key + "=")) {
      std::string value = line.substr(key.size() + 1);
      if (value.size() >= 2 && value.front() == '"') value = value.substr(1, value.size() - 2);
      return value;
    }
  return {};
}

// The first Debian archive URI among this machine's apt sources (deb822 or one-line form),
// so the lab uses the mirror apt already reaches.
std::string apt_mirror() {
  std::vector<std::string> files{"/etc/apt/sources.list.d/debian.sources", "/etc/apt/sources.list"};
  for (const auto& file : files) {
    auto text = read_file(file);
    if (!text) continue;
    for (const auto& raw : split(*text, '\n')) {
      std::string_view line = trim(raw);
      if (starts_with(line, "URIs:")) {
        auto uri = std::string(trim(line.substr(5)));
        uri = uri.substr(0, uri.find(' '));
        if (uri.find("security") == std::string::npos) return uri;
      }
      if (starts_with(line, "deb ")) {
        std::vector<std::string> words;
        for (auto& w : split(line, ' '))
          if (!w.empty() && w[0] != '[') words.push_back(w);
        if (words.size() >= 2 && words[1].find("security") == std::string::npos) return words[1];
      }
    }
  }
  return "http://deb.debian.org/debian";
}

void fill_defaults(RootfsRecipe& recipe) {
  if (recipe.suite.empty()) recipe.suite = os_release_value("VERSION_CODENAME");
  if (recipe.suite.empty()) recipe.suite = "bookworm";
  if (recipe.mirror.empty()) {
    const char* env = std::getenv("HERD_LAB_MIRROR");
    recipe.mirror = env && *env ? env : apt_mirror();
  }
}

// Post-install: no host keys (each node gets its own), no package caches; then checks
// that every required program is there (a failure names the first one missing).
Status finish_root(const std::string& root) {
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(root + "/etc/ssh", ec))
    if (starts_with(entry.path().filename().string(), "ssh_host_")) fs::remove(entry.path(), ec);
  for (const auto& entry : fs::directory_iterator(root + "/var/cache/apt/archives", ec))
    if (entry.path().extension() == ".deb") fs::remove(entry.path(), ec);
  for (const char* program : kRequiredPrograms)
    if (!fs::exists(root + program))
      return failure("{}: debootstrap finished but {} is missing (packages {})", root, program, kPackages);
  return {};
}

std::string tail_lines(const std::string& text, size_t count) {
  auto lines = split(trim(text), '\n');
  if (lines.size() > count) lines.erase(lines.begin(), lines.end() - static_cast<long>(count));
  return join(lines, "\n");
}

}  // namespace

std::string default_cache_root() {
  const char* env = std::getenv("HERD_LAB_CACHE");
  return env && *env ? env : "/var/cache/herd/lab";
}

std::string cache_key(const RootfsRecipe& recipe) {
  RootfsRecipe filled = recipe;
  fill_defaults(filled);
  return fmt::format("{}-{}-{}", filled.suite, filled.variant, kRecipeRevision);
}

Result<std::string> ensure_rootfs(const std::string& cache_root, RootfsRecipe recipe,
                                  const std::function<void(const std::string&)>& progress) {
  fill_defaults(recipe);
  std::string key = cache_key(recipe);
  std::string dir = cache_root + "/" + key;
  std::string rootfs = dir + "/rootfs";
  if (fs::exists(rootfs + "/usr/sbin/sshd")) return rootfs;

  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return failure("{}: {}", dir, ec.message());
  std::string lock_path = cache_root + "/" + key + ".lock";
  int lock = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (lock < 0) return failure("{}: cannot open the cache lock", lock_path);
  ::flock(lock, LOCK_EX);  // released when `lock` closes, also if we die
  struct Unlock {
    int fd;
    ~Unlock() { ::close(fd); }
  } unlock{lock};
  if (fs::exists(rootfs + "/usr/sbin/sshd")) return rootfs;  // built by another run meanwhile

  std::string build = dir + "/rootfs.building";
  fs::remove_all(build, ec);
  progress(fmt::format("building the node root {} with debootstrap from {} (once; about a minute)", key, recipe.mirror));
  auto out = run_process({"debootstrap", "--variant=" + recipe.variant, "--include=" + std::string(kPackages),
                          recipe.suite, build, recipe.mirror});
  if (!out) return out.error().with_context("debootstrap (install it: apt-get install debootstrap)");
  (void)write_file_atomically(dir + "/build.log", out->output);
  if (out->exit_code != 0) {
    fs::remove_all(build, ec);
    return failure("debootstrap {} from {} failed (exit {}); see {}/build.log:\n{}", recipe.suite, recipe.mirror,
                   out->exit_code, dir, tail_lines(out->output, 8));
  }
  if (auto status = finish_root(build); !status) {
    fs::remove_all(build, ec);
    return status.error();
  }
  fs::rename(build, rootfs, ec);
  if (ec) return failure("{} -> {}: {}", build, rootfs, ec.message());
  progress("node root ready: " + rootfs);
  return rootfs;
}

}  // namespace herd::lab
