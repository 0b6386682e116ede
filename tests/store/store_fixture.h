// A fresh store in a temporary folder, and helpers the store tests share.
#pragma once

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <string>

#include "store/object_file.h"
#include "store/object_store.h"
#include "store/pack_set.h"
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

// Every file under `folder` (recursively) whose name ends with `suffix`.
inline std::vector<std::string> files_ending(const std::string& folder, const std::string& suffix) {
  std::vector<std::string> out;
  std::error_code ec;
  for (auto it = std::filesystem::recursive_directory_iterator(folder, ec); it != std::filesystem::recursive_directory_iterator(); ++it)
    if (it->is_regular_file() && it->path().string().ends_with(suffix)) out.push_back(it->path().string());
  std::sort(out.begin(), out.end());
  return out;
}

// Sets the mtime of every published object file and pack `seconds` into the past.
inline void age_objects(const std::string& root, int64_t seconds) {
  for (const auto& path : files_ending(root + "/objects", "")) age_file(path, seconds);
}

// Where a published object lives in its pack, as a fresh reader finds it.
struct Packed {
  std::string pack_path, index_path;
  uint64_t offset = 0, length = 0;
};
inline Packed packed_location(const std::string& root, const Hash& h) {
  ObjectStore fresh = must(ObjectStore::open(root));
  fresh.pack_set().rescan(true);
  auto copies = fresh.pack_set().find_all(h);
  if (copies.empty()) {
    ADD_FAILURE() << "object " << h.hex() << " is in no pack";
    return {};
  }
  const auto& c = copies.front();
  return Packed{c.pack->pack_path, c.pack->index_path, c.entry.offset, c.entry.length};
}

// Writes an object as a loose (format 1) file, as a herd before packs did.
inline void put_loose(const std::string& root, ObjectType type, const std::string& payload) {
  Hash h = object_hash(type, payload);
  EncodedObject e = encode_object_file(type, payload);
  std::string hex = h.hex();
  std::string folder = root + "/objects/" + hex.substr(0, 2);
  std::filesystem::create_directories(folder);
  ASSERT_TRUE(write_file_atomically(folder + "/" + hex.substr(2), std::string(e.header) + std::string(e.body), 0444));
}

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
