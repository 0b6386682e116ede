#include "image/deploy_state.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "track/beneath.h"
#include "track/path.h"
#include "util/atomic_file.h"

namespace herd::image {

Result<DeployState> DeployState::open(const std::string& root, const std::string& dir) {
  if (!dir.empty()) return DeployState(root, dir, false);
  std::string path = root == "/" ? std::string(kStatePath) : root + kStatePath;
  return DeployState(root, path, true);
}

Status DeployState::ensure_dir(std::vector<std::string>* created) {
  if (!beneath_root_) {
    if (::mkdir(dir_.c_str(), 0700) != 0 && errno != EEXIST) return failure("{}: mkdir: {}", dir_, std::strerror(errno));
    return {};
  }
  auto root_fd = track::open_root(root_);
  if (!root_fd) return root_fd.error();
  int dirfd = root_fd->get();
  track::UniqueFd current;
  std::string sofar;
  auto parts = track::path_components(kStatePath);
  for (size_t i = 0; i < parts.size(); ++i) {
    std::string name(parts[i]);
    sofar += "/" + name;
    mode_t mode = i + 1 == parts.size() ? 0700 : 0755;
    if (::mkdirat(dirfd, name.c_str(), mode) == 0) {
      if (created) created->push_back(sofar);
    } else if (errno != EEXIST) {
      return failure("{}{}: mkdir: {}", root_ == "/" ? "" : root_, sofar, std::strerror(errno));
    }
    int fd = track::open_folder_at(dirfd, name.c_str());
    if (fd < 0)
      return failure("{}{}: {} (the deploy state folder must be a real folder, not a symlink)",
                     root_ == "/" ? "" : root_, sofar, std::strerror(errno));
    current.reset(fd);
    dirfd = fd;
  }
  return {};
}

Result<std::optional<DeployedState>> DeployState::load() const {
  std::string path = dir_ + "/deployed.json";
  if (::access(path.c_str(), F_OK) != 0) return std::optional<DeployedState>();
  auto text = read_file(path);
  if (!text) return text.error();
  auto state = decode_deployed_state(*text, path);
  if (!state) return state.error();
  return std::optional<DeployedState>(std::move(*state));
}

Status DeployState::save(const DeployedState& state) {
  HERD_CHECK(ensure_dir());
  return write_file_atomically(dir_ + "/deployed.json", encode_deployed_state(state), 0600);
}

Result<store::ObjectStore*> DeployState::trees() {
  if (!trees_) {
    HERD_CHECK(ensure_dir());
    auto store = store::ObjectStore::init(dir_ + "/trees");
    if (!store) return store.error();
    trees_ = std::make_shared<store::ObjectStore>(std::move(*store));
  }
  return trees_.get();
}

Result<store::ObjectStore*> DeployState::trees_if_present() {
  if (trees_) return trees_.get();
  std::string path = dir_ + "/trees";
  if (::access((path + "/format").c_str(), F_OK) != 0) return static_cast<store::ObjectStore*>(nullptr);
  auto store = store::ObjectStore::open(path);
  if (!store) return store.error();
  trees_ = std::make_shared<store::ObjectStore>(std::move(*store));
  return trees_.get();
}

}  // namespace herd::image
