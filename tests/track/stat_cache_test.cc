#include "track/stat_cache.h"

#include <fcntl.h>
#include <sys/stat.h>

#include <gtest/gtest.h>

#include "temp_dir.h"
#include "util/atomic_file.h"

namespace herd::track {
namespace {

constexpr int64_t kSecond = 1'000'000'000;

struct stat stat_of(const StatRecord& r) {
  struct stat st {};
  st.st_dev = r.dev;
  st.st_ino = r.ino;
  st.st_size = static_cast<off_t>(r.size);
  st.st_mtim = {static_cast<time_t>(r.mtime_ns / kSecond), static_cast<long>(r.mtime_ns % kSecond)};
  st.st_ctim = {static_cast<time_t>(r.ctime_ns / kSecond), static_cast<long>(r.ctime_ns % kSecond)};
  return st;
}

void set_mtime(const std::string& path, int64_t ns) {
  struct timespec times[2] = {{0, UTIME_OMIT}, {static_cast<time_t>(ns / kSecond), static_cast<long>(ns % kSecond)}};
  ASSERT_EQ(::utimensat(AT_FDCWD, path.c_str(), times, 0), 0);
}

StatRecord record(uint64_t ino, int64_t mtime, int64_t ctime, uint8_t tag) {
  StatRecord r;
  r.dev = 7;
  r.ino = ino;
  r.size = 100 + ino;
  r.mtime_ns = mtime;
  r.ctime_ns = ctime;
  r.content.bytes[0] = tag;
  return r;
}

TEST(StatCache, RoundTripAndExactMatchOnly) {
  testing::TempDir dir;
  std::string path = dir.file("cache");
  store::Hash tree;
  tree.bytes[5] = 9;
  int64_t old = 1'000 * kSecond;
  std::vector<StatRecord> records = {record(3, old, old, 3), record(1, old, old, 1), record(2, old + 5, old + 7, 2)};
  records[1].xattrs = {{"user.a", std::string("x\0y", 3)}, {"user.b", ""}};
  ASSERT_TRUE(StatCache::write(path, tree, records));
  StatCache cache = StatCache::load(path);
  EXPECT_TRUE(cache.problem().empty()) << cache.problem();
  EXPECT_EQ(cache.size(), 3u);
  EXPECT_EQ(cache.tree(), tree);
  for (const StatRecord& r : records) {
    auto hit = cache.lookup(stat_of(r));
    ASSERT_TRUE(hit.found);
    EXPECT_TRUE(hit.content_trusted);
    EXPECT_TRUE(hit.xattrs_trusted);
    EXPECT_EQ(hit.content, r.content);
    Xattrs xattrs;
    ASSERT_TRUE(cache.xattrs(stat_of(r), xattrs));
    EXPECT_EQ(xattrs, r.xattrs);
  }
  // Any difference in size, mtime or ctime, or an unknown inode, is a miss.
  for (auto change : {+[](struct stat& s) { s.st_size += 1; }, +[](struct stat& s) { s.st_mtim.tv_nsec += 1; },
                      +[](struct stat& s) { s.st_ctim.tv_sec += 1; }, +[](struct stat& s) { s.st_ino = 99; },
                      +[](struct stat& s) { s.st_dev = 8; }}) {
    struct stat st = stat_of(records[0]);
    change(st);
    EXPECT_FALSE(cache.lookup(st).found);
  }
}

TEST(StatCache, RacilyCleanEntriesAreNotTrusted) {
  testing::TempDir dir;
  std::string path = dir.file("cache");
  int64_t written = 2'000 * kSecond + 300'000'000;  // the cache file's mtime: 2000.3 s
  std::vector<StatRecord> records = {
      record(1, 1'999 * kSecond, 1'999 * kSecond, 1),                 // older than the second of the write
      record(2, 2'000 * kSecond + 100, 1'999 * kSecond, 2),           // mtime in the same second: content racy
      record(3, 1'999 * kSecond, 2'000 * kSecond + 299'000'000, 3),   // ctime in the same second: xattrs racy
      record(4, written + kSecond, written + kSecond, 4),             // newer than the cache
  };
  ASSERT_TRUE(StatCache::write(path, {}, records));
  set_mtime(path, written);
  StatCache cache = StatCache::load(path);
  ASSERT_EQ(cache.written_ns(), written);
  auto hit = [&](int i) { return cache.lookup(stat_of(records[i])); };
  EXPECT_TRUE(hit(0).content_trusted);
  EXPECT_TRUE(hit(0).xattrs_trusted);
  EXPECT_TRUE(hit(1).found);
  EXPECT_FALSE(hit(1).content_trusted);
  EXPECT_TRUE(hit(1).xattrs_trusted);
  EXPECT_TRUE(hit(2).content_trusted);
  EXPECT_FALSE(hit(2).xattrs_trusted);
  EXPECT_FALSE(hit(3).content_trusted);
  EXPECT_FALSE(hit(3).xattrs_trusted);
}

TEST(StatCache, DamagedFilesLoadEmpty) {
  testing::TempDir dir;
  std::string path = dir.file("cache");
  EXPECT_EQ(StatCache::load(path).size(), 0u);
  EXPECT_TRUE(StatCache::load(path).problem().empty());  // missing is normal
  ASSERT_TRUE(StatCache::write(path, {}, {record(1, 5, 5, 1), record(2, 5, 5, 2)}));
  auto data = read_file(path);
  ASSERT_TRUE(data);
  for (size_t at : {size_t(0), size_t(9), size_t(60), data->size() - 1}) {
    std::string bad = *data;
    bad[at] ^= 0x20;
    ASSERT_TRUE(write_file_atomically(path, bad));
    StatCache cache = StatCache::load(path);
    EXPECT_EQ(cache.size(), 0u) << at;
    EXPECT_FALSE(cache.problem().empty()) << at;
  }
  ASSERT_TRUE(write_file_atomically(path, data->substr(0, data->size() - 3)));
  EXPECT_EQ(StatCache::load(path).size(), 0u);
}

TEST(StatCache, DuplicateInodesKeepOne) {
  testing::TempDir dir;
  std::string path = dir.file("cache");
  ASSERT_TRUE(StatCache::write(path, {}, {record(1, 5, 5, 1), record(1, 5, 5, 1), record(0, 5, 5, 0)}));
  EXPECT_EQ(StatCache::load(path).size(), 2u);
}

}  // namespace
}  // namespace herd::track
