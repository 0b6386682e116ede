// Writing a file's bytes so that its runs of zeros become holes, as `rsync -S` and
// `cp --sparse=always` do: a file captured with holes (/var/log/lastlog, VM disk images)
// takes its real size on disk again when written back, not its apparent size.
//
// The writer works on a file opened for writing at offset 0 and empty (a new temporary
// file). Every block of kSparseBlock bytes aligned to a multiple of kSparseBlock in the
// file that is all zeros is skipped (left a hole); everything else is written with
// pwrite. finish() sets the size when the file ends in a hole, so it has the right length.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "util/result.h"

namespace herd {

inline constexpr size_t kSparseBlock = 4096;

// Whether every byte of `data` is zero.
bool all_zero(std::string_view data);

class SparseWriter {
 public:
  // `fd` must stay open until finish(); `what` names the file in errors.
  SparseWriter(int fd, std::string what) : fd_(fd), what_(std::move(what)) {}

  // Appends `piece` at the current end.
  Status write(std::string_view piece);
  // Writes what is buffered and sets the file's size to the bytes written.
  Status finish();

  uint64_t size() const { return offset_ + pending_.size(); }
  // Bytes skipped as holes so far.
  uint64_t hole_bytes() const { return holes_; }

 private:
  Status flush_pending();
  int fd_;
  std::string what_;
  uint64_t offset_ = 0;   // where pending_ starts in the file
  uint64_t written_end_ = 0;  // the end of the last pwrite (the file's size until finish)
  std::string pending_;   // bytes not yet written: less than a block, or a run of data
  uint64_t holes_ = 0;
};

}  // namespace herd
