// The object store: layout, put/get/has, staging and sync, compression choice.
#include <dirent.h>

#include <filesystem>

#include "store/object_file.h"
#include "store/object_store.h"
#include "store_fixture.h"

namespace herd::store::testing {
namespace {

size_t files_under(const std::string& folder) {
  size_t n = 0;
  std::error_code ec;
  for (auto it = std::filesystem::recursive_directory_iterator(folder, ec); it != std::filesystem::recursive_directory_iterator();
       ++it)
    n += it->is_regular_file();
  return n;
}

TEST_F(StoreTest, InitMakesTheLayoutAndIsIdempotent) {
  EXPECT_EQ(read_raw(root + "/format"), "herd-store 2\n");
  for (const char* sub : {"/objects/00", "/objects/ff", "/objects/packs", "/refs", "/tmp"}) EXPECT_TRUE(std::filesystem::is_directory(root + sub)) << sub;
  ASSERT_TRUE(ObjectStore::init(root));
  ASSERT_TRUE(ObjectStore::open(root));
}

TEST(ObjectStoreOpen, RefusesWhatIsNotAStore) {
  herd::testing::TempDir dir;
  auto missing = ObjectStore::open(dir.path());
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().message.find("not a herd store"), std::string::npos);
  EXPECT_NE(missing.error().message.find(dir.path()), std::string::npos);

  dir.write("format", "herd-store 3\n");
  auto newer = ObjectStore::open(dir.path());
  ASSERT_FALSE(newer);
  EXPECT_NE(newer.error().message.find("newer"), std::string::npos) << newer.error().message;

  dir.write("format", "something else\n");
  EXPECT_FALSE(ObjectStore::open(dir.path()));

  herd::testing::TempDir busy;
  busy.write("precious.txt", "mine");
  auto init = ObjectStore::init(busy.path());
  ASSERT_FALSE(init);
  EXPECT_EQ(init.error().kind, ErrorKind::bad_input);
  EXPECT_NE(init.error().message.find("precious.txt"), std::string::npos);
}

TEST_F(StoreTest, PutGetHas) {
  Hash h = must(store.put(ObjectType::blob, "hello"));
  EXPECT_EQ(h, object_hash(ObjectType::blob, "hello"));
  EXPECT_TRUE(store.has(h));
  auto object = must(store.get(h));
  EXPECT_EQ(object.type, ObjectType::blob);
  EXPECT_EQ(object.payload, "hello");
  EXPECT_EQ(must(store.get(h, ObjectType::blob)), "hello");
  auto wrong = store.get(h, ObjectType::tree);
  ASSERT_FALSE(wrong);
  EXPECT_NE(wrong.error().message.find(h.hex()), std::string::npos);
  EXPECT_NE(wrong.error().message.find("is a blob"), std::string::npos);

  Hash empty = must(store.put(ObjectType::blob, ""));
  EXPECT_EQ(must(store.get(empty, ObjectType::blob)), "");
}

TEST_F(StoreTest, EncodedBytesMoveBetweenStoresUnchanged) {
  std::string text(50000, 'x');
  for (size_t i = 0; i < text.size(); i += 7) text[i] = char('a' + i % 26);
  Hash h = must(store.put(ObjectType::blob, text));
  std::string file = must(store.read_encoded(h));
  ASSERT_TRUE(store.sync());
  EXPECT_EQ(file, must(must(ObjectStore::open(root)).read_encoded(h))) << "the same bytes, packed";

  herd::testing::TempDir other_dir;
  ObjectStore other = must(ObjectStore::init(other_dir.file("other")));
  auto first = must(other.insert_encoded(h, file));
  EXPECT_TRUE(first.added);
  EXPECT_FALSE(must(other.insert_encoded(h, file)).added);
  ASSERT_TRUE(other.sync());
  EXPECT_EQ(must(must(ObjectStore::open(other.root())).read_encoded(h)), file);
  EXPECT_EQ(must(other.get(h, ObjectType::blob)), text);

  // Bytes of another object, or damaged ones, are refused by name and not stored.
  Hash wanted = object_hash(ObjectType::blob, "something else");
  auto wrong = other.insert_encoded(wanted, file);
  ASSERT_FALSE(wrong);
  EXPECT_EQ(wrong.error().kind, ErrorKind::bad_input);
  EXPECT_NE(wrong.error().message.find(wanted.hex()), std::string::npos);
  std::string damaged = file;
  damaged[damaged.size() / 2] ^= 1;
  Hash fresh = must(store.put(ObjectType::blob, "fresh"));
  EXPECT_FALSE(other.insert_encoded(fresh, damaged));
  EXPECT_FALSE(other.insert_encoded(fresh, ""));
  ASSERT_TRUE(other.sync());
  EXPECT_FALSE(other.has(wanted));
  EXPECT_FALSE(other.has(fresh));
  EXPECT_FALSE(other.read_encoded(wanted));
}

TEST_F(StoreTest, MissingObjectIsNamed) {
  Hash h = object_hash(ObjectType::blob, "never stored");
  EXPECT_FALSE(store.has(h));
  auto got = store.get(h);
  ASSERT_FALSE(got);
  EXPECT_NE(got.error().message.find(h.hex()), std::string::npos);
  EXPECT_NE(got.error().message.find("missing"), std::string::npos);
  EXPECT_NE(got.error().message.find(store.object_path(h)), std::string::npos);
}

TEST_F(StoreTest, PutIsIdempotent) {
  auto first = must(store.insert(ObjectType::tree, "payload"));
  auto again = must(store.insert(ObjectType::tree, "payload"));
  EXPECT_TRUE(first.added);
  EXPECT_FALSE(again.added);
  EXPECT_EQ(first.hash, again.hash);
  ASSERT_TRUE(store.sync());
  auto after_sync = must(store.insert(ObjectType::tree, "payload"));
  EXPECT_FALSE(after_sync.added);
  ObjectStore other = must(ObjectStore::open(root));
  EXPECT_FALSE(must(other.insert(ObjectType::tree, "payload")).added);
  EXPECT_EQ(must(store.list()).size(), 1u);
}

// The durability invariant: nothing reaches objects/ before sync() made it durable.
TEST_F(StoreTest, StagedObjectsAreInvisibleToOthersUntilSync) {
  Hash h = must(store.put(ObjectType::blob, "staged"));
  ObjectStore other = must(ObjectStore::open(root));
  EXPECT_TRUE(store.has(h));
  EXPECT_FALSE(other.has(h));
  EXPECT_FALSE(std::filesystem::exists(store.object_path(h)));
  EXPECT_EQ(files_under(root + "/objects"), 0u);
  EXPECT_TRUE(must(store.list()).empty());

  ASSERT_TRUE(store.sync());
  EXPECT_TRUE(other.has(h));
  EXPECT_EQ(must(other.get(h, ObjectType::blob)), "staged");
  EXPECT_EQ(files_under(root + "/tmp"), 0u);
  ASSERT_TRUE(store.sync());  // nothing staged: a no-op
}

TEST_F(StoreTest, CopiesShareStagedObjects) {
  ObjectStore copy = store;
  Hash h = must(copy.put(ObjectType::blob, "via copy"));
  EXPECT_TRUE(store.has(h));
  ASSERT_TRUE(store.sync());
  EXPECT_TRUE(must(ObjectStore::open(root)).has(h));
}

TEST_F(StoreTest, UnsyncedObjectsAreDiscardedWithTheStore) {
  Hash h;
  {
    ObjectStore writer = must(ObjectStore::open(root));
    h = must(writer.put(ObjectType::blob, "never synced"));
    EXPECT_EQ(files_under(root + "/tmp"), 1u);
  }
  EXPECT_FALSE(store.has(h));
  EXPECT_EQ(files_under(root + "/tmp"), 0u);
  EXPECT_TRUE(std::filesystem::is_empty(root + "/tmp"));
}

TEST_F(StoreTest, ListAndRemove) {
  Hash a = must(store.put(ObjectType::blob, "a"));
  Hash b = must(store.put(ObjectType::snapshot, "b"));
  ASSERT_TRUE(store.sync());
  auto listed = must(store.list());
  std::sort(listed.begin(), listed.end());
  std::vector<Hash> expected{a, b};
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(listed, expected);
  ASSERT_TRUE(store.remove(a));
  ASSERT_TRUE(store.remove(a));  // missing is fine
  EXPECT_FALSE(store.has(a));
  EXPECT_EQ(must(store.list()), std::vector<Hash>{b});
}

TEST_F(StoreTest, CompressesOnlyWhenItPays) {
  std::string text = text_bytes(60000, 1), noise = random_bytes(60000, 2);
  Hash t = must(store.put(ObjectType::blob, text));
  Hash n = must(store.put(ObjectType::blob, noise));
  ASSERT_TRUE(store.sync());
  ObjectStore fresh = must(ObjectStore::open(root));
  std::string text_file = must(fresh.read_encoded(t)), noise_file = must(fresh.read_encoded(n));
  EXPECT_EQ(text_file.substr(0, 4), "HOBJ");
  EXPECT_EQ(text_file[6], 1) << "text is stored as zstd";
  EXPECT_LT(text_file.size(), text.size() / 2);
  EXPECT_EQ(noise_file[6], 0) << "random bytes are stored raw";
  EXPECT_EQ(noise_file.size(), noise.size() + 16);
  EXPECT_EQ(must(store.get(t, ObjectType::blob)), text);
  EXPECT_EQ(must(store.get(n, ObjectType::blob)), noise);
}

// Format 2: a sync() publishes one pack and its index, and no loose files.
TEST_F(StoreTest, SyncPublishesOnePackAndItsIndex) {
  std::vector<Hash> hashes;
  for (int i = 0; i < 50; ++i) hashes.push_back(must(store.put(ObjectType::blob, text_bytes(100 + static_cast<size_t>(i) * 500, static_cast<uint64_t>(i)))));
  ASSERT_TRUE(store.sync());
  EXPECT_EQ(files_ending(root + "/objects/packs", ".pack").size(), 1u);
  EXPECT_EQ(files_ending(root + "/objects/packs", ".idx").size(), 1u);
  EXPECT_EQ(files_under(root + "/objects"), 2u) << "no loose object files";
  ObjectStore other = must(ObjectStore::open(root));
  for (int i = 0; i < 50; ++i) EXPECT_EQ(must(other.get(hashes[static_cast<size_t>(i)], ObjectType::blob)), text_bytes(100 + static_cast<size_t>(i) * 500, static_cast<uint64_t>(i)));
  EXPECT_EQ(must(other.list()).size(), 50u);
  // A second session makes a second pack; list() names each object once.
  ASSERT_TRUE(store.put(ObjectType::blob, "second"));
  ASSERT_TRUE(store.sync());
  EXPECT_EQ(files_ending(root + "/objects/packs", ".idx").size(), 2u);
  EXPECT_EQ(must(other.list()).size(), 51u);
}

// An index is what makes a pack visible: a pack whose index is missing (a writer killed
// between its two renames) is invisible, and an index with a bad checksum is refused.
TEST_F(StoreTest, PackIndexMakesThePackVisible) {
  Hash h = must(store.put(ObjectType::blob, "indexed"));
  ASSERT_TRUE(store.sync());
  auto where = packed_location(root, h);
  std::string index = read_raw(where.index_path);
  ASSERT_EQ(::rename(where.index_path.c_str(), (root + "/tmp/aside.idx").c_str()), 0);
  EXPECT_FALSE(must(ObjectStore::open(root)).has(h));
  EXPECT_TRUE(must(ObjectStore::open(root)).list()->empty());
  ASSERT_EQ(::rename((root + "/tmp/aside.idx").c_str(), where.index_path.c_str()), 0);
  EXPECT_TRUE(must(ObjectStore::open(root)).get(h));

  std::string damaged = index;
  damaged[30] ^= 1;  // inside the first entry
  write_raw(where.index_path, damaged);
  ObjectStore fresh = must(ObjectStore::open(root));
  auto got = fresh.get(h);
  ASSERT_FALSE(got);
  EXPECT_NE(got.error().message.find("missing"), std::string::npos) << got.error().message;
  auto bad = fresh.pack_set().bad_indexes();
  ASSERT_EQ(bad.size(), 1u);
  EXPECT_NE(bad.begin()->second.find(where.index_path), std::string::npos) << bad.begin()->second;
  EXPECT_NE(bad.begin()->second.find("checksum"), std::string::npos) << bad.begin()->second;
}

// Another process's pack shows up on the next miss, without reopening.
TEST_F(StoreTest, PacksPublishedLaterAreFound) {
  ObjectStore reader = must(ObjectStore::open(root));
  Hash a = object_hash(ObjectType::blob, "later");
  EXPECT_FALSE(reader.has(a));
  ObjectStore writer = must(ObjectStore::open(root));
  ASSERT_TRUE(writer.put(ObjectType::blob, "later"));
  ASSERT_TRUE(writer.sync());
  EXPECT_TRUE(reader.has(a));
  EXPECT_EQ(must(reader.get(a, ObjectType::blob)), "later");
  EXPECT_EQ(must(reader.peek_type(a)), ObjectType::blob);
}

// A format 1 store: its loose objects stay readable, and its first pack upgrades it.
TEST_F(StoreTest, FormatOneStoreIsReadAndUpgraded) {
  ASSERT_TRUE(write_file_atomically(root + "/format", "herd-store 1\n"));
  std::filesystem::remove_all(root + "/objects/packs");
  put_loose(root, ObjectType::blob, "old loose object");
  put_loose(root, ObjectType::tree, "old tree bytes");
  Hash old_blob = object_hash(ObjectType::blob, "old loose object");
  ObjectStore v1 = must(ObjectStore::open(root));
  EXPECT_TRUE(v1.has(old_blob));
  EXPECT_EQ(must(v1.get(old_blob, ObjectType::blob)), "old loose object");
  EXPECT_EQ(must(v1.peek_type(object_hash(ObjectType::tree, "old tree bytes"))), ObjectType::tree);
  EXPECT_FALSE(must(v1.insert(ObjectType::blob, "old loose object")).added);
  ASSERT_TRUE(v1.sync());  // nothing staged: still format 1
  EXPECT_EQ(read_raw(root + "/format"), "herd-store 1\n");
  Hash fresh = must(v1.put(ObjectType::blob, "new packed object"));
  ASSERT_TRUE(v1.sync());
  EXPECT_EQ(read_raw(root + "/format"), "herd-store 2\n");
  EXPECT_EQ(files_ending(root + "/objects/packs", ".idx").size(), 1u);
  ObjectStore v2 = must(ObjectStore::open(root));
  EXPECT_EQ(must(v2.get(fresh, ObjectType::blob)), "new packed object");
  EXPECT_EQ(must(v2.get(old_blob, ObjectType::blob)), "old loose object");
  EXPECT_EQ(must(v2.list()).size(), 3u);
  ASSERT_TRUE(v2.remove(old_blob));
  EXPECT_FALSE(v2.has(old_blob));
}

TEST_F(StoreTest, RemoveRewritesThePack) {
  Hash a = must(store.put(ObjectType::blob, "stays"));
  Hash b = must(store.put(ObjectType::blob, "goes"));
  ASSERT_TRUE(store.sync());
  auto before = packed_location(root, a);
  ObjectStore reader = must(ObjectStore::open(root));
  ASSERT_TRUE(reader.get(b));  // has the old pack open
  ASSERT_TRUE(store.remove(b));
  EXPECT_FALSE(std::filesystem::exists(before.pack_path));
  EXPECT_FALSE(must(ObjectStore::open(root)).has(b));
  EXPECT_EQ(must(must(ObjectStore::open(root)).get(a, ObjectType::blob)), "stays");
  EXPECT_EQ(must(reader.get(a, ObjectType::blob)), "stays") << "a reader of the old pack still reads";
  EXPECT_EQ(files_ending(root + "/objects/packs", ".pack").size(), 1u);
  ASSERT_TRUE(store.remove(a));
  EXPECT_TRUE(files_ending(root + "/objects/packs", "").empty()) << "an empty pack is deleted";
  EXPECT_TRUE(files_ending(root + "/tmp", "").empty());
}

// A reader keeps at most kMaxOpenPacks pack files open, and a pack closed that way and
// then rewritten by gc is found again through the folder.
TEST_F(StoreTest, ManyPacksStayWithinTheDescriptorLimit) {
  std::vector<Hash> hashes;
  for (size_t i = 0; i < kMaxOpenPacks + 40; ++i) {
    hashes.push_back(must(store.put(ObjectType::blob, "pack " + std::to_string(i))));
    ASSERT_TRUE(store.sync());
  }
  size_t before = 0;
  for (const auto& e : std::filesystem::directory_iterator("/proc/self/fd")) before += !e.path().empty();
  ObjectStore reader = must(ObjectStore::open(root));
  for (size_t i = 0; i < hashes.size(); ++i) EXPECT_EQ(must(reader.get(hashes[i], ObjectType::blob)), "pack " + std::to_string(i));
  size_t after = 0;
  for (const auto& e : std::filesystem::directory_iterator("/proc/self/fd")) after += !e.path().empty();
  EXPECT_LE(after, before + kMaxOpenPacks + 1);
  // The first pack's file was closed; another writer merges it away (remove() of its only
  // object deletes it); its object's copy elsewhere is found after a rescan.
  ObjectStore other = must(ObjectStore::open(root));
  ASSERT_TRUE(other.remove(hashes[0]));
  ASSERT_TRUE(other.put(ObjectType::blob, "pack 0"));
  ASSERT_TRUE(other.sync());
  EXPECT_EQ(must(reader.get(hashes[0], ObjectType::blob)), "pack 0");
  EXPECT_EQ(must(reader.peek_type(hashes[0])), ObjectType::blob);
}

TEST(ObjectFile, EncodeDecodeRoundTrip) {
  for (size_t size : {size_t{0}, size_t{1}, size_t{1023}, size_t{1024}, size_t{4096}, size_t{4097}, size_t{70000}})
    for (const std::string& payload : {text_bytes(size, size), random_bytes(size, size), std::string(size, 'z')}) {
      auto encoded = encode_object_file(ObjectType::tree, payload);
      std::string file = std::string(encoded.header) + std::string(encoded.body);
      EXPECT_EQ(file.size(), encoded.size());
      auto decoded = decode_object_file(file, object_hash(ObjectType::tree, payload));
      ASSERT_TRUE(decoded) << size << ": " << decoded.error().message;
      EXPECT_EQ(decoded->type, ObjectType::tree);
      EXPECT_EQ(decoded->payload, payload);
      EXPECT_FALSE(decode_object_file(file, object_hash(ObjectType::blob, payload))) << "the type is part of the name";
    }
}

TEST_F(StoreTest, RefusesOversizedPayloads) {
  std::string big(kMaxPayloadSize + 1, 'x');
  auto put = store.put(ObjectType::blob, big);
  ASSERT_FALSE(put);
  EXPECT_EQ(put.error().kind, ErrorKind::bad_input);
}

TEST_F(StoreTest, PeekTypeReadsOnlyTheHeader) {
  Hash h = must(store.put(ObjectType::chunks, "not really a chunk list"));
  EXPECT_EQ(must(store.peek_type(h)), ObjectType::chunks);
  ASSERT_TRUE(store.sync());
  EXPECT_EQ(must(store.peek_type(h)), ObjectType::chunks);
  EXPECT_FALSE(store.peek_type(object_hash(ObjectType::blob, "absent")));
}

TEST(DefaultStoreRoot, FollowsTheEnvironment) {
  ::setenv("HERD_STORE", "/srv/herd-store", 1);
  EXPECT_EQ(default_store_root(), "/srv/herd-store");
  ::unsetenv("HERD_STORE");
  EXPECT_EQ(default_store_root(), "/var/lib/herd/store");
}

}  // namespace
}  // namespace herd::store::testing
