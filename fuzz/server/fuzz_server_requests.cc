// fuzz_server_requests: libFuzzer over what `herd serve` parses from the network before
// anything else looks at it. The first byte picks the parser: 0 upload records, 1 hash
// list, 2 enroll request JSON, 3 ref update JSON, 4 query strings and bearer tokens. Every
// input either fails with bad_input or parses into values that account for the input
// exactly (records tile the body; hashes re-encode to it).
//
//   ./fuzz_server_requests fuzz/server/corpus
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>

#include "server/http_types.h"
#include "server/requests.h"
#include "server/tokens.h"
#include "store/object_batch.h"

namespace {

using herd::ErrorKind;

template <typename R>
void expect_bad_input(const R& result) {
  if (!result.ok() && result.error().kind != ErrorKind::bad_input) std::abort();
}

void fuzz_records(std::string_view body) {
  auto records = herd::store::decode_object_batch(body);
  expect_bad_input(records);
  if (!records) return;
  // The records tile the body: each file view sits right after its 40-byte header.
  const char* at = body.data();
  for (const auto& [hash, file] : *records) {
    if (std::memcmp(at, hash.bytes.data(), 32) != 0) std::abort();
    if (file.data() != at + 40) std::abort();
    at = file.data() + file.size();
  }
  if (at != body.data() + body.size()) std::abort();
}

void fuzz_hashes(std::string_view body) {
  auto hashes = herd::server::parse_hash_list(body);
  expect_bad_input(hashes);
  if (!hashes) return;
  std::string back;
  for (const auto& h : *hashes) back.append(reinterpret_cast<const char*>(h.bytes.data()), 32);
  if (back != body) std::abort();
}

void fuzz_enroll(std::string_view json) {
  auto r = herd::server::parse_enroll_request(json);
  expect_bad_input(r);
  if (r) (void)herd::server::json_text({{"hostname", r->hostname}, {"macs", r->macs}});
}

void fuzz_ref_update(std::string_view json) {
  auto r = herd::server::parse_ref_update(json);
  expect_bad_input(r);
  if (r && r->value.hex().size() != 64) std::abort();
}

void fuzz_text(std::string_view text) {
  (void)herd::server::query_value(std::string(text), "prefix");
  auto t = herd::server::parse_token(text);
  expect_bad_input(t);
  (void)herd::server::error_response(400, std::string(text));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  std::string_view input(reinterpret_cast<const char*>(data) + 1, size - 1);
  switch (data[0] % 5) {
    case 0: fuzz_records(input); break;
    case 1: fuzz_hashes(input); break;
    case 2: fuzz_enroll(input); break;
    case 3: fuzz_ref_update(input); break;
    case 4: fuzz_text(input); break;
  }
  return 0;
}
