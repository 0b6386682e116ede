// A fresh store in a temporary folder, and helpers the store tests share.
#pragma once

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <random>
#include <string>

#include "store/object_store.h"
#include "store/refs.h"
#include "temp_dir.h"
#include "util/atomic_file.h"

namespace herd::store::testing {

// The value of a Result a test cannot go on without.
template <typename T>
T must(Result<T> result) {
  if (!result) {
    ADD_FAILURE() << result.error().message;
    std::abort();
  }
  return std::move(result).value();
}

inline std::string random_bytes(size_t size, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::string out(size, '\0');
  for (size_t i = 0; i < size; i += 8) {
    uint64_t v = rng();
    for (size_t j = 0; j < 8 && i + j < size; ++j) out[i + j] = static_cast<char>(v >> (8 * j));
  }
  return out;
}

// Text that compresses (zstd picks it), unlike random_bytes.
inline std::string text_bytes(size_t size, uint64_t seed) {
  std::mt19937_64 rng(seed);
  static const char* words[] = {"node", "rack", "compute", "=", "yes", "no", "# comment", "10.1.2.3", "\n"};
  std::string out;
  while (out.size() < size) out += std::string(words[rng() % 9]) + " ";
  out.resize(size);
  return out;
}

// Sets a file's mtime `seconds` into the past (gc's notion of age).
inline void age_file(const std::string& path, int64_t seconds) {
  timespec times[2];
  ::clock_gettime(CLOCK_REALTIME, &times[0]);
  times[0].tv_sec -= seconds;
  times[1] = times[0];
  ASSERT_EQ(::utimensat(AT_FDCWD, path.c_str(), times, 0), 0) << path;
}

inline std::string read_raw(const std::string& path) { return must(read_file(path)); }

// Overwrites a (read-only) object file with `bytes`.
inline void write_raw(const std::string& path, const std::string& bytes) {
  ::chmod(path.c_str(), 0644);
  ASSERT_TRUE(write_file_atomically(path, bytes));
}

class StoreTest : public ::testing::Test {
 protected:
  herd::testing::TempDir dir;
  std::string root = dir.file("store");
  ObjectStore store = must(ObjectStore::init(root));
  Refs refs{root};
};

}  // namespace herd::store::testing
