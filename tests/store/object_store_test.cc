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
  EXPECT_EQ(read_raw(root + "/format"), "herd-store 1\n");
  for (const char* sub : {"/objects/00", "/objects/ff", "/refs", "/tmp"}) EXPECT_TRUE(std::filesystem::is_directory(root + sub)) << sub;
  ASSERT_TRUE(ObjectStore::init(root));
  ASSERT_TRUE(ObjectStore::open(root));
}

TEST(ObjectStoreOpen, RefusesWhatIsNotAStore) {
  herd::testing::TempDir dir;
  auto missing = ObjectStore::open(dir.path());
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().message.find("not a herd store"), std::string::npos);
  EXPECT_NE(missing.error().message.find(dir.path()), std::string::npos);

  dir.write("format", "herd-store 2\n");
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
  EXPECT_EQ(file, read_raw(store.object_path(h)));

  herd::testing::TempDir other_dir;
  ObjectStore other = must(ObjectStore::init(other_dir.file("other")));
  auto first = must(other.insert_encoded(h, file));
  EXPECT_TRUE(first.added);
  EXPECT_FALSE(must(other.insert_encoded(h, file)).added);
  ASSERT_TRUE(other.sync());
  EXPECT_EQ(read_raw(other.object_path(h)), file);
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
  EXPECT_TRUE(std::filesystem::exists(copy.object_path(h)));
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
  std::string text_file = read_raw(store.object_path(t)), noise_file = read_raw(store.object_path(n));
  EXPECT_EQ(text_file.substr(0, 4), "HOBJ");
  EXPECT_EQ(text_file[6], 1) << "text is stored as zstd";
  EXPECT_LT(text_file.size(), text.size() / 2);
  EXPECT_EQ(noise_file[6], 0) << "random bytes are stored raw";
  EXPECT_EQ(noise_file.size(), noise.size() + 16);
  EXPECT_EQ(must(store.get(t, ObjectType::blob)), text);
  EXPECT_EQ(must(store.get(n, ObjectType::blob)), noise);
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
