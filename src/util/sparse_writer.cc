#include "util/sparse_writer.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace herd {
namespace {

// Data is written in runs of at most this much.
constexpr size_t kRunLimit = 1 << 20;
// What follows in a piece that makes it worth writing the pending run at a block boundary
// so the rest is written without a copy.
constexpr size_t kDirectWrite = 16 * kSparseBlock;

Status pwrite_all(int fd, const char* data, size_t size, uint64_t offset, const std::string& what) {
  while (size > 0) {
    ssize_t n = ::pwrite(fd, data, size, static_cast<off_t>(offset));
    if (n < 0) {
      if (errno == EINTR) continue;
      return failure("{}: write: {}", what, std::strerror(errno));
    }
    data += n;
    size -= static_cast<size_t>(n);
    offset += static_cast<uint64_t>(n);
  }
  return {};
}

}  // namespace

bool all_zero(std::string_view data) {
  if (data.empty()) return true;
  return data[0] == 0 && std::memcmp(data.data(), data.data() + 1, data.size() - 1) == 0;
}

// Invariant: offset_ + pending_.size() is where the next byte goes; pending_ holds bytes of
// blocks that are not all zero (written when a run ends or grows large), plus at most one
// incomplete block at its end.
Status SparseWriter::write(std::string_view piece) {
  while (!piece.empty()) {
    // At a block boundary with nothing pending: whole data blocks go to the file straight
    // from `piece` (no copy into pending_), whole zero blocks are holes.
    if (pending_.empty() && offset_ % kSparseBlock == 0 && piece.size() >= kSparseBlock) {
      size_t run = 0;
      while (run < kRunLimit && piece.size() - run >= kSparseBlock && !all_zero(piece.substr(run, kSparseBlock)))
        run += kSparseBlock;
      if (run > 0) {
        HERD_CHECK(pwrite_all(fd_, piece.data(), run, offset_, what_));
        offset_ += run;
        written_end_ = offset_;
      } else {
        run = kSparseBlock;
        offset_ += kSparseBlock;
        holes_ += kSparseBlock;
      }
      piece.remove_prefix(run);
      continue;
    }
    uint64_t at = offset_ + pending_.size();
    size_t in_block = static_cast<size_t>(at % kSparseBlock);
    size_t take = std::min(piece.size(), kSparseBlock - in_block);
    if (in_block == 0 && take == kSparseBlock && all_zero(piece.substr(0, take))) {
      // A whole zero block: a hole. What is pending before it is written first.
      HERD_CHECK(flush_pending());
      offset_ += kSparseBlock;
      holes_ += kSparseBlock;
    } else {
      pending_.append(piece.data(), take);
      // A completed block that turns out to be zero (it arrived in pieces) is a hole too.
      if ((at + take) % kSparseBlock == 0 && pending_.size() >= kSparseBlock &&
          all_zero(std::string_view(pending_).substr(pending_.size() - kSparseBlock))) {
        pending_.resize(pending_.size() - kSparseBlock);
        HERD_CHECK(flush_pending());
        offset_ += kSparseBlock;
        holes_ += kSparseBlock;
      } else if ((at + take) % kSparseBlock == 0 &&
                 (pending_.size() >= kRunLimit || piece.size() - take >= kDirectWrite)) {
        // A run ends at a block boundary: written now when large, or when enough of
        // `piece` follows to go straight to the file (the path above).
        HERD_CHECK(flush_pending());
      }
    }
    piece.remove_prefix(take);
  }
  return {};
}

Status SparseWriter::flush_pending() {
  if (pending_.empty()) return {};
  HERD_CHECK(pwrite_all(fd_, pending_.data(), pending_.size(), offset_, what_));
  offset_ += pending_.size();
  written_end_ = offset_;
  pending_.clear();
  return {};
}

Status SparseWriter::finish() {
  HERD_CHECK(flush_pending());
  // The file was empty: its size is already right unless it ends in a hole.
  if (written_end_ != offset_ && ::ftruncate(fd_, static_cast<off_t>(offset_)) != 0)
    return failure("{}: set size: {}", what_, std::strerror(errno));
  return {};
}

}  // namespace herd
