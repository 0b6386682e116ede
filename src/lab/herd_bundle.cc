#include "lab/herd_bundle.h"

#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <string_view>

#include "util/subprocess.h"
#include "util/text.h"

namespace herd::lab {
namespace {

namespace fs = std::filesystem;

Result<std::string> running_binary() {
  std::error_code ec;
  auto path = fs::read_symlink("/proc/self/exe", ec);
  if (ec) return failure("cannot find the running herd binary (/proc/self/exe): {}", ec.message());
  return path.string();
}

// The files ldd lists for `binary`: "name => /path (addr)" lines and the loader's
// "/path (addr)" line. The vDSO has no file and is skipped.
struct Library {
  std::string name, path;
};
Result<std::vector<Library>> libraries_of(const std::string& binary) {
  auto out = run_process({"ldd", binary});
  if (!out) return out.error();
  if (out->exit_code != 0) return failure("ldd {} failed: {}", binary, trim(out->output));
  std::vector<Library> libs;
  for (const auto& raw : split(out->output, '\n')) {
    std::string_view line = trim(raw);
    if (line.empty()) continue;
    auto arrow = line.find(" => ");
    auto paren = line.rfind(" (");
    if (arrow != std::string_view::npos) {
      if (paren == std::string_view::npos || paren < arrow) continue;  // "not found" is caught by the loader later
      libs.push_back({std::string(line.substr(0, arrow)), std::string(line.substr(arrow + 4, paren - arrow - 4))});
    } else if (line.front() == '/' && paren != std::string_view::npos) {
      libs.push_back({"ld.so", std::string(line.substr(0, paren))});
    }
  }
  return libs;
}

Status place(const std::string& source, const std::string& target) {
  std::error_code ec;
  fs::path real = fs::canonical(source, ec);
  if (ec) return failure("herd lab: cannot resolve {}: {}", source, ec.message());
  if (::link(real.c_str(), target.c_str()) == 0) return {};
  fs::copy_file(real, target, fs::copy_options::overwrite_existing, ec);
  if (ec) return failure("herd lab: cannot copy {} to {}: {}", real.string(), target, ec.message());
  return {};
}

}  // namespace

Status make_herd_bundle(const std::string& folder) {
  auto binary = running_binary();
  if (!binary) return binary.error();
  auto libs = libraries_of(*binary);
  if (!libs) return libs.error();
  std::error_code ec;
  fs::remove_all(folder, ec);
  fs::create_directories(folder, ec);
  if (ec) return failure("herd lab: cannot create {}: {}", folder, ec.message());
  HERD_CHECK(place(*binary, folder + "/herd"));
  for (const auto& lib : *libs) HERD_CHECK(place(lib.path, folder + "/" + lib.name));
  return {};
}

std::string herd_wrapper_script() {
  return fmt::format(
      "#!/bin/sh\n"
      "# herd lab: herd from the lab's bundle, with its own loader and libraries.\n"
      "exec {0}/ld.so --library-path {0} {0}/herd \"$@\"\n",
      kNodeHerdDir);
}

}  // namespace herd::lab
