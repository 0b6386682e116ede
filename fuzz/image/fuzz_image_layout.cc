// fuzz_image_layout: libFuzzer over disk layouts (src/image/disk/layout.h), which come from
// files an administrator hands to `herd image set --layout` and from node attributes.
// The first byte picks the mode: even = checked without a node (what `set` does), odd =
// with attributes taken from the input's last line ("name=value;name=value"). Every input
// either fails with bad_input starting "f.layout: " (and "f.layout:LINE: " when a line is at
// fault), or parses into a layout that satisfies the rules: one "/", mount points unique,
// at most one rest a disk, and placement on any disk size either fits exactly within the
// usable space or fails with bad_input.
//
//   ./fuzz_image_layout -max_total_time=60
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <set>
#include <string>
#include <string_view>

#include "image/disk/layout.h"

namespace {

using namespace herd::image::disk;

void check_layout(const Layout& layout) {
  std::set<std::string> mounts;
  int roots = 0;
  for (const auto* v : layout.filesystems()) {
    if (!v->mounted()) continue;
    if (!mounts.insert(v->target.name).second) std::abort();
    if (v->target.name == "/") ++roots;
    if (v->target.name.empty() || v->target.name[0] != '/') std::abort();
  }
  if (roots != 1 || layout.disks.empty()) std::abort();
  for (uint64_t bytes : {uint64_t{0}, uint64_t{1} << 20, uint64_t{2} << 30, uint64_t{1} << 40}) {
    for (const auto& disk : layout.disks) {
      int rests = 0;
      for (const auto& p : disk.partitions) rests += p.size.kind == Size::Kind::rest;
      if (rests > 1) std::abort();
      auto placed = place_partitions(disk, bytes, "d");
      if (!placed.ok()) {
        if (placed.error().kind != herd::ErrorKind::bad_input) std::abort();
        continue;
      }
      uint64_t end = 2048;
      for (const auto& p : *placed) {
        if (p.start != end || p.sectors == 0 || p.sectors % 2048 != 0) std::abort();
        end = p.start + p.sectors;
      }
      if ((end - 2048) / 2048 > usable_mib(bytes, disk.label)) std::abort();
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  bool with_node = data[0] & 1;
  std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  Attributes attributes;
  if (with_node) {
    auto nl = text.rfind('\n');
    std::string_view last = nl == std::string_view::npos ? text : text.substr(nl + 1);
    size_t at = 0;
    while (at < last.size()) {
      auto end = last.find(';', at);
      auto item = last.substr(at, end == std::string_view::npos ? std::string_view::npos : end - at);
      auto eq = item.find('=');
      if (eq != std::string_view::npos) attributes[std::string(item.substr(0, eq))] = std::string(item.substr(eq + 1));
      if (end == std::string_view::npos) break;
      at = end + 1;
    }
  }
  auto layout = parse_layout(text, "f.layout", with_node ? &attributes : nullptr, "n1");
  if (!layout.ok()) {
    if (layout.error().kind != herd::ErrorKind::bad_input) std::abort();
    if (layout.error().message.rfind("f.layout: ", 0) != 0 && layout.error().message.rfind("f.layout:", 0) != 0)
      std::abort();
    return 0;
  }
  check_layout(*layout);
  return 0;
}
