// ContentPool: stores file content into the store while the walk goes on. Files are
// handed over already open (the walker opened them beneath the root with O_NOFOLLOW), so
// workers never resolve a path. Each worker thread has its own ObjectStore (an
// ObjectStore may be used by one thread only) and publishes what it staged with sync()
// in finish(), before the caller points a ref at it.
#pragma once

#include <sys/stat.h>

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "store/object_store.h"
#include "track/node.h"
#include "track/unique_fd.h"
#include "util/result.h"

namespace herd::track {

class ContentPool {
 public:
  // `store` must outlive the pool. threads <= 1: submit() stores the content itself,
  // with `store`. Otherwise up to `threads` workers start on the first submit().
  ContentPool(store::ObjectStore& store, int threads);
  ~ContentPool();
  ContentPool(const ContentPool&) = delete;
  ContentPool& operator=(const ContentPool&) = delete;

  // Stores the content of the regular file `fd` (`st` is its fstat) and then sets
  // node.entry.content and .size, node.content_known, and node.stable (false when the
  // file's size, mtime or ctime changed while it was read). `node` must stay valid and
  // untouched by the caller until finish() returns. Returns an earlier worker's error, if any.
  Status submit(UniqueFd fd, const struct stat& st, Node& node, std::string path);
  // Waits for every file, then syncs the workers' stores. Returns the first error.
  Status finish();

  uint64_t files() const { return files_; }
  uint64_t bytes() const { return bytes_; }
  uint64_t new_bytes() const { return new_bytes_; }

 private:
  struct Job {
    UniqueFd fd;
    struct stat st;
    Node* node;
    std::string path;
  };
  Status store_one(store::ObjectStore& store, Job& job);
  void work();
  void record_error(Error error);

  store::ObjectStore& store_;
  int threads_;
  std::vector<std::thread> workers_;
  std::mutex mutex_;
  std::condition_variable ready_, space_;
  std::deque<Job> queue_;
  bool closing_ = false;
  std::optional<Error> error_;
  uint64_t files_ = 0, bytes_ = 0, new_bytes_ = 0;  // guarded by mutex_ in threaded mode
};

}  // namespace herd::track
