#include "image/import/content_writer.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <optional>
#include <thread>

namespace herd::image::import {

// The pipe and the thread running store_file on its read end. The thread reads to the
// end of the pipe even when store_file fails, so a write never meets a closed pipe.
struct ContentWriter::Streamed {
  int write_fd = -1;
  std::thread thread;
  std::optional<Result<store::StoredContent>> result;
  bool joined = false;

  Status start(store::ObjectStore& store, const std::string& what) {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) return failure("{}: pipe: {}", what, std::strerror(errno));
    write_fd = fds[1];
    int read_fd = fds[0];
    thread = std::thread([this, &store, read_fd, what] {
      result.emplace(store::store_file(store, read_fd, what));
      char sink[65536];
      while (::read(read_fd, sink, sizeof sink) > 0) {
      }
      ::close(read_fd);
    });
    return {};
  }
  void close_and_join() {
    if (write_fd >= 0) ::close(write_fd);
    write_fd = -1;
    if (!joined && thread.joinable()) thread.join();
    joined = true;
  }
  ~Streamed() { close_and_join(); }
};

ContentWriter::ContentWriter(store::ObjectStore& store, uint64_t size, std::string what)
    : store_(store), what_(std::move(what)) {
  if (size > kInMemory) streamed_ = std::make_unique<Streamed>();
  else buffer_.reserve(size);
}

ContentWriter::~ContentWriter() = default;

Status ContentWriter::add(std::string_view piece) {
  if (!streamed_) {
    if (buffer_.size() + piece.size() <= kInMemory) {
      buffer_.append(piece);
      return {};
    }
    // More than the archive said: stream after all.
    streamed_ = std::make_unique<Streamed>();
  }
  if (streamed_->write_fd < 0 && !streamed_->joined) {
    HERD_CHECK(streamed_->start(store_, what_));
    std::string pending = std::move(buffer_);
    buffer_.clear();
    if (!pending.empty()) HERD_CHECK(add(pending));
  }
  while (!piece.empty()) {
    ssize_t n = ::write(streamed_->write_fd, piece.data(), piece.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return failure("{}: write to the store's pipe: {}", what_, std::strerror(errno));
    }
    piece.remove_prefix(static_cast<size_t>(n));
  }
  return {};
}

Status ContentWriter::add_zeros(uint64_t count) {
  static const std::string zeros(65536, '\0');
  while (count > 0) {
    size_t n = static_cast<size_t>(std::min<uint64_t>(count, zeros.size()));
    HERD_CHECK(add(std::string_view(zeros.data(), n)));
    count -= n;
  }
  return {};
}

Result<store::StoredContent> ContentWriter::finish() {
  if (!streamed_) return store::store_bytes(store_, buffer_);
  if (streamed_->write_fd < 0 && !streamed_->joined) HERD_CHECK(streamed_->start(store_, what_));
  streamed_->close_and_join();
  return std::move(*streamed_->result);
}

}  // namespace herd::image::import
