// fuzz_server_replies: what a node's herd reads from the server (docs/server.md). The
// first byte picks the reader; whatever the rest is, each returns a value or an error
// naming the request, never throws or crashes; what it accepts keeps its promises.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "remote/server_replies.h"
#include "store/object_batch.h"

namespace {

void check_error(const herd::Error& e) {
  if (e.message.rfind("REQ: ", 0) != 0) std::abort();
}

bool printable(std::string_view text) {
  for (char c : text)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) return false;
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  std::string_view body(reinterpret_cast<const char*>(data) + 1, size - 1);
  using namespace herd::remote;
  switch (data[0] % 7) {
    case 0: {
      auto hash = parse_ref_reply(body, "REQ");
      if (!hash) check_error(hash.error());
      break;
    }
    case 1: {
      auto hashes = parse_missing_reply(body, "REQ");
      if (!hashes) check_error(hashes.error());
      else if (hashes->size() * 32 != body.size()) std::abort();
      break;
    }
    case 2: {
      auto reply = parse_upload_reply(body, "REQ");
      if (!reply) check_error(reply.error());
      break;
    }
    case 3: {
      auto reply = parse_enroll_reply(body, "REQ");
      if (!reply) {
        check_error(reply.error());
        if (!printable(reply.error().message)) std::abort();
      } else {
        if (reply->node.empty() || reply->node.find('/') != std::string::npos || !printable(reply->node)) std::abort();
        if (reply->token.empty() || reply->token.find(' ') != std::string::npos) std::abort();
      }
      break;
    }
    case 4:
      if (!printable(parse_conflict_current(body))) std::abort();
      break;
    case 5: {
      auto text = server_message(body);
      if (text.empty() || !printable(text)) std::abort();
      break;
    }
    case 6: {
      // Asked: the hashes the body's records carry, all (bit 7 of the selector clear) or
      // all but the last; bit 6 changes the first one.
      std::vector<herd::store::Hash> asked;
      if (auto records = herd::store::decode_object_batch(body))
        for (const auto& record : *records) asked.push_back(record.first);
      if ((data[0] & 0x80) && !asked.empty()) asked.pop_back();
      if ((data[0] & 0x40) && !asked.empty()) asked[0].bytes[31] ^= 1;
      auto files = parse_fetch_reply(body, asked, "REQ");
      if (!files) {
        check_error(files.error());
        break;
      }
      if (files->size() > asked.size() || (files->empty() && !asked.empty())) std::abort();
      for (auto file : *files)
        if (file.data() < body.data() || file.data() + file.size() > body.data() + body.size()) std::abort();
      break;
    }
  }
  return 0;
}
