// User and group names as a root sees them: its own /etc/passwd and /etc/group (read
// beneath the root, never the running system's NSS), so an image or a chroot maps
// owners by its own tables.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "util/result.h"

namespace herd::track {

class Accounts {
 public:
  // Reads <root>/etc/passwd and <root>/etc/group; a missing file is an empty table.
  static Result<Accounts> load(int root_fd);
  // Parses passwd and group text ("name:x:id:..." lines; the first line for an id or
  // name wins; malformed lines are skipped).
  static Accounts parse(std::string_view passwd, std::string_view group);

  // "" when unknown.
  const std::string& user_name(uint32_t uid) const;
  const std::string& group_name(uint32_t gid) const;
  std::optional<uint32_t> uid_of(const std::string& name) const;
  std::optional<uint32_t> gid_of(const std::string& name) const;

 private:
  std::unordered_map<uint32_t, std::string> user_by_id_, group_by_id_;
  std::unordered_map<std::string, uint32_t> uid_by_name_, gid_by_name_;
};

}  // namespace herd::track
