// kill -9 of an image update and of a capture, at chosen steps and at random instants
// within the measured duration (as OSTree's tests do): every entry of the root is wholly
// the old revision's or the new one's, the recorded revision is one of the two, and a rerun
// converges; a killed capture never leaves a partial revision.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <random>
#include <thread>

#include "image/deploy_state.h"
#include "image_fixture.h"
#include "store/fsck.h"

namespace herd::image::testing {
namespace {

using Entries = std::map<std::string, store::TreeEntry>;

// Every entry beneath tree `tree`, by path; folder mtimes and contents (their tree hashes)
// are left out: a folder is only compared by its own metadata.
Entries entries_of(const store::ObjectStore& store, const store::Hash& tree) {
  Entries out;
  track::StoredTrees trees(store);
  auto walk = [&](auto& self, track::Node& node, const std::string& path) -> void {
    EXPECT_TRUE(trees.load(node));
    for (auto& child : node.children) {
      std::string p = path == "/" ? "/" + child.entry.name : path + "/" + child.entry.name;
      store::TreeEntry e = child.entry;
      e.user.clear(), e.group.clear();
      if (e.type == store::EntryType::folder) e.mtime_ns = 0, e.content = store::Hash{};
      e.hardlink_group = 0;  // numbering differs between trees; links are checked by content
      out[p] = e;
      if (child.is_folder()) self(self, child, p);
    }
  };
  auto root = trees.root(tree);
  EXPECT_TRUE(root);
  if (root) walk(walk, *root, "/");
  return out;
}

class CrashTest : public ImageFixture {
 protected:
  // Two revisions that differ in many ways, and a root holding the first.
  void SetUp() override {
    for (int i = 0; i < 200; ++i) write(golden() + "/etc/d" + std::to_string(i % 10) + "/f" + std::to_string(i), "v1 " + std::to_string(i) + "\n");
    write(golden() + "/usr/lib/big.so", random_bytes(4 << 20, 1));
    write(golden() + "/usr/lib/gone", "goes in v2\n");
    write(golden() + "/srv/a/b/c", "deep\n");
    r1_ = capture("base");
    for (int i = 0; i < 200; i += 2) write(golden() + "/etc/d" + std::to_string(i % 10) + "/f" + std::to_string(i), "v2 " + std::to_string(i) + "\n");
    for (int i = 1; i < 200; i += 7) ASSERT_EQ(::chmod((golden() + "/etc/d" + std::to_string(i % 10) + "/f" + std::to_string(i)).c_str(), 0600), 0);
    std::string big = read(golden() + "/usr/lib/big.so");
    big.replace(2 << 20, 8192, random_bytes(8192, 2));
    write(golden() + "/usr/lib/big.so", big);
    ASSERT_EQ(::unlink((golden() + "/usr/lib/gone").c_str()), 0);
    std::filesystem::remove_all(golden() + "/srv/a");
    write(golden() + "/srv/a", "a file where a folder was\n");
    for (int i = 0; i < 50; ++i) write(golden() + "/opt/new/n" + std::to_string(i), std::string(3000, 'n'));
    r2_ = capture("base");
    // As fingerprint() records them (owners by number), from exact checkouts.
    old_ = entries_of(fingerprints(), fingerprint_of(r1_));
    new_ = entries_of(fingerprints(), fingerprint_of(r2_));
  }

  // A fresh root with revision 1 deployed.
  std::string fresh_root(int k) {
    std::string root = dir_.path() + "/root" + std::to_string(k);
    std::filesystem::remove_all(root);
    std::filesystem::create_directories(root);
    must(deploy_to(root, r1_));
    return root;
  }

  // Runs the update to revision 2 of `root` in a child; kills it at step `kill_at` (-1 =
  // never) or after `delay`. Returns the number of steps the child reached (when not killed).
  void run_child(const std::string& root, int kill_at, std::chrono::microseconds delay) {
    int pipe_fds[2];
    ASSERT_EQ(::pipe(pipe_fds), 0);
    pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      ::close(pipe_fds[0]);
      int steps = 0;
      DeployOptions options;
      options.on_step = [&](const char*, const std::string&) {
        if (steps++ == kill_at) ::raise(SIGKILL);
      };
      auto local = store::local_object_source(*store_);
      auto r = deploy(root, *local, target_of(r2_), options);
      (void)!::write(pipe_fds[1], &steps, sizeof steps);
      ::_exit(r ? 0 : 1);
    }
    ::close(pipe_fds[1]);
    if (delay.count() > 0) {
      std::this_thread::sleep_for(delay);  // the random instant of the kill, not a readiness wait
      ::kill(pid, SIGKILL);
    }
    int status = 0;
    ASSERT_EQ(::waitpid(pid, &status, 0), pid);
    int steps = -1;
    if (::read(pipe_fds[0], &steps, sizeof steps) == sizeof steps) steps_ = steps;
    ::close(pipe_fds[0]);
    if (WIFEXITED(status)) {
      EXPECT_EQ(WEXITSTATUS(status), 0) << "the update failed by itself";
    }
  }

  // The root after a kill: each entry old or new, the state one of the two, and a rerun
  // converges on revision 2 with no temporary file left.
  void check_and_converge(const std::string& root, const std::string& what) {
    // The golden has no /var: the node's has only the deploy state.
    auto live = entries_of(fingerprints(), fingerprint(root, {"/var", "**/.herd-image-*", ".herd-image-*"}));
    for (const auto& [path, entry] : live) {
      auto o = old_.find(path);
      auto n = new_.find(path);
      bool is_old = o != old_.end() && o->second == entry;
      bool is_new = n != new_.end() && n->second == entry;
      bool kept_folder = entry.type == store::EntryType::folder && (o != old_.end() || n != new_.end());
      EXPECT_TRUE(is_old || is_new || kept_folder) << what << ": " << path << " is neither revision's";
      if (HasFailure()) return;
    }
    auto state = must(must(DeployState::open(root)).load());
    ASSERT_TRUE(state) << what;
    EXPECT_TRUE(state->revision == 1 || state->revision == 2) << what;
    must(deploy_to(root, r2_));
    EXPECT_EQ(fingerprint(root, {"/var"}), fingerprint_of(r2_)) << what << ": the rerun did not converge";
    EXPECT_TRUE(leftovers(root).empty()) << what;
    EXPECT_EQ(must(must(DeployState::open(root)).load())->revision, 2u) << what;
  }

  Revision r1_, r2_;
  Entries old_, new_;
  int steps_ = 0;
};

TEST_F(CrashTest, UpdateKilledAtEveryKindOfStep) {
  std::string root = fresh_root(0);
  run_child(root, -1, std::chrono::microseconds(0));
  int total = steps_;
  ASSERT_GT(total, 100) << "the update reports its steps";
  EXPECT_EQ(fingerprint(root, {"/var"}), fingerprint_of(r2_));
  // Points spread over the whole update: planning, staging, committing, syncing, recording.
  for (int k : {0, 1, total / 8, total / 4, total / 3, total / 2, 2 * total / 3, 3 * total / 4, total - 3, total - 2,
                total - 1}) {
    std::string r = fresh_root(1);
    run_child(r, k, std::chrono::microseconds(0));
    check_and_converge(r, "killed at step " + std::to_string(k) + " of " + std::to_string(total));
  }
}

TEST_F(CrashTest, UpdateKilledAtRandomInstants) {
  std::string root = fresh_root(0);
  auto start = std::chrono::steady_clock::now();
  run_child(root, -1, std::chrono::microseconds(0));
  auto measured = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - start);
  std::mt19937 rng(std::random_device{}());
  for (int run = 0; run < 10; ++run) {
    std::string r = fresh_root(run + 1);
    auto delay = std::chrono::microseconds(1 + rng() % std::max<int64_t>(1, measured.count()));
    run_child(r, -1, delay);
    check_and_converge(r, fmt::format("run {} killed after {} us of {} us", run, delay.count(), measured.count()));
  }
}

TEST_F(CrashTest, CaptureKilledAtRandomInstantsLeavesNoPartialRevision) {
  for (int i = 0; i < 300; ++i) write(golden() + "/var/data/x" + std::to_string(i), random_bytes(20000, i));
  auto measure = std::chrono::steady_clock::now();
  capture("timed");
  auto measured = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - measure);
  std::mt19937 rng(std::random_device{}());
  std::string root = dir_.path() + "/store";
  for (int run = 0; run < 10; ++run) {
    write(golden() + "/var/data/changing", "run " + std::to_string(run));
    size_t before = must(catalog_->refs_of("crash")).revisions.size();
    pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      auto store = store::ObjectStore::open(root);
      if (!store) ::_exit(3);
      Catalog catalog(*store, store::Refs(root));
      auto captured = capture_root(*store, golden(), {});
      if (!captured) ::_exit(1);
      NewRevision r;
      r.tree = captured->tree;
      ::_exit(catalog.commit("crash", r) ? 0 : 1);
    }
    std::this_thread::sleep_for(std::chrono::microseconds(1 + rng() % std::max<int64_t>(1, measured.count())));
    ::kill(pid, SIGKILL);
    int status = 0;
    ASSERT_EQ(::waitpid(pid, &status, 0), pid);
    size_t after = must(catalog_->refs_of("crash")).revisions.size();
    EXPECT_TRUE(after == before || after == before + 1);
    auto report = must(store::fsck(*store_, store::Refs(dir_.path() + "/store")));
    EXPECT_TRUE(report.ok()) << "run " << run << ": " << (report.problems.empty() ? "" : report.problems[0]);
  }
}

}  // namespace
}  // namespace herd::image::testing
