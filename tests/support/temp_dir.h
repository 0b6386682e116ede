// A temporary folder removed with everything in it when the object dies.
#pragma once

#include <cstdlib>
#include <filesystem>
#include <string>

#include "util/atomic_file.h"

namespace herd::testing {

class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "herd-test-XXXXXX").string();
    if (!::mkdtemp(pattern.data())) std::abort();
    path_ = pattern;
  }
  // HERD_KEEP_TEST_DIRS=1 keeps the folder, to look at after a failure.
  ~TempDir() {
    if (std::getenv("HERD_KEEP_TEST_DIRS")) return;
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  std::string file(const std::string& name) const { return path_ + "/" + name; }
  // Writes `content` to `name` inside the folder and returns its path.
  std::string write(const std::string& name, const std::string& content) const {
    std::string p = file(name);
    if (!write_file_atomically(p, content)) std::abort();
    return p;
  }

 private:
  std::string path_;
};

}  // namespace herd::testing
