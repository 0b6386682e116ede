#include "image/image_exec.h"

#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "image/capture.h"
#include "image/deploy.h"
#include "store/object_stream.h"
#include "track/beneath.h"
#include "track/stat_cache.h"
#include "track/stored_trees.h"
#include "track/tree_diff.h"
#include "track/unique_fd.h"
#include "util/atomic_file.h"
#include "util/text.h"

namespace herd::image {
namespace {

constexpr const char* kPolicyRcD = "#!/bin/sh\n# herd image exec: no services start inside an image\nexit 101\n";

// Dies in the child with a message: nothing else can be done there.
[[noreturn]] void child_fail(const char* what, const std::string& path) {
  std::string line = fmt::format("herd image exec: {} {}: {}\n", what, path, std::strerror(errno));
  (void)!::write(2, line.data(), line.size());
  ::_exit(127);
}

void bind_mount(const std::string& from, const std::string& to, bool recursive) {
  if (::mount(from.c_str(), to.c_str(), nullptr, MS_BIND | (recursive ? MS_REC : 0), nullptr) != 0)
    child_fail("cannot bind", to);
}

bool is_folder(const std::string& path) {
  struct stat st {};
  return ::lstat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

// The host's resolv.conf inside the image without changing the image: over the image's
// file when it is one, into the fresh /run when the image's is a link into /run.
void place_resolv_conf(const std::string& root, const std::string& host_resolv) {
  std::string target = root + "/etc/resolv.conf";
  struct stat st {};
  if (::lstat(target.c_str(), &st) != 0 || !is_folder(root + "/etc")) return;
  if (S_ISREG(st.st_mode)) {
    bind_mount(host_resolv, target, false);
    return;
  }
  if (!S_ISLNK(st.st_mode)) return;
  char link[4096];
  ssize_t n = ::readlink(target.c_str(), link, sizeof link - 1);
  if (n <= 0) return;
  std::string to(link, static_cast<size_t>(n));
  std::filesystem::path resolved = to[0] == '/' ? std::filesystem::path(to) : std::filesystem::path("/etc") / to;
  resolved = resolved.lexically_normal();
  std::string inside = resolved.string();
  if (inside.rfind("/run/", 0) != 0) return;
  std::error_code ec;
  std::filesystem::create_directories(std::filesystem::path(root + inside).parent_path(), ec);
  auto text = read_file(host_resolv);
  if (text) (void)write_file_atomically(root + inside, *text, 0644);
}

}  // namespace

std::string default_work_folder(const std::string& store_root) {
  std::filesystem::path store(store_root);
  if (store.filename().empty()) store = store.parent_path();
  return (store.parent_path() / "image-work").string();
}

Result<int> run_in_root(const std::string& root, const std::vector<std::string>& argv) {
  if (::geteuid() != 0) return bad_input("herd image exec needs root (mount namespaces, chroot)");
  std::string policy = root + "/usr/sbin/policy-rc.d";
  bool made_policy = false;
  if (is_folder(root + "/usr/sbin") && ::access(policy.c_str(), F_OK) != 0) {
    HERD_CHECK(write_file_atomically(policy, kPolicyRcD, 0755));
    made_policy = true;
  }
  std::vector<std::string> command = argv;
  if (command.empty()) command = {::access((root + "/bin/bash").c_str(), X_OK) == 0 ? "/bin/bash" : "/bin/sh", "-l"};
  std::vector<char*> args;
  for (auto& a : command) args.push_back(a.data());
  args.push_back(nullptr);

  // The parent waits; a Ctrl-C on the terminal reaches the command, not herd.
  struct sigaction ignore {}, old_int {}, old_quit {};
  ignore.sa_handler = SIG_IGN;
  ::sigaction(SIGINT, &ignore, &old_int);
  ::sigaction(SIGQUIT, &ignore, &old_quit);
  pid_t pid = ::fork();
  if (pid < 0) return failure("fork: {}", std::strerror(errno));
  if (pid == 0) {
    ::signal(SIGINT, SIG_DFL);
    ::signal(SIGQUIT, SIG_DFL);
    if (::unshare(CLONE_NEWNS) != 0) child_fail("cannot make a mount namespace for", root);
    if (::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0) child_fail("cannot make private", "/");
    for (const char* folder : {"/proc", "/sys", "/dev"})
      if (is_folder(root + folder)) bind_mount(folder, root + folder, true);
    for (const char* folder : {"/run", "/tmp"})
      if (is_folder(root + folder) && ::mount("tmpfs", (root + folder).c_str(), "tmpfs", MS_NOSUID | MS_NODEV,
                                              folder == std::string("/tmp") ? "mode=1777" : "mode=0755") != 0)
        child_fail("cannot mount a tmpfs on", root + folder);
    place_resolv_conf(root, "/etc/resolv.conf");
    if (::chroot(root.c_str()) != 0) child_fail("cannot chroot into", root);
    if (::chdir("/") != 0) child_fail("cannot enter", "/");
    ::setenv("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", 1);
    ::setenv("HOME", "/root", 1);
    ::execvp(args[0], args.data());
    child_fail("cannot run", args[0]);
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  ::sigaction(SIGINT, &old_int, nullptr);
  ::sigaction(SIGQUIT, &old_quit, nullptr);
  if (made_policy) {
    auto text = read_file(policy);
    if (text && *text == kPolicyRcD) ::unlink(policy.c_str());
  }
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return WEXITSTATUS(status);
}

Result<ExecResult> exec_in_image(Catalog& catalog, const std::string& image, const ExecOptions& options) {
  auto progress = [&](const std::string& text) {
    if (options.on_progress) options.on_progress(text);
  };
  store::ObjectStore& store = catalog.store();
  auto newest = catalog.resolve(ImageRef{image, 0, ""});
  if (!newest) return newest.error();
  std::string work = options.work.empty() ? default_work_folder(store.root()) : options.work;
  std::error_code ec;
  std::filesystem::create_directories(work, ec);
  if (ec) return failure("{}: {}", work, ec.message());
  std::string root = work + "/" + image;
  std::string lock_path = root + ".lock";
  track::UniqueFd lock(::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600));
  if (!lock) return failure("{}: {}", lock_path, std::strerror(errno));
  if (::flock(lock.get(), LOCK_EX | LOCK_NB) != 0)
    return failure("image {} is being changed by another herd image exec (lock {})", image, lock_path);
  std::filesystem::create_directories(root, ec);
  if (ec) return failure("{}: {}", root, ec.message());

  // The work folder holds the newest revision exactly, whatever an earlier exec left.
  progress(fmt::format("bringing {} to {}", root, newest->text()));
  DeployedState target;
  target.image = image;
  target.revision = newest->number;
  target.snapshot = newest->id;
  target.image_tree = newest->snapshot.tree;
  target.tree = newest->snapshot.tree;
  target.source = store.root();
  DeployOptions deploy_options;
  deploy_options.exact = true;
  deploy_options.verify = true;
  deploy_options.state_dir = root + ".state";
  auto source = store::local_object_source(store);
  auto deployed = deploy(root, *source, target, deploy_options);
  if (!deployed) return deployed.error().with_context("work folder " + root);

  ExecResult result;
  progress("running the command");
  auto status = run_in_root(root, options.argv);
  if (!status) return status.error();
  result.exit_code = *status;
  if (*status != 0) return result;

  progress("recording what changed");
  auto settings = newest->settings();
  CaptureOptions capture;
  capture.excludes = settings.exclude;
  capture.stat_cache = track::stat_cache_path(store.root(), root, "image-work-" + image);
  capture.trusted_tree = newest->snapshot.tree;
  auto captured = capture_root(store, root, capture);
  if (!captured) return captured.error();
  if (captured->tree == newest->snapshot.tree) return result;
  track::StoredTrees trees(store);
  auto before = trees.root(newest->snapshot.tree);
  if (!before) return before.error();
  auto after = trees.root(captured->tree);
  if (!after) return after.error();
  track::DiffOptions diff;
  diff.trees = &trees;
  auto changes = track::diff_trees(*before, *after, diff);
  if (!changes) return changes.error();
  result.changes = changes->size();

  NewRevision r;
  r.tree = captured->tree;
  r.settings = settings;
  std::string command = options.argv.empty() ? "shell" : join(options.argv, " ");
  r.message = options.message.empty() ? "exec: " + command : options.message;
  r.source = options.argv.empty() ? "shell" : "exec: " + command;
  r.previous = newest->id;
  r.metadata = captured->metadata();
  auto made = catalog.commit(image, r);
  if (!made) return made.error();
  result.revision = std::move(*made);
  return result;
}

}  // namespace herd::image
