#include "image/disk/partition_table.h"

#include <nlohmann/json.hpp>

#include "util/subprocess.h"
#include "util/text.h"

namespace herd::image::disk {
namespace {

const char* partition_type(Label label, const Volume& v) {
  bool gpt = label == Label::gpt;
  switch (v.target.kind) {
    case Target::Kind::bios_grub: return "21686148-6449-6E6F-744E-656564454649";
    case Target::Kind::swap: return gpt ? "0657FD6D-A4AB-43C4-84E5-0933C84B4F4F" : "82";
    case Target::Kind::raid: return gpt ? "A19D880F-05FC-4D3B-A006-743F0F84911E" : "fd";
    case Target::Kind::lvm: return gpt ? "E6D6D379-F507-44C2-A23C-238F2A3DF928" : "8e";
    case Target::Kind::mount:
      if (v.target.name == "/boot/efi") return gpt ? "C12A7328-F81F-11D2-BA4B-00A0C93EC93B" : "ef";
      break;
  }
  return gpt ? "0FC63DAF-8483-4772-8E79-3D69D8477DE4" : "83";
}

std::string partition_name(const Volume& v) {
  if (v.target.kind != Target::Kind::mount) return v.target.text();
  return v.target.name == "/" ? "root" : v.target.name.substr(1);
}

}  // namespace

std::string sfdisk_script(const Disk& disk, const std::vector<Placement>& places) {
  std::string out = fmt::format("label: {}\nunit: sectors\n", disk.label == Label::gpt ? "gpt" : "dos");
  if (disk.label == Label::gpt) out += "first-lba: 2048\n";
  out += "\n";
  // msdos: the partition holding /boot (else /) is marked active, for BIOSes that look.
  size_t active = places.size();
  for (size_t i = 0; i < places.size(); ++i) {
    const auto& v = disk.partitions[i].volume;
    if (v.mounted() && v.target.name == "/boot") active = i;
    if (v.mounted() && v.target.name == "/" && active == places.size()) active = i;
  }
  for (size_t i = 0; i < places.size(); ++i) {
    const auto& v = disk.partitions[i].volume;
    out += fmt::format("start={}, size={}, type={}", places[i].start, places[i].sectors, partition_type(disk.label, v));
    if (disk.label == Label::gpt) out += fmt::format(", name=\"{}\"", partition_name(v));
    if (disk.label == Label::msdos && i == active) out += ", bootable";
    out += "\n";
  }
  return out;
}

// --keep-data: the table on `device` must be the one the layout places, partition by partition.
Status check_existing_table(const std::string& device, const Disk& disk, const std::vector<Placement>& places) {
  auto out = run_process({"sfdisk", "--json", device});
  if (!out) return out.error();
  if (out->exit_code != 0)
    return bad_input("--keep-data: {} has no partition table to keep ({})", device, trim(out->output));
  nlohmann::json j = nlohmann::json::parse(out->output, nullptr, false);
  if (j.is_discarded() || !j.contains("partitiontable"))
    return failure("--keep-data: sfdisk --json {} printed something that is not its JSON", device);
  const auto& table = j["partitiontable"];
  std::string label = table.value("label", "");
  std::string want = disk.label == Label::gpt ? "gpt" : "dos";
  if (label != want)
    return bad_input("--keep-data: {} has a {} table, the layout's disk {} is {}", device, label, disk.name,
                     label_name(disk.label));
  auto parts = table.value("partitions", nlohmann::json::array());
  if (parts.size() != places.size())
    return bad_input("--keep-data: {} has {} partitions, the layout's disk {} has {}; --keep-data never repartitions",
                     device, parts.size(), disk.name, places.size());
  for (size_t i = 0; i < places.size(); ++i) {
    uint64_t start = parts[i].value("start", uint64_t{0}), size = parts[i].value("size", uint64_t{0});
    if (start != places[i].start || size != places[i].sectors)
      return bad_input(
          "--keep-data: partition {} of {} ({}) is sectors {}+{}, the layout places it at {}+{}; --keep-data never "
          "repartitions",
          i + 1, device, disk.partitions[i].volume.target.text(), start, size, places[i].start, places[i].sectors);
  }
  return {};
}

}  // namespace herd::image::disk
