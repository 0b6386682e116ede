// fuzz_image_override: what an administrator's override folder and the store hand the
// override code (src/image/overrides/). The first byte picks: 0 an override ref name,
// 1 a template rendered with a node's data. A ref parses into a scope whose ref is the
// input, or fails with bad_input; a template renders or fails with bad_input, never
// anything else.
//
//   ./fuzz_image_override fuzz/image/corpus/override
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "image/overrides/override_scope.h"
#include "reports/template.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  using namespace herd;
  if (data[0] % 2 == 0) {
    auto scope = image::parse_override_ref(text);
    if (!scope) {
      if (scope.error().kind != ErrorKind::bad_input) std::abort();
      return 0;
    }
    if (scope->ref() != text) std::abort();
    return 0;
  }
  static const nlohmann::json node_data = {
      {"cluster", {{"name", "lab"}, {"domain", "local"}}},
      {"node",
       {{"name", "compute-0-0"},
        {"ip", "198.51.100.10"},
        {"attr", {{"slurm_partition", "batch"}}},
        {"interfaces", {{{"device", "eth0"}, {"ip", "198.51.100.10"}, {"first", true}, {"last", true}}}}}}};
  auto rendered = reports::render_template(text, node_data, "fuzz.mustache");
  if (!rendered && rendered.error().kind != ErrorKind::bad_input) std::abort();
  return 0;
}
