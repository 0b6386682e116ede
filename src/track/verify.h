// Reading back everything a host's checkpoints reach, as fsck would for them alone: each
// snapshot, its package list, every tree (decoded, names checked) and every file's content
// (read whole and verified by the store, sizes compared with the entries). Used after
// crashes in tests, and by `herd track verify`.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "store/object_store.h"
#include "store/refs.h"
#include "util/result.h"

namespace herd::track {

struct VerifyReport {
  uint64_t checkpoints = 0, trees = 0, files = 0, bytes = 0;
  std::vector<std::string> problems;  // empty = all good
};

// Objects shared between checkpoints are read once. Fails only when the ref cannot be read.
Result<VerifyReport> verify_checkpoints(const store::ObjectStore& store, const store::Refs& refs,
                                        const std::string& ref);

}  // namespace herd::track
