// Damaged object files: every read names the object and its file, fsck tells damage that
// a ref reaches (a problem) from damage nothing reaches (garbage), and removing a corrupt
// object lets the next put() of the same content repair it.
#include "store/file_content.h"
#include "store/fsck.h"
#include "store/snapshot.h"
#include "store/tree.h"
#include "store_fixture.h"

namespace herd::store::testing {
namespace {

class Corruption : public StoreTest {
 protected:
  // A snapshot of one folder holding one file; `ref` points at it.
  Hash make_snapshot(const std::string& content, const std::string& ref) {
    auto stored = must(store_bytes(store, content));
    Tree tree;
    TreeEntry e;
    e.name = "file";
    e.mode = 0644;
    e.size = stored.size;
    e.content = stored.hash;
    tree.entries.push_back(e);
    Snapshot s;
    s.tree = must(store.put(ObjectType::tree, encode_tree(tree)));
    s.message = ref;
    Hash snap = must(store.put(ObjectType::snapshot, encode_snapshot(s)));
    EXPECT_TRUE(store.sync());
    EXPECT_TRUE(refs.compare_and_swap(ref, std::nullopt, snap));
    return snap;
  }

  void expect_corrupt(const Hash& h, const std::string& why) {
    ObjectStore fresh = must(ObjectStore::open(root));
    auto got = fresh.get(h);
    ASSERT_FALSE(got) << why;
    EXPECT_NE(got.error().message.find(h.hex()), std::string::npos) << why << ": " << got.error().message;
    EXPECT_NE(got.error().message.find(fresh.object_path(h)), std::string::npos) << why << ": " << got.error().message;
    EXPECT_NE(got.error().message.find("corrupt"), std::string::npos) << why << ": " << got.error().message;
  }
};

TEST_F(Corruption, AnyFlippedByteIsCaught) {
  for (const std::string& payload : {text_bytes(5000, 3), random_bytes(5000, 4)}) {
    Hash h = must(store.put(ObjectType::blob, payload));
    ASSERT_TRUE(store.sync());
    std::string path = store.object_path(h);
    std::string original = read_raw(path);
    for (size_t at : {size_t{0}, size_t{4}, size_t{5}, size_t{6}, size_t{7}, size_t{8}, size_t{15}, size_t{16},
                      original.size() / 2, original.size() - 1}) {
      std::string damaged = original;
      damaged[at] = static_cast<char>(damaged[at] ^ 0x01);
      write_raw(path, damaged);
      expect_corrupt(h, "byte " + std::to_string(at) + " flipped");
    }
    write_raw(path, original);
    EXPECT_TRUE(must(ObjectStore::open(root)).get(h));
  }
}

TEST_F(Corruption, TruncatedOrExtendedFilesAreCaught) {
  Hash h = must(store.put(ObjectType::blob, text_bytes(20000, 5)));
  ASSERT_TRUE(store.sync());
  std::string path = store.object_path(h), original = read_raw(path);
  for (size_t size : {size_t{0}, size_t{10}, size_t{16}, size_t{17}, original.size() - 1}) {
    write_raw(path, original.substr(0, size));
    expect_corrupt(h, "truncated to " + std::to_string(size));
  }
  write_raw(path, original + "x");
  expect_corrupt(h, "a byte appended");
}

TEST_F(Corruption, SwappedFilesAreCaught) {
  Hash a = must(store.put(ObjectType::blob, "first object"));
  Hash b = must(store.put(ObjectType::blob, "second object"));
  ASSERT_TRUE(store.sync());
  std::string pa = store.object_path(a), pb = store.object_path(b);
  std::string fa = read_raw(pa), fb = read_raw(pb);
  write_raw(pa, fb);
  write_raw(pb, fa);
  expect_corrupt(a, "holds b's file");
  expect_corrupt(b, "holds a's file");
}

TEST_F(Corruption, FsckTellsReferencedDamageFromGarbage) {
  make_snapshot(text_bytes(3000, 6), "images/base");
  Hash loose = must(store.put(ObjectType::blob, "nobody refers to me"));
  ASSERT_TRUE(store.sync());
  auto clean = must(fsck(store, refs));
  EXPECT_TRUE(clean.ok());
  EXPECT_EQ(clean.objects, 4u);
  EXPECT_EQ(clean.reachable, 3u);
  EXPECT_TRUE(clean.garbage.empty());

  Hash file = object_hash(ObjectType::blob, text_bytes(3000, 6));
  write_raw(store.object_path(file), "HOBJ garbage");
  write_raw(store.object_path(loose), "");
  auto report = must(fsck(store, refs));
  EXPECT_FALSE(report.ok());
  ASSERT_EQ(report.problems.size(), 1u);
  EXPECT_NE(report.problems[0].find(file.hex()), std::string::npos) << report.problems[0];
  EXPECT_NE(report.problems[0].find("entry \"file\""), std::string::npos) << report.problems[0];
  EXPECT_NE(report.problems[0].find("images/base"), std::string::npos) << report.problems[0];
  ASSERT_EQ(report.garbage.size(), 1u);
  EXPECT_NE(report.garbage[0].find(loose.hex()), std::string::npos) << report.garbage[0];
}

TEST_F(Corruption, RemovingACorruptObjectLetsPutRepairIt) {
  std::string content = text_bytes(3000, 7);
  make_snapshot(content, "nodes/n0/checkpoints");
  Hash file = object_hash(ObjectType::blob, content);
  write_raw(store.object_path(file), read_raw(store.object_path(file)).substr(0, 20));

  // put() trusts a published file (it is never torn by a crash): the damage stays...
  ObjectStore writer = must(ObjectStore::open(root));
  EXPECT_FALSE(must(writer.insert(ObjectType::blob, content)).added);
  EXPECT_FALSE(writer.get(file));

  // ...until fsck removes it; then storing the content again repairs the snapshot.
  FsckOptions options;
  options.remove_corrupt = true;
  auto report = must(fsck(store, refs, options));
  EXPECT_EQ(report.removed, std::vector<Hash>{file});
  EXPECT_FALSE(store.has(file));
  EXPECT_TRUE(must(writer.insert(ObjectType::blob, content)).added);
  ASSERT_TRUE(writer.sync());
  EXPECT_TRUE(must(fsck(store, refs)).ok());
}

}  // namespace
}  // namespace herd::store::testing
