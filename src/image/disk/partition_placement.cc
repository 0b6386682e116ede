// Placing a layout disk's partitions on a disk of a given size (layout.h).
#include "image/disk/layout.h"

namespace herd::image::disk {

uint64_t usable_mib(uint64_t bytes, Label label) {
  uint64_t sectors = bytes / 512;
  uint64_t end = label == Label::gpt ? (sectors > 34 ? sectors - 33 : 0) : sectors;  // exclusive
  end -= end % 2048;
  return end > 2048 ? (end - 2048) / 2048 : 0;
}

Result<std::vector<Placement>> place_partitions(const Disk& disk, uint64_t bytes, const std::string& device) {
  uint64_t usable = usable_mib(bytes, disk.label);
  std::vector<uint64_t> mib(disk.partitions.size(), 0);
  uint64_t fixed = 0;
  int rest = -1;
  for (size_t i = 0; i < disk.partitions.size(); ++i) {
    const auto& s = disk.partitions[i].size;
    if (s.kind == Size::Kind::mib) mib[i] = s.value;
    if (s.kind == Size::Kind::percent) {
      mib[i] = usable * s.value / 100;
      if (mib[i] == 0)
        return bad_input("disk {} ({}): {} of {} MiB is less than 1 MiB ({}, line {})", disk.name, device, s.text, usable,
                         disk.partitions[i].volume.target.text(), disk.partitions[i].volume.line);
    }
    if (s.kind == Size::Kind::rest) rest = static_cast<int>(i);
    fixed += mib[i];
  }
  if (fixed > usable || (rest >= 0 && fixed == usable))
    return bad_input("disk {} ({}): the layout needs {} MiB{} but the disk has {} MiB usable", disk.name, device, fixed,
                     rest >= 0 ? " and some for 'rest'" : "", usable);
  if (rest >= 0) mib[static_cast<size_t>(rest)] = usable - fixed;
  std::vector<Placement> out;
  uint64_t at = 2048;
  for (auto m : mib) {
    out.push_back(Placement{at, m * 2048});
    at += m * 2048;
  }
  return out;
}

}  // namespace herd::image::disk
