// Content-defined chunking and file content: cut points are deterministic, bounded and
// local (an edit changes only the chunks near it); files round-trip at the sizes where
// the representation changes.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <sys/wait.h>

#include <numeric>
#include <set>

#include "store/chunks.h"
#include "store/file_content.h"
#include "store_fixture.h"

namespace herd::store::testing {
namespace {

constexpr size_t KiB = 1024;

std::vector<std::string> pieces(const std::string& data) {
  std::vector<std::string> out;
  size_t at = 0;
  for (size_t n : chunk_boundaries(data)) {
    out.push_back(data.substr(at, n));
    at += n;
  }
  return out;
}

TEST(Chunking, DeterministicAndBounded) {
  std::string data = random_bytes(3 << 20, 11);
  auto cuts = chunk_boundaries(data);
  EXPECT_EQ(cuts, chunk_boundaries(data));
  EXPECT_EQ(std::accumulate(cuts.begin(), cuts.end(), size_t{0}), data.size());
  for (size_t i = 0; i + 1 < cuts.size(); ++i) {
    EXPECT_GE(cuts[i], 4 * KiB) << i;
    EXPECT_LE(cuts[i], 64 * KiB) << i;
  }
  EXPECT_LE(cuts.back(), 64 * KiB);
  double mean = static_cast<double>(data.size()) / static_cast<double>(cuts.size());
  // docs/store-format.md: "the mean on random data is about 16.5 KiB".
  EXPECT_GT(mean, 14.5 * KiB);
  EXPECT_LT(mean, 18.5 * KiB);
  RecordProperty("mean_chunk_bytes", std::to_string(static_cast<int>(mean)));
}

TEST(Chunking, EdgeSizes) {
  EXPECT_TRUE(chunk_boundaries("").empty());
  EXPECT_EQ(chunk_boundaries("x"), std::vector<size_t>{1});
  EXPECT_EQ(chunk_boundaries(std::string(4 * KiB, 'a')), std::vector<size_t>{4 * KiB});
  // Zeros never satisfy the mask: every chunk is the maximum.
  auto zeros = chunk_boundaries(std::string(200 * KiB, '\0'));
  EXPECT_EQ(zeros, (std::vector<size_t>{64 * KiB, 64 * KiB, 64 * KiB, 8 * KiB}));
}

// Inserting bytes in the middle of a 2 MiB buffer keeps most chunks: only those around
// the edit change.
RC_GTEST_PROP(Chunking, EditsAreLocal, ()) {
  uint64_t seed = *rc::gen::arbitrary<uint64_t>();
  std::string data = random_bytes(2 << 20, seed);
  size_t at = *rc::gen::inRange<size_t>(0, data.size());
  std::string inserted = random_bytes(*rc::gen::inRange<size_t>(1, 5000), seed + 1);
  std::string edited = data.substr(0, at) + inserted + data.substr(at);

  auto before = pieces(data), after = pieces(edited);
  std::multiset<std::string> old_set(before.begin(), before.end());
  size_t kept = 0;
  for (const auto& p : after) kept += old_set.count(p) > 0;
  RC_ASSERT(after.size() >= 2u);
  // Only the chunks around the edit differ: at most 5 in 3,000 trials measured
  // (docs/store-format.md); were cuts not local, everything after the edit would change.
  RC_ASSERT(kept + 6 >= after.size());
  for (size_t i = 0; i + 1 < after.size(); ++i) RC_ASSERT(after[i].size() >= 4 * KiB && after[i].size() <= 64 * KiB);
}

class FileContent : public StoreTest {
 protected:
  StoredContent store_via_file(const std::string& data) {
    std::string path = dir.write("input", data);
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    EXPECT_GE(fd, 0);
    auto stored = must(store_file(store, fd, path));
    ::close(fd);
    return stored;
  }
};

TEST_F(FileContent, RoundTripAtTheSizesThatMatter) {
  for (size_t size : {size_t{0}, size_t{1}, 64 * KiB, 64 * KiB + 1, size_t{5} << 20}) {
    std::string data = size % 2 ? random_bytes(size, size) : text_bytes(size, size);
    auto stored = store_via_file(data);
    EXPECT_EQ(stored.size, size);
    EXPECT_EQ(stored.hash, must(store_bytes(store, data)).hash) << "store_file and store_bytes agree at " << size;
    auto type = must(store.get(stored.hash)).type;
    EXPECT_EQ(type, size <= kSingleBlobLimit ? ObjectType::blob : ObjectType::chunks) << size;
    EXPECT_EQ(must(read_content(store, stored.hash)), data) << size;
    uint64_t pieces = 0, total = 0;
    auto streamed = read_content(store, stored.hash, [&](std::string_view piece) -> Status {
      ++pieces;
      total += piece.size();
      return {};
    });
    EXPECT_EQ(must(std::move(streamed)), size);
    EXPECT_EQ(total, size);
    auto objects = must(content_objects(store, stored.hash));
    EXPECT_EQ(objects.front(), stored.hash);
    EXPECT_EQ(objects.size(), size <= kSingleBlobLimit ? 1u : pieces + 1);
  }
}

TEST_F(FileContent, HashFileNamesWhatStoreFileWouldStoreAndStoresNothing) {
  for (size_t size : {size_t{0}, size_t{100}, 64 * KiB, 64 * KiB + 1, size_t{3} << 20}) {
    std::string data = random_bytes(size, size + 5);
    std::string path = dir.write("hashed", data);
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    ASSERT_GE(fd, 0);
    auto hashed = must(hash_file(fd, path));
    ::close(fd);
    EXPECT_EQ(hashed.size, size);
    EXPECT_EQ(hashed.new_bytes, 0u);
    EXPECT_FALSE(store.has(hashed.hash)) << "hash_file stored " << size;
    EXPECT_EQ(hashed.hash, must(store_bytes(store, data)).hash) << size;
  }
}

TEST_F(FileContent, ContentEqualsFdTellsEveryKindOfDifference) {
  std::string data = random_bytes(300 * KiB, 31);  // several chunks, several reads
  Hash hash = must(store_bytes(store, data)).hash;
  auto compare = [&](const std::string& live) {
    std::string path = dir.write("live", live);
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    EXPECT_GE(fd, 0);
    auto same = must(content_equals_fd(store, hash, fd, path));
    ::close(fd);
    return same;
  };
  EXPECT_TRUE(compare(data));
  std::string changed = data;
  changed[200 * KiB] ^= 1;
  EXPECT_FALSE(compare(changed));
  EXPECT_FALSE(compare(data.substr(0, data.size() - 1)));
  EXPECT_FALSE(compare(data + "x"));
  EXPECT_FALSE(compare(""));

  Hash missing = object_hash(ObjectType::blob, "never stored");
  std::string path = dir.write("small", "never stored");
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  auto error = content_equals_fd(store, missing, fd, path);
  ::close(fd);
  ASSERT_FALSE(error);
  EXPECT_NE(error.error().message.find(missing.hex()), std::string::npos) << error.error().message;
}

TEST_F(FileContent, NewBytesCountOnlyWhatWasMissing) {
  std::string data = random_bytes(1 << 20, 21);
  auto first = store_via_file(data);
  EXPECT_GE(first.new_bytes, data.size());  // every chunk, plus the chunk list
  auto second = store_via_file(data);
  EXPECT_EQ(second.hash, first.hash);
  EXPECT_EQ(second.new_bytes, 0u);
  std::string edited = data;
  edited[500000] ^= 1;
  auto third = store_via_file(edited);
  EXPECT_NE(third.hash, first.hash);
  EXPECT_LT(third.new_bytes, 200 * KiB) << "one changed chunk (and the list) is new";
}

TEST_F(FileContent, ReadsFromTheCurrentOffsetAndFromPipes) {
  std::string data = text_bytes(300 * KiB, 22);
  std::string path = dir.write("input", data);
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  ASSERT_EQ(::lseek(fd, 1000, SEEK_SET), 1000);
  auto stored = must(store_file(store, fd, path));
  ::close(fd);
  EXPECT_EQ(must(read_content(store, stored.hash)), data.substr(1000));

  int pipe_fds[2];
  ASSERT_EQ(::pipe(pipe_fds), 0);
  pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    ::close(pipe_fds[0]);
    for (size_t at = 0; at < data.size(); at += 777)  // small, uneven writes
      if (::write(pipe_fds[1], data.data() + at, std::min<size_t>(777, data.size() - at)) < 0) ::_exit(1);
    ::_exit(0);
  }
  ::close(pipe_fds[1]);
  auto piped = must(store_file(store, pipe_fds[0], "pipe"));
  ::close(pipe_fds[0]);
  int status = 0;
  ::waitpid(child, &status, 0);
  EXPECT_EQ(piped.hash, must(store_bytes(store, data)).hash);
}

TEST_F(FileContent, ReadErrorsNameTheFile) {
  int fd = ::open(dir.path().c_str(), O_RDONLY | O_DIRECTORY);
  auto stored = store_file(store, fd, "/some/folder");
  ::close(fd);
  ASSERT_FALSE(stored);
  EXPECT_NE(stored.error().message.find("/some/folder"), std::string::npos) << stored.error().message;
}

TEST_F(FileContent, ReadContentChecksChunkSizesAndTypes) {
  Hash blob = must(store.put(ObjectType::blob, "abc"));
  Hash lying = must(store.put(ObjectType::chunks, encode_chunks({{blob, 4}})));
  auto got = read_content(store, lying);
  ASSERT_FALSE(got);
  EXPECT_NE(got.error().message.find(lying.hex()), std::string::npos) << got.error().message;
  Hash tree = must(store.put(ObjectType::tree, "x"));
  EXPECT_FALSE(read_content(store, tree));
}

TEST(ChunksCodec, RoundTripAndRejections) {
  std::vector<Chunk> chunks{{sha256("a"), 5}, {sha256("b"), 70000}};
  std::string bytes = encode_chunks(chunks);
  auto decoded = must(decode_chunks(bytes, "chunks x"));
  ASSERT_EQ(decoded.size(), 2u);
  EXPECT_EQ(decoded[1].hash, sha256("b"));
  EXPECT_EQ(decoded[1].size, 70000u);

  auto rejects = [](const std::string& bytes, const std::string& why) {
    auto d = decode_chunks(bytes, "chunks x");
    ASSERT_FALSE(d) << why;
    EXPECT_EQ(d.error().kind, ErrorKind::bad_input);
    EXPECT_EQ(d.error().message.rfind("chunks x: ", 0), 0u) << d.error().message;
  };
  for (size_t n = 0; n < bytes.size(); ++n) rejects(bytes.substr(0, n), "truncated");
  rejects(bytes + "x", "trailing byte");
  rejects("\x02" + bytes.substr(1), "version 2");
  rejects(encode_chunks({}), "no chunks");
  rejects(encode_chunks({{sha256("a"), 0}}), "zero size");
  std::string wrong_total = bytes;
  wrong_total[1] ^= 1;
  rejects(wrong_total, "total");
}

}  // namespace
}  // namespace herd::store::testing
