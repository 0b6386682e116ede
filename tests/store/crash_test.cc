// Crashes: a writer killed with SIGKILL at any moment leaves a store that passes fsck,
// with every reported ref update intact; a power cut before sync() (simulated by tearing
// the unsynced files) leaves nothing torn under objects/, so a later put() rewrites it.
#include <signal.h>
#include <sys/wait.h>

#include <filesystem>

#include "graph_fixture.h"
#include "store/fsck.h"
#include "store/gc.h"

namespace herd::store::testing {
namespace {

// The child's loop: store a few files (some repeated, some large), commit a snapshot on
// top of the ref's current value, report the iteration on `report_fd`, and leave a few
// objects staged but never synced. Runs until killed.
[[noreturn]] void checkpoint_forever(const std::string& root, int report_fd, uint64_t seed) {
  auto opened = ObjectStore::open(root);
  if (!opened) ::_exit(2);
  ObjectStore store = std::move(*opened);
  Refs refs(root);
  std::mt19937_64 rng(seed);
  for (uint64_t i = 0;; ++i) {
    Tree tree;
    for (int f = 0; f < 6; ++f) {
      size_t size = rng() % (150 * 1024);
      std::string data = f == 0 ? text_bytes(size, rng() % 4) : random_bytes(size, rng());
      auto stored = store_bytes(store, data);
      if (!stored) ::_exit(3);
      tree.entries.push_back(file_entry("f" + std::to_string(f), *stored));
    }
    auto current = refs.read("crash/writer");
    if (!current) ::_exit(4);
    auto tree_hash = store.put(ObjectType::tree, encode_tree(tree));
    if (!tree_hash) ::_exit(4);
    Snapshot s;
    s.tree = *tree_hash;
    if (*current) s.parents.push_back(**current);
    s.time_ns = static_cast<int64_t>(i);
    auto snap = store.put(ObjectType::snapshot, encode_snapshot(s));
    if (!snap || !store.sync() || !refs.compare_and_swap("crash/writer", *current, *snap)) ::_exit(5);
    std::string line = snap->hex() + "\n";
    if (::write(report_fd, line.data(), line.size()) != static_cast<ssize_t>(line.size())) ::_exit(6);
    for (int g = 0; g < 3; ++g)
      if (!store.put(ObjectType::blob, random_bytes(rng() % 70000, rng()))) ::_exit(7);
  }
}

// Reads `lines` lines from fd, then everything already written once the writer is dead.
std::vector<std::string> read_lines(int fd, size_t lines) {
  std::string text, buffer(4096, '\0');
  while (static_cast<size_t>(std::count(text.begin(), text.end(), '\n')) < lines) {
    ssize_t n = ::read(fd, buffer.data(), buffer.size());
    if (n <= 0) break;
    text.append(buffer.data(), static_cast<size_t>(n));
  }
  std::vector<std::string> out;
  for (size_t start = 0, end; (end = text.find('\n', start)) != std::string::npos; start = end + 1)
    out.push_back(text.substr(start, end - start));
  return out;
}

TEST_F(StoreTest, KillNineLeavesAConsistentStore) {
  std::mt19937_64 rng(20240611);
  size_t reported_total = 0;
  for (int round = 0; round < 4; ++round) {
    int fds[2];
    ASSERT_EQ(::pipe(fds), 0);
    pid_t child = ::fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
      ::close(fds[0]);
      checkpoint_forever(root, fds[1], rng());
    }
    ::close(fds[1]);
    size_t wanted = 1 + rng() % 6;
    auto reported = read_lines(fds[0], wanted);
    ::kill(child, SIGKILL);
    int status = 0;
    ASSERT_EQ(::waitpid(child, &status, 0), child);
    ASSERT_TRUE(WIFSIGNALED(status)) << "the writer stopped by itself, status " << status;
    for (auto& late : read_lines(fds[0], SIZE_MAX)) reported.push_back(late);
    ::close(fds[0]);
    ASSERT_GE(reported.size(), wanted);
    reported_total += reported.size();

    // Every reported snapshot is on the ref's history; the ref is the last one reported
    // or the one the writer committed right after.
    auto head = must(refs.read("crash/writer"));
    ASSERT_TRUE(head);
    auto report = must(fsck(store, refs));
    EXPECT_TRUE(report.ok()) << ::testing::PrintToString(report.problems);
    EXPECT_TRUE(report.garbage.empty()) << "a kill never leaves a torn object under objects/: "
                                        << ::testing::PrintToString(report.garbage);
    size_t history = 0;
    std::optional<Hash> at = *head;
    std::set<std::string> chain;
    while (at) {
      chain.insert(at->hex());
      ++history;
      auto s = must(decode_snapshot(must(store.get(*at, ObjectType::snapshot)), "snapshot"));
      at = s.parents.empty() ? std::nullopt : std::optional<Hash>(s.parents[0]);
    }
    for (const auto& hex : reported) EXPECT_TRUE(chain.count(hex)) << "reported but not on the ref's history: " << hex;
    EXPECT_GE(history, reported_total);
  }

  // The killed writers' staged files are gc's to remove; afterwards nothing is left over.
  GcOptions options;
  options.grace_seconds = 0;
  auto collected = must(gc(store, refs, options));
  EXPECT_GT(collected.reachable, 0u);
  auto after = must(fsck(store, refs));
  EXPECT_TRUE(after.ok()) << ::testing::PrintToString(after.problems);
  EXPECT_EQ(after.temp_files, 0u);
  EXPECT_EQ(after.reachable, after.objects);
}

TEST_F(StoreTest, PowerCutBeforeSyncTearsOnlyStagedFiles) {
  std::vector<std::string> contents;
  for (int i = 0; i < 20; ++i) contents.push_back(random_bytes(1000 + static_cast<size_t>(i) * 3000, 100 + static_cast<uint64_t>(i)));
  pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    auto writer = ObjectStore::open(root);
    if (!writer) ::_exit(2);
    for (const auto& c : contents)
      if (!writer->put(ObjectType::blob, c)) ::_exit(3);
    ::_exit(0);  // no sync(), no destructor: like a machine that stopped here
  }
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);

  // The unsynced data is lost: tear every staged file (the writer's staging pack).
  size_t torn = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(root + "/tmp"))
    if (entry.is_regular_file()) {
      std::filesystem::resize_file(entry.path(), entry.file_size() / 3);
      ++torn;
    }
  EXPECT_EQ(torn, 1u);
  EXPECT_TRUE(must(store.list()).empty()) << "nothing was published";

  // So a new writer stores every object again instead of trusting a torn file.
  for (const auto& c : contents) EXPECT_TRUE(must(store.insert(ObjectType::blob, c)).added);
  ASSERT_TRUE(store.sync());
  for (const auto& c : contents) EXPECT_EQ(must(store.get(object_hash(ObjectType::blob, c), ObjectType::blob)), c);
  auto report = must(fsck(store, refs));
  EXPECT_TRUE(report.ok());
  EXPECT_EQ(report.temp_files, 1u);
}

// A writer killed at each step of publishing a pack (pack_writer.h): before the pack's
// rename (pack and index in tmp/), between the renames (a pack without index under
// objects/packs/), after both. Earlier objects stay intact, fsck passes, and gc removes
// the leftovers once they are old.
TEST_F(StoreTest, KilledWhilePublishingAPack) {
  auto earlier = build_snapshot(store, refs, "images/base", 21);
  for (int step = 0; step < 3; ++step) {
    pid_t child = ::fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
      auto writer = ObjectStore::open(root);
      if (!writer) ::_exit(2);
      for (int i = 0; i < 30; ++i)
        if (!writer->put(ObjectType::blob, random_bytes(3000, 1000 + static_cast<uint64_t>(step * 100 + i)))) ::_exit(3);
      if (step > 0 && !writer->sync()) ::_exit(4);
      ::kill(::getpid(), SIGKILL);
      ::_exit(5);
    }
    int status = 0;
    ASSERT_EQ(::waitpid(child, &status, 0), child);
    ASSERT_TRUE(WIFSIGNALED(status)) << "step " << step << ": status " << status;
    if (step == 1) {  // undo the index rename: the pack was renamed, its index not yet
      Hash one = object_hash(ObjectType::blob, random_bytes(3000, 1100));
      std::string index = packed_location(root, one).index_path;
      ASSERT_EQ(::unlink(index.c_str()), 0);
    }
    ObjectStore fresh = must(ObjectStore::open(root));
    for (const Hash& h : earlier.file_contents) EXPECT_TRUE(fresh.get(h)) << "step " << step;
    EXPECT_EQ(fresh.has(object_hash(ObjectType::blob, random_bytes(3000, 1000 + static_cast<uint64_t>(step * 100)))), step == 2)
        << "step " << step;
    auto report = must(fsck(store, refs));
    EXPECT_TRUE(report.ok()) << "step " << step << ": " << ::testing::PrintToString(report.problems);
    EXPECT_TRUE(report.garbage.empty()) << ::testing::PrintToString(report.garbage);
  }
  EXPECT_EQ(files_ending(root + "/objects/packs", ".pack").size(), files_ending(root + "/objects/packs", ".idx").size() + 1);
  GcOptions options;
  options.grace_seconds = 0;
  ASSERT_TRUE(gc(store, refs, options));
  auto after = must(fsck(store, refs));
  EXPECT_TRUE(after.ok()) << ::testing::PrintToString(after.problems);
  EXPECT_EQ(after.temp_files, 0u);
  EXPECT_EQ(after.reachable, after.objects);
  EXPECT_EQ(files_ending(root + "/objects/packs", ".pack").size(), files_ending(root + "/objects/packs", ".idx").size());
}

}  // namespace
}  // namespace herd::store::testing
