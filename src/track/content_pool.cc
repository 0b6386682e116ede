#include "track/content_pool.h"

#include "store/file_content.h"
#include "track/walker.h"

namespace herd::track {
namespace {

// Jobs waiting at most: each holds an open file, so this bounds the fds in flight.
constexpr size_t kQueueLimit = 64;

}  // namespace

ContentPool::ContentPool(store::ObjectStore& store, int threads) : store_(store), threads_(threads) {}

ContentPool::~ContentPool() {
  {
    std::lock_guard lock(mutex_);
    closing_ = true;
  }
  ready_.notify_all();
  for (auto& t : workers_) t.join();
}

Status ContentPool::store_one(store::ObjectStore& store, Job& job) {
  auto stored = store::store_file(store, job.fd.get(), job.path);
  if (!stored) return stored.error();
  struct stat after {};
  bool stable = ::fstat(job.fd.get(), &after) == 0 && after.st_size == job.st.st_size &&
                timespec_ns(after.st_mtim) == timespec_ns(job.st.st_mtim) && timespec_ns(after.st_ctim) == timespec_ns(job.st.st_ctim) &&
                stored->size == static_cast<uint64_t>(job.st.st_size);
  job.fd.reset();
  Node& node = *job.node;
  node.entry.content = stored->hash;
  node.entry.size = stored->size;
  node.content_known = true;
  node.stable = stable;
  if (threads_ > 1) {
    std::lock_guard lock(mutex_);
    ++files_;
    bytes_ += stored->size;
    new_bytes_ += stored->new_bytes;
  } else {
    ++files_;
    bytes_ += stored->size;
    new_bytes_ += stored->new_bytes;
  }
  return {};
}

void ContentPool::record_error(Error error) {
  std::lock_guard lock(mutex_);
  if (!error_) error_ = std::move(error);
}

void ContentPool::work() {
  auto opened = store::ObjectStore::open(store_.root());
  if (!opened) record_error(opened.error());
  for (;;) {
    Job job;
    {
      std::unique_lock lock(mutex_);
      ready_.wait(lock, [&] { return closing_ || !queue_.empty(); });
      if (queue_.empty()) break;
      job = std::move(queue_.front());
      queue_.pop_front();
    }
    space_.notify_one();
    bool failed;
    {
      std::lock_guard lock(mutex_);
      failed = error_.has_value();
    }
    if (failed) continue;  // drain: the fd closes with the job
    if (auto s = store_one(*opened, job); !s) record_error(s.error());
  }
  bool failed;
  {
    std::lock_guard lock(mutex_);
    failed = error_.has_value();
  }
  if (!failed && opened)
    if (auto s = opened->sync(); !s) record_error(s.error());
}

Status ContentPool::submit(UniqueFd fd, const struct stat& st, Node& node, std::string path) {
  Job job{std::move(fd), st, &node, std::move(path)};
  if (threads_ <= 1) return store_one(store_, job);
  std::unique_lock lock(mutex_);
  if (error_) return *error_;
  if (workers_.empty())
    for (int i = 0; i < threads_; ++i) workers_.emplace_back([this] { work(); });
  space_.wait(lock, [&] { return queue_.size() < kQueueLimit || error_.has_value(); });
  if (error_) return *error_;
  queue_.push_back(std::move(job));
  lock.unlock();
  ready_.notify_one();
  return {};
}

Status ContentPool::finish() {
  {
    std::lock_guard lock(mutex_);
    closing_ = true;
  }
  ready_.notify_all();
  for (auto& t : workers_) t.join();
  workers_.clear();
  if (error_) return *error_;
  return {};
}

}  // namespace herd::track
