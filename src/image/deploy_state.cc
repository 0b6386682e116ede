#include "image/deploy_state.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <nlohmann/json.hpp>

#include "track/beneath.h"
#include "track/path.h"
#include "util/atomic_file.h"

namespace herd::image {
namespace {

using nlohmann::json;

Result<store::Hash> hash_field(const json& j, const char* key, const std::string& what) {
  auto it = j.find(key);
  if (it == j.end() || !it->is_string()) return bad_input("{}: \"{}\" is missing or not a string", what, key);
  auto h = store::Hash::parse(it->get<std::string>());
  if (!h || it->get<std::string>().size() != 64) return bad_input("{}: \"{}\" is not a 64-digit hash", what, key);
  return *h;
}

Result<std::vector<std::string>> list_field(const json& j, const char* key, const std::string& what) {
  std::vector<std::string> out;
  auto it = j.find(key);
  if (it == j.end()) return out;
  if (!it->is_array()) return bad_input("{}: \"{}\" is not a list", what, key);
  for (const auto& item : *it) {
    if (!item.is_string()) return bad_input("{}: \"{}\" holds something that is not a string", what, key);
    out.push_back(item.get<std::string>());
  }
  return out;
}

}  // namespace

std::string encode_deployed_state(const DeployedState& s) {
  json j = {{"image", s.image},
            {"revision", s.revision},
            {"snapshot", s.snapshot.hex()},
            {"image_tree", s.image_tree.hex()},
            {"tree", s.tree.hex()},
            {"time_ns", s.time_ns},
            {"source", s.source},
            {"preserve", s.preserve},
            {"exclude", s.exclude},
            {"overrides", s.overrides}};
  return j.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
}

Result<DeployedState> decode_deployed_state(std::string_view text, const std::string& what) {
  json j = json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return bad_input("{}: not a JSON object", what);
  DeployedState s;
  auto image = j.find("image");
  if (image == j.end() || !image->is_string()) return bad_input("{}: \"image\" is missing or not a string", what);
  s.image = image->get<std::string>();
  auto revision = j.find("revision");
  if (revision == j.end() || !revision->is_number_unsigned())
    return bad_input("{}: \"revision\" is missing or not a number", what);
  s.revision = revision->get<uint64_t>();
  for (auto [key, field] : {std::pair{"snapshot", &s.snapshot}, {"image_tree", &s.image_tree}, {"tree", &s.tree}}) {
    auto h = hash_field(j, key, what);
    if (!h) return h.error();
    *field = *h;
  }
  if (auto t = j.find("time_ns"); t != j.end() && t->is_number_integer()) s.time_ns = t->get<int64_t>();
  if (auto src = j.find("source"); src != j.end() && src->is_string()) s.source = src->get<std::string>();
  for (auto [key, field] : {std::pair{"preserve", &s.preserve}, {"exclude", &s.exclude}, {"overrides", &s.overrides}}) {
    auto list = list_field(j, key, what);
    if (!list) return list.error();
    *field = std::move(*list);
  }
  return s;
}

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
