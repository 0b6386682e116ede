// fuzz_image_wire: libFuzzer over the image texts that cross the wire or the disk. The
// first byte picks the parser: 0 deployed.json, 1 a node's report, 2 a plan, 3 the hash
// list of a batch GET, 4 an image reference. Every input fails with bad_input or parses
// into a value that encodes and parses back to itself.
//
//   ./fuzz_image_wire fuzz/image/corpus
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "image/deploy_state.h"
#include "image/image_name.h"
#include "image/image_plan.h"
#include "image/image_report.h"
#include "server/requests.h"

namespace {

using herd::ErrorKind;

template <typename R>
bool parsed(const R& result) {
  if (!result.ok() && result.error().kind != ErrorKind::bad_input) std::abort();
  return result.ok();
}

void same_state(const herd::image::DeployedState& a, const herd::image::DeployedState& b) {
  if (a.image != b.image || a.revision != b.revision || a.snapshot != b.snapshot || a.tree != b.tree ||
      a.image_tree != b.image_tree || a.preserve != b.preserve || a.exclude != b.exclude || a.overrides != b.overrides)
    std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  using namespace herd;
  switch (data[0] % 5) {
    case 0: {
      auto s = image::decode_deployed_state(text, "fuzz");
      if (!parsed(s)) break;
      auto again = image::decode_deployed_state(image::encode_deployed_state(*s), "again");
      if (!again) std::abort();
      same_state(*s, *again);
      break;
    }
    case 1: {
      auto r = image::decode_image_report(text, "fuzz");
      if (!parsed(r)) break;
      auto again = image::decode_image_report(image::encode_image_report(*r), "again");
      if (!again || again->error != r->error || again->repaired != r->repaired) std::abort();
      if (!r->deployed.image.empty()) same_state(r->deployed, again->deployed);
      break;
    }
    case 2: {
      auto p = image::parse_image_plan(text, "fuzz");
      if (!parsed(p)) break;
      if (!image::valid_image_name(p->image) || p->revision == 0) std::abort();
      if (p->etag != image::image_plan_etag(p->snapshot, p->tree)) std::abort();
      break;
    }
    case 3: {
      auto hashes = server::parse_hash_path_list(text, 96);
      if (!parsed(hashes)) break;
      std::string joined;
      for (const auto& h : *hashes) joined += (joined.empty() ? "" : ",") + h.hex();
      if (joined != text || hashes->empty() || hashes->size() > 96) std::abort();
      break;
    }
    case 4: {
      auto ref = image::parse_image_ref(text);
      if (!parsed(ref)) break;
      auto again = image::parse_image_ref(ref->text());
      if (!again || again->text() != ref->text()) std::abort();
      break;
    }
  }
  return 0;
}
