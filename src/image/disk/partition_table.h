// A layout disk's partition table: the sfdisk script that writes it, and the check that
// a disk kept by --keep-data has exactly that table (docs/image-layout.md).
#pragma once

#include <string>
#include <vector>

#include "image/disk/layout.h"
#include "util/result.h"

namespace herd::image::disk {

// The sfdisk input that makes `disk`'s table with partitions at `places`.
std::string sfdisk_script(const Disk& disk, const std::vector<Placement>& places);

// --keep-data: the table on `device` (read with sfdisk --json) must be the layout's:
// bad_input names what differs (no table, its label, the partition count, a partition's
// start or size); nothing is written.
Status check_existing_table(const std::string& device, const Disk& disk, const std::vector<Placement>& places);

}  // namespace herd::image::disk
