// Damaged packs, indexes and object files: every read names the object and its file, fsck tells damage that
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

  // A fresh reader's get() fails naming the object and `file` (a loose file or a pack).
  void expect_corrupt(const Hash& h, const std::string& file, const std::string& why) {
    ObjectStore fresh = must(ObjectStore::open(root));
    auto got = fresh.get(h);
    ASSERT_FALSE(got) << why;
    EXPECT_NE(got.error().message.find(h.hex()), std::string::npos) << why << ": " << got.error().message;
    EXPECT_NE(got.error().message.find(file), std::string::npos) << why << ": " << got.error().message;
    EXPECT_NE(got.error().message.find("corrupt"), std::string::npos) << why << ": " << got.error().message;
  }
  // Flips one byte of object `h` inside its pack.
  void flip_in_pack(const Hash& h, size_t at) {
    auto where = packed_location(root, h);
    std::string pack = read_raw(where.pack_path);
    pack[where.offset + at] = static_cast<char>(pack[where.offset + at] ^ 0x01);
    write_raw(where.pack_path, pack);
  }
};

TEST_F(Corruption, AnyFlippedByteIsCaught) {
  for (const std::string& payload : {text_bytes(5000, 3), random_bytes(5000, 4)}) {
    Hash h = must(store.put(ObjectType::blob, payload));
    ASSERT_TRUE(store.sync());
    auto where = packed_location(root, h);
    std::string original = read_raw(where.pack_path);
    for (size_t at : {size_t{0}, size_t{4}, size_t{5}, size_t{6}, size_t{7}, size_t{8}, size_t{15}, size_t{16},
                      where.length / 2, where.length - 1}) {
      flip_in_pack(h, at);
      expect_corrupt(h, where.pack_path, "byte " + std::to_string(at) + " flipped");
      auto report = must(fsck(store, refs));
      ASSERT_EQ(report.garbage.size(), 1u);
      EXPECT_NE(report.garbage[0].find(h.hex()), std::string::npos) << report.garbage[0];
      EXPECT_NE(report.garbage[0].find(where.pack_path), std::string::npos) << report.garbage[0];
      write_raw(where.pack_path, original);
    }
    EXPECT_TRUE(must(ObjectStore::open(root)).get(h));
  }
}

// The same for format 1's loose object files.
TEST_F(Corruption, AnyFlippedByteInALooseFileIsCaught) {
  std::string payload = text_bytes(5000, 3);
  put_loose(root, ObjectType::blob, payload);
  Hash h = object_hash(ObjectType::blob, payload);
  std::string path = store.object_path(h);
  std::string original = read_raw(path);
  for (size_t at : {size_t{0}, size_t{5}, size_t{8}, size_t{16}, original.size() - 1}) {
    std::string damaged = original;
    damaged[at] = static_cast<char>(damaged[at] ^ 0x01);
    write_raw(path, damaged);
    expect_corrupt(h, path, "byte " + std::to_string(at) + " flipped");
  }
  for (size_t size : {size_t{0}, size_t{10}, size_t{16}, original.size() - 1}) {
    write_raw(path, original.substr(0, size));
    expect_corrupt(h, path, "truncated to " + std::to_string(size));
  }
  write_raw(path, original + "x");
  expect_corrupt(h, path, "a byte appended");
  write_raw(path, original);
  EXPECT_TRUE(must(ObjectStore::open(root)).get(h));
}

TEST_F(Corruption, TruncatedPackIsCaught) {
  Hash first = must(store.put(ObjectType::blob, text_bytes(20000, 5)));
  Hash last = must(store.put(ObjectType::blob, text_bytes(20000, 6)));
  ASSERT_TRUE(store.sync());
  auto a = packed_location(root, first), b = packed_location(root, last);
  const auto& tail = a.offset > b.offset ? a : b;
  Hash tail_hash = a.offset > b.offset ? first : last, head_hash = a.offset > b.offset ? last : first;
  std::string original = read_raw(tail.pack_path);
  for (uint64_t cut : {tail.offset + tail.length - 1, tail.offset + 10, tail.offset}) {
    write_raw(tail.pack_path, original.substr(0, cut));
    expect_corrupt(tail_hash, tail.pack_path, "pack cut at " + std::to_string(cut));
    EXPECT_TRUE(must(ObjectStore::open(root)).get(head_hash)) << "objects before the cut are intact";
    auto report = must(fsck(store, refs));
    EXPECT_FALSE(report.ok());
    ASSERT_FALSE(report.problems.empty());
    EXPECT_NE(report.problems[0].find(tail.pack_path), std::string::npos) << report.problems[0];
    EXPECT_NE(report.problems[0].find("truncated"), std::string::npos) << report.problems[0];
  }
  // fsck --remove-corrupt rewrites the pack with what survived.
  FsckOptions options;
  options.remove_corrupt = true;
  auto repaired = must(fsck(store, refs, options));
  EXPECT_EQ(repaired.removed, std::vector<Hash>{tail_hash});
  auto after = must(fsck(store, refs));
  EXPECT_TRUE(after.ok()) << ::testing::PrintToString(after.problems);
  EXPECT_TRUE(must(ObjectStore::open(root)).get(head_hash));
}

TEST_F(Corruption, SwappedFilesAreCaught) {
  put_loose(root, ObjectType::blob, "first object");
  put_loose(root, ObjectType::blob, "second object");
  Hash a = object_hash(ObjectType::blob, "first object"), b = object_hash(ObjectType::blob, "second object");
  std::string pa = store.object_path(a), pb = store.object_path(b);
  std::string fa = read_raw(pa), fb = read_raw(pb);
  write_raw(pa, fb);
  write_raw(pb, fa);
  expect_corrupt(a, pa, "holds b's file");
  expect_corrupt(b, pb, "holds a's file");
}

TEST_F(Corruption, BadIndexIsAProblemNamingIt) {
  make_snapshot(text_bytes(3000, 8), "images/base");
  auto where = packed_location(root, object_hash(ObjectType::blob, text_bytes(3000, 8)));
  std::string index = read_raw(where.index_path);
  index[index.size() - 1] ^= 1;  // the trailer
  write_raw(where.index_path, index);
  auto report = must(fsck(store, refs));
  EXPECT_FALSE(report.ok());
  ASSERT_FALSE(report.problems.empty());
  EXPECT_NE(report.problems[0].find(where.index_path), std::string::npos) << report.problems[0];
  EXPECT_NE(report.problems[0].find("checksum"), std::string::npos) << report.problems[0];
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
  flip_in_pack(file, 20);
  flip_in_pack(loose, 0);
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
  auto where = packed_location(root, file);
  flip_in_pack(file, where.length - 1);

  // put() trusts a published pack (it is never torn by a crash): the damage stays...
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
  auto after = must(fsck(store, refs));
  EXPECT_TRUE(after.ok()) << ::testing::PrintToString(after.problems);
  EXPECT_TRUE(after.garbage.empty()) << ::testing::PrintToString(after.garbage);
  EXPECT_EQ(must(must(ObjectStore::open(root)).get(file, ObjectType::blob)), content);
}

}  // namespace
}  // namespace herd::store::testing
