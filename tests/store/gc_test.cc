// gc removes exactly the unreachable objects older than the grace period, and leaves
// the store passing fsck.
#include <atomic>
#include <chrono>
#include <filesystem>
#include <thread>

#include "graph_fixture.h"
#include "store/fsck.h"
#include "store/gc.h"

namespace herd::store::testing {
namespace {

constexpr int64_t kHour = 3600;

class Gc : public StoreTest {
 protected:
  void age_all_objects(int64_t seconds) { age_objects(root, seconds); }
  GcReport run(int64_t grace = kHour, bool dry_run = false) {
    GcOptions options;
    options.grace_seconds = grace;
    options.dry_run = dry_run;
    return must(gc(store, refs, options));
  }
};

TEST_F(Gc, KeepsReachableAndYoungRemovesOldUnreachable) {
  auto packages = must(store_bytes(store, "pkg list"));
  auto first = build_snapshot(store, refs, "nodes/a/checkpoints", 1, {}, {{"packages", packages.hash.hex()}});
  build_snapshot(store, refs, "nodes/a/checkpoints", 2, {first.snapshot}, {}, first.snapshot);
  auto abandoned = build_snapshot(store, refs, "scratch", 3);
  ASSERT_TRUE(refs.remove("scratch", abandoned.snapshot));
  size_t total = must(store.list()).size();

  // Everything is young: nothing goes.
  auto young = run();
  EXPECT_EQ(young.removed, 0u);
  EXPECT_EQ(young.objects, total);
  EXPECT_GT(young.young, 0u);

  age_all_objects(2 * kHour);
  Hash fresh_garbage = must(store.put(ObjectType::blob, "written a moment ago"));
  ASSERT_TRUE(store.sync());

  auto dry = run(kHour, true);
  EXPECT_GT(dry.removed, 0u);
  EXPECT_EQ(must(store.list()).size(), total + 1) << "a dry run removes nothing";

  auto report = run();
  EXPECT_EQ(report.removed, dry.removed);
  EXPECT_EQ(report.young, 1u);
  EXPECT_TRUE(store.has(fresh_garbage));
  EXPECT_FALSE(store.has(abandoned.snapshot));
  EXPECT_FALSE(store.has(abandoned.root_tree));
  EXPECT_FALSE(store.has(abandoned.file_contents[0]));
  EXPECT_TRUE(store.has(first.snapshot)) << "a parent is reachable";
  EXPECT_TRUE(store.has(packages.hash)) << "metadata objects are reachable";
  for (const Hash& c : first.file_contents)
    for (const Hash& h : must(content_objects(store, c))) EXPECT_TRUE(store.has(h));
  EXPECT_EQ(report.reachable + report.young, must(store.list()).size());

  auto after = must(fsck(store, refs));
  EXPECT_TRUE(after.ok()) << ::testing::PrintToString(after.problems);
  EXPECT_EQ(after.reachable + 1, after.objects);
}

// put() of an object that exists freshens it: a checkpoint reusing an old unreachable
// object keeps it alive until its ref is written.
TEST_F(Gc, PutFreshensExistingObjects) {
  Hash h = must(store.put(ObjectType::blob, "old but about to be reused"));
  ASSERT_TRUE(store.sync());
  age_all_objects(2 * kHour);
  ObjectStore writer = must(ObjectStore::open(root));
  EXPECT_FALSE(must(writer.insert(ObjectType::blob, "old but about to be reused")).added);
  EXPECT_EQ(run().removed, 0u);
  EXPECT_TRUE(store.has(h));
  age_all_objects(2 * kHour);
  EXPECT_EQ(run().removed, 1u);
  EXPECT_FALSE(store.has(h));
  EXPECT_TRUE(files_ending(root + "/objects/packs", "").empty()) << "an all-dead pack is deleted";
}

// The same for format 1's loose objects.
TEST_F(Gc, PutFreshensLooseObjects) {
  put_loose(root, ObjectType::blob, "loose and old");
  Hash h = object_hash(ObjectType::blob, "loose and old");
  age_all_objects(2 * kHour);
  ObjectStore writer = must(ObjectStore::open(root));
  EXPECT_FALSE(must(writer.insert(ObjectType::blob, "loose and old")).added);
  EXPECT_EQ(run().removed, 0u);
  age_all_objects(2 * kHour);
  EXPECT_EQ(run().removed, 1u);
  EXPECT_FALSE(store.has(h));
}

// A pack holding live and dead objects is rewritten with the live ones only, once old;
// readers that had the old pack open keep reading it.
TEST_F(Gc, RepacksOldPacksWithDeadObjects) {
  Hash dead = must(store.put(ObjectType::blob, "dead"));
  auto kept = build_snapshot(store, refs, "images/base", 11);  // in the same pack as `dead`
  auto abandoned = build_snapshot(store, refs, "scratch", 12);  // a pack of dead objects only
  ASSERT_TRUE(refs.remove("scratch", abandoned.snapshot));
  auto old_pack = packed_location(root, dead).pack_path;
  auto dead_pack = packed_location(root, abandoned.snapshot).pack_path;
  EXPECT_EQ(old_pack, packed_location(root, kept.snapshot).pack_path);
  EXPECT_NE(old_pack, dead_pack);
  ObjectStore reader = must(ObjectStore::open(root));
  ASSERT_TRUE(reader.get(dead));
  EXPECT_EQ(run().removed, 0u) << "young";
  age_all_objects(2 * kHour);
  auto report = run();
  EXPECT_GT(report.removed, 3u);
  EXPECT_FALSE(std::filesystem::exists(old_pack));
  EXPECT_FALSE(std::filesystem::exists(dead_pack));
  EXPECT_EQ(files_ending(root + "/objects/packs", ".pack").size(), 1u) << "the live objects, repacked";
  EXPECT_FALSE(store.has(dead));
  EXPECT_FALSE(must(ObjectStore::open(root)).has(abandoned.snapshot));
  EXPECT_TRUE(must(ObjectStore::open(root)).has(kept.snapshot));
  EXPECT_TRUE(reader.get(dead)) << "an open pack stays readable";
  auto after = must(fsck(store, refs));
  EXPECT_TRUE(after.ok()) << ::testing::PrintToString(after.problems);
  EXPECT_EQ(after.reachable, after.objects);
  EXPECT_EQ(after.temp_files, 0u);
  EXPECT_EQ(run(0).removed, 0u) << "nothing dead is left";
}

TEST_F(Gc, MergesOldSmallPacks) {
  std::vector<BuiltSnapshot> snapshots;
  for (uint64_t seed = 1; seed <= 6; ++seed)  // one pack each, as six pushes make
    snapshots.push_back(build_snapshot(store, refs, "nodes/n" + std::to_string(seed), seed));
  std::string packs = root + "/objects/packs";
  ASSERT_EQ(files_ending(packs, ".pack").size(), 6u);
  ObjectStore reader = must(ObjectStore::open(root));
  ASSERT_TRUE(reader.get(snapshots[0].snapshot));

  auto young = run();
  EXPECT_EQ(young.packs_merged, 0u) << "young packs are left alone";
  EXPECT_EQ(files_ending(packs, ".pack").size(), 6u);
  age_all_objects(2 * kHour);
  auto dry = run(kHour, /*dry_run=*/true);
  EXPECT_EQ(dry.packs_merged, 6u);
  EXPECT_EQ(dry.packs_written, 1u);
  EXPECT_EQ(files_ending(packs, ".pack").size(), 6u) << "a dry run changes nothing";

  auto report = run();
  EXPECT_EQ(report.packs_merged, 6u);
  EXPECT_EQ(report.packs_written, 1u);
  EXPECT_EQ(report.removed, 0u) << "merging drops nothing";
  EXPECT_EQ(files_ending(packs, ".pack").size(), 1u);
  EXPECT_EQ(files_ending(packs, ".idx").size(), 1u);
  ObjectStore fresh = must(ObjectStore::open(root));
  for (const auto& s : snapshots) EXPECT_TRUE(fresh.get(s.snapshot)) << s.snapshot.hex();
  EXPECT_TRUE(reader.get(snapshots[5].snapshot)) << "an open store finds the merged pack";
  auto after = must(fsck(store, refs));
  EXPECT_TRUE(after.ok()) << ::testing::PrintToString(after.problems);
  EXPECT_EQ(after.reachable, after.objects);
  EXPECT_EQ(after.temp_files, 0u);

  age_all_objects(2 * kHour);
  EXPECT_EQ(run().packs_written, 0u) << "one pack: nothing to merge";
}

// A merge killed part way leaves what repack.h's order allows: the merged pack published,
// one old pack still in place (its objects now in two packs), another moved aside into
// tmp/gc-*. Everything stays readable, fsck passes, and the next gc puts the aside pack
// back and merges the duplicates away.
TEST_F(Gc, AMergeKilledPartWayLosesNothing) {
  std::vector<BuiltSnapshot> snapshots;
  for (uint64_t seed = 31; seed <= 33; ++seed)
    snapshots.push_back(build_snapshot(store, refs, "nodes/n" + std::to_string(seed), seed));
  std::string packs = root + "/objects/packs";
  auto names = files_ending(packs, ".pack");
  ASSERT_EQ(names.size(), 3u);
  // Keep copies of two old packs as they were, then merge all three.
  std::string saved = root + "/saved";
  std::filesystem::create_directory(saved);
  std::vector<std::string> kept;  // base names (without extension) of the two saved packs
  for (int i = 0; i < 2; ++i) {
    std::string base = names[i].substr(0, names[i].size() - 5);
    kept.push_back(std::filesystem::path(base).filename().string());
    for (const char* ext : {".pack", ".idx"})
      std::filesystem::copy_file(base + ext, saved + "/" + kept.back() + ext);
  }
  age_all_objects(2 * kHour);
  ASSERT_EQ(run().packs_merged, 3u);
  // The state a kill leaves: old pack 0 aside in a dead gc's trash, old pack 1 not yet
  // retired.
  std::string trash = root + "/tmp/gc-999999-deadbeef";
  std::filesystem::create_directories(trash);
  for (const char* ext : {".pack", ".idx"}) {
    std::filesystem::copy_file(saved + "/" + kept[0] + ext, trash + "/" + kept[0] + ext);
    std::filesystem::copy_file(saved + "/" + kept[1] + ext, packs + "/" + kept[1] + ext);
  }
  std::filesystem::remove_all(saved);
  ObjectStore fresh = must(ObjectStore::open(root));
  for (const auto& s : snapshots) EXPECT_TRUE(fresh.get(s.snapshot));
  auto before = must(fsck(store, refs));
  EXPECT_TRUE(before.ok()) << ::testing::PrintToString(before.problems);

  auto report = run(0);
  EXPECT_EQ(report.restored, 1u) << "the aside pack came back";
  EXPECT_EQ(report.packs_written, 1u);
  EXPECT_EQ(files_ending(packs, ".pack").size(), 1u);
  auto after = must(fsck(store, refs));
  EXPECT_TRUE(after.ok()) << ::testing::PrintToString(after.problems);
  EXPECT_EQ(after.reachable, after.objects);
  EXPECT_EQ(after.temp_files, 0u);
  for (const auto& s : snapshots) EXPECT_TRUE(must(ObjectStore::open(root)).get(s.snapshot));
}

// A writer that relies on an object of an old pack (has() or put()) keeps the whole pack
// young, also while gc runs concurrently.
TEST_F(Gc, ConcurrentWriterKeepsItsObjects) {
  std::vector<Hash> hashes;
  for (int i = 0; i < 200; ++i) hashes.push_back(must(store.put(ObjectType::blob, "object " + std::to_string(i))));
  ASSERT_TRUE(store.sync());
  age_all_objects(2 * kHour);
  std::atomic<bool> stop = false, relied = false;
  std::thread writer([&] {
    ObjectStore w = must(ObjectStore::open(root));
    for (int round = 0; !stop; ++round) {
      for (const Hash& h : hashes) EXPECT_TRUE(w.has(h));
      relied = true;
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
  });
  // gc starts only once the writer has relied on every object (however slow the machine).
  while (!relied) std::this_thread::yield();
  for (int i = 0; i < 5; ++i) EXPECT_EQ(run().removed, 0u);
  stop = true;
  writer.join();
  for (const Hash& h : hashes) EXPECT_TRUE(must(ObjectStore::open(root)).has(h));
}

TEST_F(Gc, RefusesWhenSomethingReachableIsMissing) {
  auto built = build_snapshot(store, refs, "images/base", 7);
  Hash loose = must(store.put(ObjectType::blob, "unreachable"));
  ASSERT_TRUE(store.sync());
  age_all_objects(2 * kHour);
  ASSERT_TRUE(store.remove(built.sub_tree));
  GcOptions options;
  auto result = gc(store, refs, options);
  ASSERT_FALSE(result);
  EXPECT_NE(result.error().message.find("nothing removed"), std::string::npos) << result.error().message;
  EXPECT_NE(result.error().message.find(built.sub_tree.hex()), std::string::npos) << result.error().message;
  EXPECT_TRUE(store.has(loose));
  EXPECT_TRUE(store.has(built.file_contents[2])) << "below the missing tree: unknown, so kept";
}

TEST_F(Gc, CleansTemporaryFilesAndRestoresAKilledGcsTrash) {
  Hash kept = must(store.put(ObjectType::blob, "reachable"));
  ASSERT_TRUE(store.sync());
  Snapshot s;
  s.tree = must(store.put(ObjectType::tree, encode_tree(Tree{{file_entry("f", StoredContent{kept, 9, 0})}})));
  Hash snap = must(store.put(ObjectType::snapshot, encode_snapshot(s)));
  ASSERT_TRUE(store.sync());
  ASSERT_TRUE(refs.compare_and_swap("r", std::nullopt, snap));

  // A killed writer's old and recent staged files.
  std::filesystem::create_directories(root + "/tmp/w-1-dead");
  std::string old_file = root + "/tmp/w-1-dead/" + sha256("old").hex();
  std::string new_file = root + "/tmp/w-1-dead/" + sha256("new").hex();
  ASSERT_TRUE(write_file_atomically(old_file, "partial"));
  ASSERT_TRUE(write_file_atomically(new_file, "partial"));
  age_file(old_file, 2 * kHour);
  // A killed gc had moved a reachable object's pack and index aside, and another one's
  // index only (it was killed between the two renames).
  std::filesystem::create_directories(root + "/tmp/gc-1-dead");
  auto where = packed_location(root, kept);
  for (const auto& path : {where.pack_path, where.index_path})
    ASSERT_EQ(::rename(path.c_str(), (root + "/tmp/gc-1-dead/" + std::filesystem::path(path).filename().string()).c_str()), 0);
  std::filesystem::create_directories(root + "/tmp/gc-2-dead");
  auto tree_pack = packed_location(root, snap);
  ASSERT_EQ(::rename(tree_pack.index_path.c_str(), (root + "/tmp/gc-2-dead/" + std::filesystem::path(tree_pack.index_path).filename().string()).c_str()), 0);
  // A killed writer's pack without index, published long ago.
  std::string stray = root + "/objects/packs/pack-0123456789abcdef0123456789abcdef.pack";
  ASSERT_TRUE(write_file_atomically(stray, "HPCK partial"));
  age_file(stray, 2 * kHour);

  auto report = run();
  EXPECT_EQ(report.temp_removed, 2u);
  EXPECT_EQ(report.restored, 2u);
  EXPECT_FALSE(std::filesystem::exists(old_file));
  EXPECT_FALSE(std::filesystem::exists(stray));
  EXPECT_TRUE(std::filesystem::exists(new_file));
  EXPECT_FALSE(std::filesystem::exists(root + "/tmp/gc-1-dead"));
  EXPECT_FALSE(std::filesystem::exists(root + "/tmp/gc-2-dead"));
  EXPECT_TRUE(must(ObjectStore::open(root)).get(kept));
  EXPECT_TRUE(must(ObjectStore::open(root)).get(snap));
  auto after = must(fsck(store, refs));
  EXPECT_TRUE(after.ok()) << ::testing::PrintToString(after.problems);
}

TEST_F(Gc, NegativeGraceIsBadInput) {
  GcOptions options;
  options.grace_seconds = -1;
  auto result = gc(store, refs, options);
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().kind, ErrorKind::bad_input);
}

}  // namespace
}  // namespace herd::store::testing
