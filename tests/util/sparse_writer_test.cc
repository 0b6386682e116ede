#include "util/sparse_writer.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <random>

#include "temp_dir.h"

namespace herd {
namespace {

struct Written {
  std::string bytes;
  uint64_t allocated = 0;  // bytes on disk
};

// Writes `data` through a SparseWriter in pieces of `piece` bytes and reads it back.
Written write_sparse(const testing::TempDir& dir, const std::string& data, size_t piece) {
  std::string path = dir.file("f");
  ::unlink(path.c_str());
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  EXPECT_GE(fd, 0);
  SparseWriter w(fd, path);
  for (size_t at = 0; at < data.size(); at += piece) EXPECT_TRUE(w.write(std::string_view(data).substr(at, piece)));
  EXPECT_TRUE(w.finish());
  EXPECT_EQ(w.size(), data.size());
  ::fsync(fd);
  struct stat st {};
  ::fstat(fd, &st);
  ::close(fd);
  Written out;
  out.allocated = static_cast<uint64_t>(st.st_blocks) * 512;
  auto read = read_file(path);
  EXPECT_TRUE(read);
  out.bytes = *read;
  return out;
}

TEST(SparseWriter, ASixByteFileOf64MiBTakesAlmostNothingOnDisk) {
  testing::TempDir dir;
  std::string data(64 << 20, '\0');
  data.replace(1000, 3, "abc");
  data.replace(data.size() - 3, 3, "xyz");  // the last block holds data: no hole at the end
  for (size_t piece : {size_t(1) << 20, size_t(65536), size_t(4093)}) {
    auto w = write_sparse(dir, data, piece);
    EXPECT_EQ(w.bytes, data) << piece;
    EXPECT_LE(w.allocated, 64u * 1024) << "piece " << piece;
  }
}

TEST(SparseWriter, AFileEndingInAHoleHasItsFullSize) {
  testing::TempDir dir;
  std::string data = "head" + std::string(3 * kSparseBlock + 17, '\0');
  auto w = write_sparse(dir, data, 100);
  EXPECT_EQ(w.bytes, data);
}

TEST(SparseWriter, DenseDataIsWrittenExactly) {
  testing::TempDir dir;
  std::mt19937_64 rng(7);
  std::string data(3 << 20, '\0');
  for (auto& c : data) c = static_cast<char>(rng() | 1);
  // Zero runs that are shorter than a block or not aligned stay data.
  data.replace(5000, 6000, std::string(6000, '\0'));
  for (size_t piece : {size_t(1), size_t(777), size_t(1) << 20}) {
    if (piece == 1) {
      auto w = write_sparse(dir, data.substr(0, 20000), piece);
      EXPECT_EQ(w.bytes, data.substr(0, 20000));
      continue;
    }
    auto w = write_sparse(dir, data, piece);
    EXPECT_EQ(w.bytes, data) << piece;
  }
}

TEST(SparseWriter, PiecesOfAnySizeGiveTheBytesAndEveryAlignedZeroBlockAsAHole) {
  // Pieces of uneven sizes (as chunks of a large file arrive): some are written straight
  // from the piece, some through the pending run; either way the bytes and holes are exact.
  testing::TempDir dir;
  std::mt19937_64 rng(11);
  std::string data(5 * (1 << 20) + 1234, '\0');
  for (auto& c : data) c = static_cast<char>(rng() | 1);
  size_t expected_holes = 0;
  for (size_t block = 0; block + kSparseBlock <= data.size(); block += kSparseBlock)
    if (rng() % 7 == 0) {
      data.replace(block, kSparseBlock, std::string(kSparseBlock, '\0'));
      ++expected_holes;
    }
  data.replace(70000, 100, std::string(100, '\0'));  // unaligned zeros stay data
  std::string path = dir.file("uneven");
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  ASSERT_GE(fd, 0);
  SparseWriter w(fd, path);
  for (size_t at = 0; at < data.size();) {
    size_t n = std::min<size_t>(data.size() - at, 1 + rng() % (200 * 1024));
    ASSERT_TRUE(w.write(std::string_view(data).substr(at, n)));
    at += n;
  }
  ASSERT_TRUE(w.finish());
  ::close(fd);
  EXPECT_EQ(w.hole_bytes(), expected_holes * kSparseBlock);
  auto read = read_file(path);
  ASSERT_TRUE(read);
  EXPECT_TRUE(*read == data);
}

TEST(SparseWriter, AllZeroIsRecognized) {
  EXPECT_TRUE(all_zero(""));
  EXPECT_TRUE(all_zero(std::string(9000, '\0')));
  std::string s(9000, '\0');
  s[8999] = 1;
  EXPECT_FALSE(all_zero(s));
  s[8999] = 0;
  s[0] = 1;
  EXPECT_FALSE(all_zero(s));
}

}  // namespace
}  // namespace herd
