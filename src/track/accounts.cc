#include "track/accounts.h"

#include "track/beneath.h"
#include "util/text.h"

namespace herd::track {
namespace {

void parse_table(std::string_view text, size_t id_field, std::unordered_map<uint32_t, std::string>& by_id,
                 std::unordered_map<std::string, uint32_t>& by_name) {
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    if (line.empty() || line[0] == '#' || line[0] == '+' || line[0] == '-') continue;
    auto fields = split(line, ':');
    if (fields.size() <= id_field || fields[0].empty()) continue;
    long long id = 0;
    if (!parse_int(fields[id_field], id) || id < 0 || id > UINT32_MAX) continue;
    by_id.emplace(static_cast<uint32_t>(id), fields[0]);
    by_name.emplace(fields[0], static_cast<uint32_t>(id));
  }
}

const std::string kUnknown;

}  // namespace

Accounts Accounts::parse(std::string_view passwd, std::string_view group) {
  Accounts a;
  parse_table(passwd, 2, a.user_by_id_, a.uid_by_name_);
  parse_table(group, 2, a.group_by_id_, a.gid_by_name_);
  return a;
}

Result<Accounts> Accounts::load(int root_fd) {
  auto passwd = read_file_beneath(root_fd, "/etc/passwd");
  if (!passwd) return passwd.error();
  auto group = read_file_beneath(root_fd, "/etc/group");
  if (!group) return group.error();
  return parse(passwd->value_or(""), group->value_or(""));
}

const std::string& Accounts::user_name(uint32_t uid) const {
  auto it = user_by_id_.find(uid);
  return it == user_by_id_.end() ? kUnknown : it->second;
}

const std::string& Accounts::group_name(uint32_t gid) const {
  auto it = group_by_id_.find(gid);
  return it == group_by_id_.end() ? kUnknown : it->second;
}

std::optional<uint32_t> Accounts::uid_of(const std::string& name) const {
  auto it = uid_by_name_.find(name);
  if (it == uid_by_name_.end()) return std::nullopt;
  return it->second;
}

std::optional<uint32_t> Accounts::gid_of(const std::string& name) const {
  auto it = gid_by_name_.find(name);
  if (it == gid_by_name_.end()) return std::nullopt;
  return it->second;
}

}  // namespace herd::track
