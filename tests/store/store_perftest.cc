// store_perftest: how fast store_file() takes in content, on the shapes that matter
// (not a ctest test; run by hand). Prints MB/s for: one large random file, one large
// text file, many small text files, and the same files again (all deduplicated), each
// followed by sync(). With --tree, stores every regular file below DIR instead (e.g. the
// data set of bench/track/make-data.py), twice.
//
//   build/tests/store/store_perftest [SCRATCH_DIR] [LARGE_MIB] [SMALL_FILES]
//   build/tests/store/store_perftest --tree DIR [SCRATCH_DIR [THREADS]]
#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <random>
#include <string>
#include <thread>

#include "store/file_content.h"
#include "store/object_store.h"
#include "util/atomic_file.h"

namespace {

using Clock = std::chrono::steady_clock;
using herd::store::ObjectStore;

double seconds_since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

// CPU seconds of this process so far: user, system.
std::pair<double, double> cpu() {
  rusage u{};
  ::getrusage(RUSAGE_SELF, &u);
  auto s = [](const timeval& t) { return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6; };
  return {s(u.ru_utime), s(u.ru_stime)};
}

std::string random_bytes(size_t size, std::mt19937_64& rng) {
  std::string out(size, '\0');
  for (size_t i = 0; i + 8 <= size; i += 8) {
    uint64_t v = rng();
    __builtin_memcpy(out.data() + i, &v, 8);
  }
  return out;
}

std::string text_bytes(size_t size, std::mt19937_64& rng) {
  static const char* words[] = {"alpha", "node", "compute", "rack", "= yes", "# comment", "10.1.2.3", "slurm", "\n"};
  std::string out;
  out.reserve(size + 16);
  while (out.size() < size) {
    out += words[rng() % 9];
    out += ' ';
    if (rng() % 7 == 0) out += std::to_string(rng() % 100000);
  }
  out.resize(size);
  return out;
}

void write(const std::string& path, const std::string& data) {
  if (!herd::write_file_atomically(path, data)) std::exit(1);
}

// Stores every file in `paths` and syncs; prints the rate.
void run(const char* label, ObjectStore& store, const std::vector<std::string>& paths, uint64_t bytes) {
  auto start = Clock::now();
  auto cpu_start = cpu();
  uint64_t new_bytes = 0;
  for (const auto& path : paths) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    auto stored = herd::store::store_file(store, fd, path);
    ::close(fd);
    if (!stored) {
      std::fprintf(stderr, "%s\n", stored.error().message.c_str());
      std::exit(1);
    }
    new_bytes += stored->new_bytes;
  }
  double store_s = seconds_since(start);
  auto sync_start = Clock::now();
  if (!store.sync()) std::exit(1);
  double sync_s = seconds_since(sync_start);
  double mb = static_cast<double>(bytes) / 1e6;
  auto cpu_end = cpu();
  std::printf("%-34s %6zu files %8.1f MB: store %6.2f s = %7.1f MB/s; sync %5.2f s; with sync %7.1f MB/s; new %.1f MB"
              " (cpu: user %.2f s, system %.2f s)\n",
              label, paths.size(), mb, store_s, mb / store_s, sync_s, mb / (store_s + sync_s), static_cast<double>(new_bytes) / 1e6,
              cpu_end.first - cpu_start.first, cpu_end.second - cpu_start.second);
}

}  // namespace

// Stores `paths` with `threads` threads, each with its own ObjectStore (as a caller
// should), each syncing at the end.
void run_threads(const char* label, const std::string& root, const std::vector<std::string>& paths, uint64_t bytes, int threads) {
  auto start = Clock::now();
  auto cpu_start = cpu();
  std::vector<std::thread> workers;
  std::atomic<bool> failed{false};
  for (int t = 0; t < threads; ++t)
    workers.emplace_back([&, t] {
      auto store = ObjectStore::open(root);
      if (!store) return failed.store(true);
      for (size_t i = static_cast<size_t>(t); i < paths.size(); i += static_cast<size_t>(threads)) {
        int fd = ::open(paths[i].c_str(), O_RDONLY | O_CLOEXEC);
        if (!herd::store::store_file(*store, fd, paths[i])) failed = true;
        ::close(fd);
      }
      if (!store->sync()) failed = true;
    });
  for (auto& w : workers) w.join();
  if (failed) std::exit(1);
  double s = seconds_since(start), mb = static_cast<double>(bytes) / 1e6;
  auto cpu_end = cpu();
  std::printf("%-34s %6zu files %8.1f MB: %d threads, with sync %6.2f s = %7.1f MB/s (cpu: user %.2f s, system %.2f s)\n", label,
              paths.size(), mb, threads, s, mb / s, cpu_end.first - cpu_start.first, cpu_end.second - cpu_start.second);
}

int store_tree(const std::string& tree, const std::string& scratch, int threads) {
  std::vector<std::string> paths;
  uint64_t bytes = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(tree))
    if (entry.is_regular_file() && !entry.is_symlink()) {
      paths.push_back(entry.path().string());
      bytes += entry.file_size();
    }
  std::filesystem::remove_all(scratch);
  auto store = ObjectStore::init(scratch);
  if (!store) return 1;
  if (threads > 1) {
    run_threads("tree", scratch, paths, bytes, threads);
    run_threads("tree again (dedup)", scratch, paths, bytes, threads);
  } else {
    run("tree", *store, paths, bytes);
    run("tree again (dedup)", *store, paths, bytes);
  }
  std::filesystem::remove_all(scratch);
  return 0;
}

int main(int argc, char** argv) {
  if (argc > 2 && std::string(argv[1]) == "--tree")
    return store_tree(argv[2], argc > 3 ? argv[3] : "/var/tmp/herd-store-perftest", argc > 4 ? std::stoi(argv[4]) : 1);
  std::string scratch = argc > 1 ? argv[1] : "/var/tmp/herd-store-perftest";
  size_t large_mib = argc > 2 ? std::stoul(argv[2]) : 512;
  size_t small_files = argc > 3 ? std::stoul(argv[3]) : 20000;
  std::filesystem::remove_all(scratch);
  std::filesystem::create_directories(scratch + "/in");
  std::mt19937_64 rng(42);

  std::string big_random = scratch + "/in/random.bin", big_text = scratch + "/in/text.log";
  write(big_random, random_bytes(large_mib << 20, rng));
  write(big_text, text_bytes(large_mib << 20, rng));
  std::vector<std::string> small;
  uint64_t small_bytes = 0;
  std::filesystem::create_directories(scratch + "/in/small");
  for (size_t i = 0; i < small_files; ++i) {
    size_t size = 512 + rng() % (18 * 1024 - 512);
    small.push_back(scratch + "/in/small/" + std::to_string(i) + ".conf");
    write(small.back(), text_bytes(size, rng));
    small_bytes += size;
  }
  ::sync();  // the inputs' write-back must not land in the measured syncs

  auto store = ObjectStore::init(scratch + "/store");
  if (!store) return 1;
  run("large random file", *store, {big_random}, large_mib << 20);
  run("large text file", *store, {big_text}, large_mib << 20);
  run("small text files (512 B - 18 KiB)", *store, small, small_bytes);
  run("small text files again (dedup)", *store, small, small_bytes);
  run("large random file again (dedup)", *store, {big_random}, large_mib << 20);
  std::filesystem::remove_all(scratch);
  return 0;
}
