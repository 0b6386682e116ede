// Push and pull against a second local store standing in for the server: what is sent
// (only what the receiver lacks, and on an incremental push only the changed paths),
// that the receiver's store is whole afterwards (fsck), the server's ref rules, and a
// pull into an empty store that a restore reproduces exactly.
#include <fcntl.h>

#include <random>

#include "local_remote.h"
#include "remote/new_objects.h"
#include "remote/pull.h"
#include "remote/push.h"
#include "store/fsck.h"
#include "store/snapshot.h"
#include "track/restore.h"
#include "track_fixture.h"

namespace herd::remote::testing {
namespace {

using store::Hash;
using track::testing::TrackFixture;

std::string random_bytes(size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::string out(n, '\0');
  for (auto& c : out) c = static_cast<char>(rng());
  return out;
}

class PushPull : public TrackFixture {
 protected:
  PushPull() : server_(scratch_.path() + "/server") {
    write("/etc/hostname", "node1\n");
    write("/etc/app/deep/er/still/config.ini", "a = 1\n", 0600);
    write("/etc/app/other.conf", "other\n");
    write("/etc/big.bin", random_bytes(300 * 1024, 1));
    for (int i = 0; i < 20; ++i) write(fmt::format("/opt/tool/lib/f{}.txt", i), fmt::format("file {}\n", i));
  }

  PushResult push(PushOptions options = {}) {
    auto s = store();
    store::Refs refs(site_.store);
    auto r = push_checkpoints(s, refs, site_.ref(), server_, options);
    EXPECT_TRUE(r) << r.error().message;
    return r ? *r : PushResult{};
  }

  void expect_server_whole() {
    auto report = store::fsck(server_.store(), server_.refs());
    ASSERT_TRUE(report);
    EXPECT_TRUE(report->ok()) << ::testing::PrintToString(report->problems);
    EXPECT_EQ(report->temp_files, 0u);
  }

  // Every object the ref reaches in a store (for exact counts).
  uint64_t reachable(store::ObjectStore& s, store::Refs& refs) {
    auto report = store::fsck(s, refs);
    EXPECT_TRUE(report && report->ok());
    return report ? report->reachable : 0;
  }

  LocalRemote server_;
};

TEST_F(PushPull, FirstPushSendsTheWholeClosureOnce) {
  auto c1 = checkpoint("one");
  auto r = push();
  EXPECT_FALSE(r.before);
  EXPECT_EQ(r.head, c1.id);
  EXPECT_EQ(r.checkpoints, 1u);
  EXPECT_EQ(r.objects_skipped, 0u);
  EXPECT_EQ(*server_.refs().read(site_.ref()), std::optional<Hash>(c1.id));
  expect_server_whole();
  auto s = store();
  store::Refs refs(site_.store);
  EXPECT_EQ(r.objects_sent, reachable(s, refs));
  EXPECT_EQ(r.objects_sent, server_.objects_received);

  // Nothing new: one ref read, no other request.
  auto again = push();
  EXPECT_TRUE(again.up_to_date);
  EXPECT_EQ(server_.missing_calls, 1);
}

TEST_F(PushPull, IncrementalPushWalksAndSendsOnlyTheChangedPath) {
  checkpoint("one");
  push();
  uint64_t before = server_.objects_received;
  write("/etc/app/deep/er/still/config.ini", "a = 2\n", 0600);
  auto c2 = checkpoint("two");

  auto s = store();
  auto plan = plan_push(s, site_.ref(), c2.id, c2.parent);
  ASSERT_TRUE(plan) << plan.error().message;
  // The new blob, the 6 trees from / to still/, the snapshot: nothing under /opt.
  EXPECT_EQ(plan->objects.size(), 8u);
  EXPECT_EQ(plan->objects.back(), c2.id) << "the snapshot goes last";
  EXPECT_EQ(plan->snapshots, std::vector<Hash>{c2.id});

  auto r = push();
  EXPECT_EQ(r.objects_sent, 8u);
  EXPECT_EQ(server_.objects_received - before, 8u);
  EXPECT_EQ(r.before, c2.parent);
  expect_server_whole();
}

TEST_F(PushPull, AnEditInsideALargeFileSendsOnlyItsNewChunks) {
  checkpoint("one");
  push();
  std::string big = random_bytes(300 * 1024, 1);
  big[150 * 1024] ^= 1;
  write("/etc/big.bin", big);
  checkpoint("two");
  auto r = push();
  // The chunks object, 1-2 changed chunks, the /etc and / trees, the snapshot.
  EXPECT_GE(r.objects_sent, 5u);
  EXPECT_LE(r.objects_sent, 7u);
  expect_server_whole();
}

TEST_F(PushPull, SeveralCheckpointsGoInOnePush) {
  checkpoint("one");
  push();
  write("/etc/app/other.conf", "two\n");
  checkpoint("two");
  write("/etc/app/other.conf", "three\n");
  write("/etc/new.conf", "new\n");
  auto c3 = checkpoint("three");
  auto r = push();
  EXPECT_EQ(r.checkpoints, 2u);
  EXPECT_EQ(r.head, c3.id);
  expect_server_whole();
}

TEST_F(PushPull, ObjectsTheServerHasAlreadyAreOfferedButNotSent) {
  checkpoint("one");
  // The server got the same content from elsewhere (another node's identical file).
  auto s = store();
  auto blob = s.read_encoded(store::object_hash(store::ObjectType::blob, "other\n"));
  ASSERT_TRUE(blob);
  ASSERT_TRUE(server_.store().insert_encoded(store::object_hash(store::ObjectType::blob, "other\n"), *blob));
  ASSERT_TRUE(server_.store().sync());
  auto r = push();
  EXPECT_EQ(r.objects_skipped, 1u);
  EXPECT_EQ(r.objects_sent + 1, r.objects_offered);
  expect_server_whole();
}

TEST_F(PushPull, BatchesStayUnderTheLimit) {
  checkpoint("one");
  PushOptions options;
  options.batch_bytes = 64 * 1024;
  std::vector<std::string> steps;
  options.on_step = [&](const char* s) { steps.push_back(s); };
  auto r = push(options);
  EXPECT_GT(server_.uploads, 3);
  // One object larger than the limit would go alone; here chunks are at most 64 KiB + header.
  EXPECT_LE(server_.largest_body, 64 * 1024 + 16 + 40 + 64 * 1024);
  EXPECT_EQ(steps.front(), "planned");
  EXPECT_NE(std::find(steps.begin(), steps.end(), "mid-upload"), steps.end());
  EXPECT_EQ(steps[steps.size() - 2], "before-ref");
  expect_server_whole();
}

TEST_F(PushPull, AnInterruptedPushLeavesTheServerRefAndTheRerunCompletes) {
  auto c1 = checkpoint("one");
  push();
  write("/etc/app/other.conf", "changed\n");
  for (int i = 0; i < 20; ++i) write(fmt::format("/opt/tool/lib/f{}.txt", i), fmt::format("changed {}\n", i));
  auto c2 = checkpoint("two");
  server_.fail_upload_after = server_.uploads + 1;  // the second batch of this push fails
  PushOptions options;
  options.batch_bytes = 200;
  auto s = store();
  store::Refs refs(site_.store);
  auto failed = push_checkpoints(s, refs, site_.ref(), server_, options);
  ASSERT_FALSE(failed);
  EXPECT_EQ(*server_.refs().read(site_.ref()), std::optional<Hash>(c1.id));
  expect_server_whole();

  server_.fail_upload_after = -1;
  auto r = push(options);
  EXPECT_EQ(r.head, c2.id);
  EXPECT_LT(r.objects_sent, r.objects_offered) << "the first batch is not sent again";
  expect_server_whole();
}

TEST_F(PushPull, ServerHistoryNotInTheLocalOneIsRefused) {
  checkpoint("one");
  // The server's ref names a snapshot this node never made (e.g. the machine was reinstalled).
  store::Snapshot other;
  other.tree = *server_.store().put(store::ObjectType::tree, store::encode_tree({}));
  other.message = "elsewhere";
  Hash foreign = *server_.store().put(store::ObjectType::snapshot, store::encode_snapshot(other));
  ASSERT_TRUE(server_.store().sync());
  ASSERT_TRUE(server_.refs().compare_and_swap(site_.ref(), std::nullopt, foreign));

  auto s = store();
  store::Refs refs(site_.store);
  auto r = push_checkpoints(s, refs, site_.ref(), server_);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("is not in this node's history"), std::string::npos) << r.error().message;
  EXPECT_NE(r.error().message.find("herd track restore --node node1 latest"), std::string::npos) << r.error().message;
  EXPECT_EQ(server_.uploads, 0);
}

TEST_F(PushPull, NoLocalCheckpointIsBadInput) {
  auto s = store::ObjectStore::init(site_.store);
  ASSERT_TRUE(s);
  store::Refs refs(site_.store);
  auto r = push_checkpoints(*s, refs, site_.ref(), server_);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ErrorKind::bad_input);
}

TEST_F(PushPull, PullIntoAnEmptyStoreThenRestoreReproducesTheTree) {
  checkpoint("one");
  write("/etc/app/other.conf", "two\n");
  auto c2 = checkpoint("two");
  push();

  herd::testing::TempDir fresh;
  auto local = store::ObjectStore::init(fresh.file("store"));
  ASSERT_TRUE(local);
  store::Refs refs(fresh.file("store"));
  auto r = pull_checkpoints(*local, refs, site_.ref(), server_);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_TRUE(r->ref_updated);
  EXPECT_EQ(r->checkpoints, 2u);
  EXPECT_EQ(*refs.read(site_.ref()), std::optional<Hash>(c2.id));
  auto report = store::fsck(*local, refs);
  ASSERT_TRUE(report);
  EXPECT_TRUE(report->ok()) << ::testing::PrintToString(report->problems);
  EXPECT_EQ(r->objects_fetched, report->reachable);
  // A folder's new entries come in one request: /opt/tool/lib's 20 files at once, and far
  // fewer requests than objects.
  EXPECT_GE(server_.largest_fetch_many, 20u);
  EXPECT_LT(2 * uint64_t(server_.fetches + server_.fetch_many_calls), r->objects_fetched);

  // Restore the pulled checkpoint into an empty root: same tree as the original.
  herd::testing::TempDir target;
  track::Site site = site_;
  site.root = target.path();
  site.store = fresh.file("store");
  auto latest = track::latest_checkpoint(*local, refs, site.ref());
  ASSERT_TRUE(latest && *latest);
  auto restored = track::restore_checkpoint(site, **latest, {});
  ASSERT_TRUE(restored) << restored.error().message;
  EXPECT_EQ(read_file(target.path() + "/etc/big.bin").value(), read(("/etc/big.bin")));
  struct stat st {};
  ASSERT_EQ(::lstat((target.path() + "/etc/app/deep/er/still/config.ini").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0600u);

  // Pulling again fetches nothing.
  int fetches = server_.fetches, fetch_many_calls = server_.fetch_many_calls;
  auto again = pull_checkpoints(*local, refs, site_.ref(), server_);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->objects_fetched, 0u);
  EXPECT_EQ(server_.fetches, fetches);
  EXPECT_EQ(server_.fetch_many_calls, fetch_many_calls);
}

TEST_F(PushPull, IncrementalPullFetchesOnlyTheChange) {
  checkpoint("one");
  push();
  herd::testing::TempDir fresh;
  auto local = store::ObjectStore::init(fresh.file("store"));
  store::Refs refs(fresh.file("store"));
  ASSERT_TRUE(pull_checkpoints(*local, refs, site_.ref(), server_));
  write("/etc/app/other.conf", "two\n");
  checkpoint("two");
  push();
  auto r = pull_checkpoints(*local, refs, site_.ref(), server_);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->objects_fetched, 5u);  // the blob, the /etc/app, /etc and / trees, the snapshot
  EXPECT_EQ(r->checkpoints, 1u);
}

TEST_F(PushPull, PullRefusesToDropDivergedLocalCheckpointsUnlessForced) {
  checkpoint("one");
  push();
  herd::testing::TempDir fresh;
  auto local = store::ObjectStore::init(fresh.file("store"));
  store::Refs refs(fresh.file("store"));
  ASSERT_TRUE(pull_checkpoints(*local, refs, site_.ref(), server_));
  // A local-only checkpoint on the pulled copy, and a new one on the server.
  store::Snapshot mine;
  mine.tree = *local->put(store::ObjectType::tree, store::encode_tree({}));
  mine.parents = {*server_.refs().read(site_.ref()).value()};
  Hash local_only = *local->put(store::ObjectType::snapshot, store::encode_snapshot(mine));
  ASSERT_TRUE(local->sync());
  ASSERT_TRUE(refs.compare_and_swap(site_.ref(), mine.parents[0], local_only));
  write("/etc/app/other.conf", "two\n");
  auto c2 = checkpoint("two");
  push();

  auto r = pull_checkpoints(*local, refs, site_.ref(), server_);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("diverged"), std::string::npos) << r.error().message;
  EXPECT_EQ(*refs.read(site_.ref()), std::optional<Hash>(local_only));
  PullOptions force;
  force.replace_diverged = true;
  ASSERT_TRUE(pull_checkpoints(*local, refs, site_.ref(), server_, force));
  EXPECT_EQ(*refs.read(site_.ref()), std::optional<Hash>(c2.id));
}

TEST_F(PushPull, PullOfAMissingRefFails) {
  herd::testing::TempDir fresh;
  auto local = store::ObjectStore::init(fresh.file("store"));
  store::Refs refs(fresh.file("store"));
  auto r = pull_checkpoints(*local, refs, site_.ref(), server_);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("nothing to pull"), std::string::npos);
}

}  // namespace
}  // namespace herd::remote::testing
