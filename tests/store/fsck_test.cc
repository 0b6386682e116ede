// fsck: each kind of damage in what refs reach is a problem naming the object, its
// referrer and the ref.
#include "graph_fixture.h"
#include "store/fsck.h"

namespace herd::store::testing {
namespace {

class Fsck : public StoreTest {
 protected:
  FsckReport run() { return must(fsck(store, refs)); }
  // The single problem fsck reports; it must mention every needle.
  void expect_problem(std::initializer_list<std::string> needles) {
    auto report = run();
    EXPECT_FALSE(report.ok());
    ASSERT_EQ(report.problems.size(), 1u) << ::testing::PrintToString(report.problems);
    for (const auto& needle : needles) EXPECT_NE(report.problems[0].find(needle), std::string::npos) << report.problems[0];
  }
  Hash put_tree(const Tree& tree) {
    Hash h = must(store.put(ObjectType::tree, encode_tree(tree)));
    EXPECT_TRUE(store.sync());
    return h;
  }
  void point(const std::string& ref, const Tree& tree) {
    Snapshot s;
    s.tree = put_tree(tree);
    Hash snap = must(store.put(ObjectType::snapshot, encode_snapshot(s)));
    ASSERT_TRUE(store.sync());
    ASSERT_TRUE(refs.compare_and_swap(ref, std::nullopt, snap));
  }
};

TEST_F(Fsck, HealthyStore) {
  auto first = build_snapshot(store, refs, "nodes/a/checkpoints", 1);
  build_snapshot(store, refs, "nodes/a/checkpoints", 2, {first.snapshot}, {}, first.snapshot);
  auto report = run();
  EXPECT_TRUE(report.ok()) << ::testing::PrintToString(report.problems);
  EXPECT_EQ(report.refs, 1u);
  EXPECT_EQ(report.snapshots, 2u);
  EXPECT_EQ(report.trees, 4u);
  EXPECT_EQ(report.chunks, 2u);
  EXPECT_EQ(report.reachable, report.objects) << "the parent keeps the first snapshot reachable";
  EXPECT_TRUE(report.garbage.empty());
}

TEST_F(Fsck, MissingObjectNamesItsReferrerAndRef) {
  auto built = build_snapshot(store, refs, "images/base", 3);
  ASSERT_TRUE(store.remove(built.file_contents[2]));
  expect_problem({"missing file content " + built.file_contents[2].hex(), "tree " + built.sub_tree.hex(), "entry \"note\"",
                  "ref images/base"});
}

TEST_F(Fsck, MissingChunkOfALargeFile) {
  auto built = build_snapshot(store, refs, "images/base", 4);
  auto objects = must(content_objects(store, built.file_contents[0]));
  ASSERT_GT(objects.size(), 2u);
  ASSERT_TRUE(store.remove(objects[1]));
  expect_problem({"missing blob " + objects[1].hex(), "chunks " + built.file_contents[0].hex() + " chunk 0"});
}

TEST_F(Fsck, WrongTypesAndSizes) {
  auto note = must(store_bytes(store, "twelve bytes"));
  TreeEntry folder_to_blob;
  folder_to_blob.name = "etc";
  folder_to_blob.type = EntryType::folder;
  folder_to_blob.content = note.hash;
  point("t/wrong-type", Tree{{folder_to_blob}});
  expect_problem({"object " + note.hash.hex() + " is a blob, expected a tree", "entry \"etc\"", "ref t/wrong-type"});
  ASSERT_TRUE(refs.remove("t/wrong-type", *must(refs.read("t/wrong-type"))));

  TreeEntry lying = file_entry("passwd", note);
  lying.size = 13;
  point("t/size", Tree{{lying}});
  expect_problem({"entry \"passwd\" says 13 bytes", "holds 12"});
  ASSERT_TRUE(refs.remove("t/size", *must(refs.read("t/size"))));

  ASSERT_TRUE(refs.compare_and_swap("t/blob-ref", std::nullopt, note.hash));
  expect_problem({"is a blob, expected a snapshot", "ref t/blob-ref"});
}

TEST_F(Fsck, MetadataObjects) {
  auto packages = must(store_bytes(store, "bash 5.2\ncoreutils 9.1\n"));
  ASSERT_TRUE(store.sync());
  build_snapshot(store, refs, "nodes/b/checkpoints", 5, {},
                 {{"packages", packages.hash.hex()}, {"host", sha256("looks like a hash").hex()}});
  auto report = run();
  EXPECT_TRUE(report.ok()) << ::testing::PrintToString(report.problems);
  EXPECT_EQ(report.reachable, report.objects) << "the package list is reachable; 'host' is only text";

  ASSERT_TRUE(store.remove(packages.hash));
  expect_problem({"missing object " + packages.hash.hex(), "metadata \"packages\""});

  auto again = must(refs.read("nodes/b/checkpoints"));
  build_snapshot(store, refs, "nodes/b/checkpoints", 6, {}, {{"rpmdb_object", "not-a-hash"}}, again);
  auto bad = run();
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.problems.back().find("metadata \"rpmdb_object\" is not an object hash"), std::string::npos) << bad.problems.back();
}

TEST_F(Fsck, UndecodableTreeIsAProblemWhenReachedAndGarbageOtherwise) {
  Hash bad_tree = must(store.put(ObjectType::tree, "\x01 not a tree"));
  ASSERT_TRUE(store.sync());
  auto report = run();
  EXPECT_TRUE(report.ok());
  ASSERT_EQ(report.garbage.size(), 1u);
  EXPECT_NE(report.garbage[0].find(bad_tree.hex()), std::string::npos) << report.garbage[0];

  Snapshot s;
  s.tree = bad_tree;
  Hash snap = must(store.put(ObjectType::snapshot, encode_snapshot(s)));
  ASSERT_TRUE(store.sync());
  ASSERT_TRUE(refs.compare_and_swap("broken", std::nullopt, snap));
  expect_problem({"tree " + bad_tree.hex(), "bad tree", "ref broken"});
}

TEST_F(Fsck, RefToAMissingSnapshot) {
  ASSERT_TRUE(refs.compare_and_swap("gone", std::nullopt, sha256("never stored")));
  expect_problem({"missing snapshot " + sha256("never stored").hex(), "ref gone"});
}

TEST_F(Fsck, CountsTemporaryFiles) {
  ObjectStore writer = must(ObjectStore::open(root));
  ASSERT_TRUE(writer.put(ObjectType::blob, "staged, not synced"));
  EXPECT_EQ(run().temp_files, 1u);
}

}  // namespace
}  // namespace herd::store::testing
