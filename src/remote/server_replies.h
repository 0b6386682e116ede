// The server's replies, read without trusting them (docs/server.md): each parser takes
// the body as bytes and, whatever they are, returns a value or an error naming `what`
// (the request, e.g. "GET https://…/api/v1/refs/x"); none throws. Fuzzed by
// fuzz_server_replies.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "remote/remote_store.h"
#include "store/hash.h"
#include "util/result.h"

namespace herd::remote {

// GET /api/v1/refs/NAME: {"hash": "<64 hex>", …}.
Result<store::Hash> parse_ref_reply(std::string_view body, std::string_view what);

// POST /api/v1/objects/missing: the missing hashes, 32 bytes each, back to back.
Result<std::vector<store::Hash>> parse_missing_reply(std::string_view body, std::string_view what);

// POST /api/v1/objects/fetch: an object batch (store/object_batch.h) whose records are a
// non-empty prefix of `asked`, hash for hash (the server stops early to bound the reply);
// the object files it returns point into `body` and are not yet verified.
Result<std::vector<std::string_view>> parse_fetch_reply(std::string_view body, const std::vector<store::Hash>& asked,
                                                       std::string_view what);

// POST /api/v1/objects: {"stored": N, "present": N} (absent counts are 0).
Result<UploadReply> parse_upload_reply(std::string_view body, std::string_view what);

// The server's current value in a 409 reply to a ref compare-and-swap: its "current"
// string, or "none".
std::string parse_conflict_current(std::string_view body);

struct EnrollReply {
  std::string node;   // a valid host name (track/host_name.h)
  std::string token;  // printable ASCII without spaces
};

// POST /api/v1/enroll: {"node": NAME, "token": TOKEN}. The node name is checked, as it
// becomes part of ref names and the agent's state file.
Result<EnrollReply> parse_enroll_reply(std::string_view body, std::string_view what);

// The server's {"error": "…"} text with control bytes as spaces, else the body's first
// 200 bytes with control and non-ASCII bytes as spaces; "(no message)" when empty.
std::string server_message(std::string_view body);

}  // namespace herd::remote
