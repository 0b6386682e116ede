#include "util/atomic_file.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>

#include "temp_dir.h"

namespace herd {

TEST(AtomicFile, WritesAndReplaces) {
  testing::TempDir dir;
  auto path = dir.file("hosts");
  ASSERT_TRUE(write_file_atomically(path, "one\n", 0640));
  EXPECT_EQ(*read_file(path), "one\n");
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0640u);
  ASSERT_EQ(::chmod(path.c_str(), 0600), 0);
  ASSERT_TRUE(write_file_atomically(path, "two\n"));
  EXPECT_EQ(*read_file(path), "two\n");
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u) << "an existing file keeps its mode";
  // No temporary file is left beside it.
  int files = 0;
  for (auto& e : std::filesystem::directory_iterator(dir.path())) files += e.is_regular_file();
  EXPECT_EQ(files, 1);
}

TEST(AtomicFile, FailsWithoutTouchingTheTargetWhenTheFolderIsMissing) {
  testing::TempDir dir;
  auto status = write_file_atomically(dir.file("missing/hosts"), "x");
  ASSERT_FALSE(status);
  EXPECT_NE(status.error().message.find("missing/hosts"), std::string::npos);
}

TEST(AtomicFile, ReadNamesTheMissingFile) {
  auto r = read_file("/nonexistent/herd/file");
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("/nonexistent/herd/file"), std::string::npos);
}

}  // namespace herd
