// The programs an install drives (sfdisk, loop devices, mkfs.*, blkid, mdadm, lvm, mount) and
// the undo stack that puts the machine back as it was.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "util/result.h"

namespace herd::image::disk {

// Runs argv; a program that cannot start or exits non-zero is a failure naming the command
// and quoting its output. Returns its output.
Result<std::string> run_tool(const std::vector<std::string>& argv, const std::string& input = "");

// Undo actions, run newest first by undo_all() or the destructor. An undo that fails is
// retried once (a busy unmount right after a write) and otherwise reported in errors().
class Teardown {
 public:
  Teardown() = default;
  Teardown(const Teardown&) = delete;
  Teardown& operator=(const Teardown&) = delete;
  ~Teardown() { undo_all(); }
  void push(std::string what, std::function<Status()> undo) { steps_.push_back({std::move(what), std::move(undo)}); }
  void undo_all();
  const std::vector<std::string>& errors() const { return errors_; }

 private:
  struct Step {
    std::string what;
    std::function<Status()> undo;
  };
  std::vector<Step> steps_;
  std::vector<std::string> errors_;
};

// The size in bytes of a block device or a regular file.
Result<uint64_t> device_bytes(const std::string& device);
bool is_block_device(const std::string& device);

// Attaches bytes [offset, offset+size) of `device` as a loop device and returns its path;
// the detach is pushed on `teardown`. The device is attached with autoclear and held open
// until then, so it goes away with this process however it ends (kill -9 included), once
// nothing else (a mount, RAID, LVM) holds it.
Result<std::string> attach_loop(const std::string& device, uint64_t offset, uint64_t size, Teardown& teardown);

// blkid's low-level probe (no cache): the value of TAG (UUID, TYPE), "" when none.
Result<std::string> probe_tag(const std::string& device, const std::string& tag);

// Writes `data` at byte `offset` of `device`, then fsyncs.
Status write_at(const std::string& device, uint64_t offset, const std::string& data);
Result<std::string> read_at(const std::string& device, uint64_t offset, size_t size);

}  // namespace herd::image::disk
