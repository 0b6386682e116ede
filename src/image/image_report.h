// What a node tells the frontend after an update (PUT /api/v1/image/state) and what
// `herd image status` shows: the revision the node runs, as its deployed.json says, and
// how the last update went. The frontend keeps the newest report per node.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "image/deploy_state.h"
#include "util/result.h"

namespace herd::image {

struct ImageReport {
  std::string node;            // set by the server from the credential, never by the node
  DeployedState deployed;      // what the node runs (image "" = nothing deployed yet)
  int64_t reported_ns = 0;     // when the server received it (server's clock)
  bool reboot_needed = false;  // the kernel, initramfs or systemd changed and no reboot since
  std::vector<std::string> reboot_reasons;
  uint64_t repaired = 0;       // files a --verify put back (drift)
  std::string error;           // the last update's failure, "" when it succeeded
};

// The report's JSON text, and back: bad text is bad_input naming `what` and the field
// (fuzzed: the server reads what nodes send).
std::string encode_image_report(const ImageReport& report);
Result<ImageReport> decode_image_report(std::string_view text, const std::string& what);

}  // namespace herd::image
