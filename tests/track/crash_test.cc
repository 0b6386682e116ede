// kill -9 during a checkpoint or a restore, at every step boundary: earlier checkpoints
// stay intact (everything they reach reads back and verifies), no file is ever torn, and
// running the command again completes.
#include <signal.h>
#include <sys/wait.h>

#include <gtest/gtest.h>

#include <functional>

#include "store/file_content.h"
#include "track/compare.h"
#include "track/restore.h"
#include "track/verify.h"
#include "track_fixture.h"

namespace herd::track {
namespace {

// Runs `body` in a child process; returns the child's wait status.
int in_child(const std::function<void()>& body) {
  pid_t pid = ::fork();
  if (pid == 0) {
    body();
    ::_exit(0);
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  return status;
}

bool killed(int status) { return WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL; }

class CrashTest : public testing::TrackFixture {
 protected:
  void make_tree() {
    for (int i = 0; i < 30; ++i) write(fmt::format("/etc/conf.d/f{:02}.conf", i), fmt::format("setting = {}\n", i));
    write("/opt/big.bin", std::string(3 << 20, 'B') + "end");
  }
  void change_tree(int round) {
    for (int i = 0; i < 30; i += 3) write(fmt::format("/etc/conf.d/f{:02}.conf", i), fmt::format("round {} {}\n", round, i));
    write("/opt/big.bin", std::string(3 << 20, 'B') + fmt::format("end {}", round));
    write(fmt::format("/etc/new-{}", round), "new\n");
  }
  void expect_verified() {
    auto s = store();
    store::Refs refs(site_.store);
    auto report = verify_checkpoints(s, refs, site_.ref());
    ASSERT_TRUE(report) << report.error().message;
    EXPECT_TRUE(report->problems.empty()) << ::testing::PrintToString(report->problems);
  }
  std::optional<store::Hash> head() {
    store::Refs refs(site_.store);
    auto h = refs.read(site_.ref());
    EXPECT_TRUE(h);
    return *h;
  }
  // The tree a fresh checkpoint of the live root gets (another host: no cache, no history).
  store::Hash fresh_tree() {
    Site other = site_;
    other.host = "reference";
    CheckpointOptions options;
    options.threads = 1;
    auto r = track::checkpoint(other, options);
    EXPECT_TRUE(r) << r.error().message;
    return r ? r->tree : store::Hash{};
  }
};

TEST_F(CrashTest, CheckpointKilledAtEveryStep) {
  make_tree();
  checkpoint("before");
  struct Point {
    const char* step;
    int nth;
    int threads;
  };
  int round = 0;
  for (Point p : {Point{"file", 1, 1}, Point{"file", 5, 2}, Point{"walked", 1, 2}, Point{"trees", 1, 1},
                  Point{"snapshot", 1, 1}, Point{"synced", 1, 1}, Point{"committed", 1, 1}, Point{"cached", 1, 2}}) {
    SCOPED_TRACE(fmt::format("killed at {} #{}", p.step, p.nth));
    change_tree(++round);
    auto before = head();
    int status = in_child([&] {
      CheckpointOptions options;
      options.threads = p.threads;
      int seen = 0;
      options.on_step = [&](const char* step) {
        if (std::string_view(step) == p.step && ++seen == p.nth) ::raise(SIGKILL);
      };
      (void)track::checkpoint(site_, options);
    });
    ASSERT_TRUE(killed(status)) << "the child did not reach the kill point";
    auto after = head();
    bool committed = std::string_view(p.step) == "committed" || std::string_view(p.step) == "cached";
    if (committed)
      EXPECT_NE(after, before);
    else
      EXPECT_EQ(after, before) << "the ref moved although the checkpoint was killed before committing";
    expect_verified();
    // Running it again completes and records exactly the live tree.
    auto rerun = checkpoint("rerun", p.threads);
    expect_verified();
    EXPECT_EQ(rerun.tree, fresh_tree());
    // And the cache written by the rerun vouches for exactly that tree.
    auto again = checkpoint("again");
    EXPECT_EQ(again.tree, rerun.tree);
  }
}

TEST_F(CrashTest, RestoreKilledAtEveryActionLeavesNoTornFiles) {
  make_tree();
  checkpoint("good");
  auto good = entries(latest().snapshot.tree);
  for (int kill_at : {1, 2, 5, 9, 12}) {
    SCOPED_TRACE(fmt::format("killed before action {}", kill_at));
    change_tree(kill_at);
    std::map<std::string, std::string> changed;
    for (const auto& [path, e] : good)
      if (e.type == store::EntryType::file) changed[path] = read(path);
    int status = in_child([&] {
      auto c = Comparer::open(site_);
      auto cp = c->resolve("latest");
      RestoreOptions options;
      int actions = 0;
      options.on_action = [&](const RestoreAction&) {
        if (++actions == kill_at) ::raise(SIGKILL);
      };
      (void)restore_checkpoint(site_, *cp, options);
    });
    ASSERT_TRUE(killed(status));
    // Every file is wholly old or wholly new.
    auto s = store();
    for (const auto& [path, e] : good) {
      if (e.type != store::EntryType::file) continue;
      std::string now = read(path);
      auto recorded = store::read_content(s, e.content);
      ASSERT_TRUE(recorded);
      EXPECT_TRUE(now == *recorded || now == changed[path]) << path;
    }
    expect_verified();
    auto c = Comparer::open(site_);
    auto cp = c->resolve("latest");
    auto rerun = restore_checkpoint(site_, *cp, {});
    ASSERT_TRUE(rerun) << rerun.error().message;
    auto cmp = c->compare(*cp, std::nullopt);
    ASSERT_TRUE(cmp);
    EXPECT_TRUE(cmp->changes.empty()) << cmp->changes.front().path;
  }
}

TEST_F(CrashTest, RestoreKilledWithATemporaryFileWrittenKeepsTheOldFile) {
  make_tree();
  checkpoint("good");
  change_tree(1);
  std::string old_big = read("/opt/big.bin");
  int status = in_child([&] {
    auto c = Comparer::open(site_);
    auto cp = c->resolve("latest");
    RestoreOptions options;
    options.on_step = [&](const char*, const std::string& path) {
      if (path == "/opt/big.bin") ::raise(SIGKILL);
    };
    (void)restore_checkpoint(site_, *cp, options);
  });
  ASSERT_TRUE(killed(status));
  EXPECT_EQ(read("/opt/big.bin"), old_big);
  int leftovers = 0;
  for (auto& e : std::filesystem::directory_iterator(at("/opt")))
    leftovers += e.path().filename().string().rfind(".herd-restore-", 0) == 0;
  EXPECT_EQ(leftovers, 1);
  // A whole-tree restore finishes the job and removes the leftover.
  auto c = Comparer::open(site_);
  auto cp = c->resolve("latest");
  auto rerun = restore_checkpoint(site_, *cp, {});
  ASSERT_TRUE(rerun) << rerun.error().message;
  EXPECT_EQ(read("/opt/big.bin"), std::string(3 << 20, 'B') + "end");
  for (auto& e : std::filesystem::directory_iterator(at("/opt")))
    EXPECT_NE(e.path().filename().string().rfind(".herd-restore-", 0), 0u);
}

}  // namespace
}  // namespace herd::track
