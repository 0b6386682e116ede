#include "image/image_status.h"

#include <filesystem>

#include "util/atomic_file.h"

namespace herd::image {

std::string status_dir(const std::string& store_root) {
  auto parent = std::filesystem::path(store_root).lexically_normal().parent_path();
  return (parent / "image-status").string();
}

std::string status_path(const std::string& store_root, const std::string& node) {
  return status_dir(store_root) + "/" + node + ".json";
}

std::map<std::string, ImageReport> load_reports(const std::string& store_root, std::vector<std::string>& problems) {
  std::map<std::string, ImageReport> out;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(status_dir(store_root), ec)) {
    std::string name = entry.path().filename().string();
    if (entry.path().extension() != ".json") continue;
    auto text = read_file(entry.path().string());
    if (!text) {
      problems.push_back(text.error().message);
      continue;
    }
    auto report = decode_image_report(*text, entry.path().string());
    if (!report) {
      problems.push_back(report.error().message);
      continue;
    }
    std::string node = name.substr(0, name.size() - 5);
    report->node = node;
    out[node] = std::move(*report);
  }
  return out;
}

}  // namespace herd::image
