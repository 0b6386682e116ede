// Parsers of request bodies: pure functions of the bytes (no I/O), so they are fuzzed
// (fuzz/server/) and tested on malformed input directly. Every failure is bad_input with a
// message naming the record, field or byte offset at fault.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "store/hash.h"
#include "util/result.h"

namespace herd::server {

// At most this many hashes in one "which do you lack" request, and in one fetch.
inline constexpr size_t kMaxMissingHashes = 1'000'000;
inline constexpr size_t kMaxFetchHashes = 4'096;

// N×32 bytes of raw hashes (store/object_batch.h), N ≤ max_count. (An upload's body is
// read by store::decode_object_batch.)
Result<std::vector<store::Hash>> parse_hash_list(std::string_view body, size_t max_count = kMaxMissingHashes);

// "H1,H2,..." (64 lowercase hex digits each, comma-separated, 1 ≤ N ≤ max_count): the
// list of GET /api/v1/objects/batch/.
Result<std::vector<store::Hash>> parse_hash_path_list(std::string_view text, size_t max_count);

struct EnrollRequest {
  std::string join_token;
  std::string hostname;
  std::vector<std::string> macs;
};
// {"join_token": T, "hostname": H, "macs": [M, ...]} ("macs" may be absent or empty).
Result<EnrollRequest> parse_enroll_request(std::string_view json);

struct RefUpdate {
  std::optional<store::Hash> expected;  // nullopt: the ref must not exist
  store::Hash value;
};
// {"expected": H | null, "value": H}; both keys are required.
Result<RefUpdate> parse_ref_update(std::string_view json);

}  // namespace herd::server
