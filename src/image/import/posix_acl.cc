#include "image/import/posix_acl.h"

#include <algorithm>

namespace herd::image::import {
namespace {

constexpr uint32_t kUndefinedId = 0xffffffffu;

void put_le(std::string& out, uint64_t v, int bytes) {
  for (int i = 0; i < bytes; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

}  // namespace

bool acl_is_minimal(const std::vector<AclEntry>& entries) {
  return std::all_of(entries.begin(), entries.end(), [](const AclEntry& e) {
    return e.tag == acl_user_obj || e.tag == acl_group_obj || e.tag == acl_other;
  });
}

std::string encode_posix_acl(std::vector<AclEntry> entries) {
  bool named = false, mask = false;
  uint16_t group_class = 0;
  for (auto& e : entries) {
    e.perm &= 7;
    if (e.tag != acl_user && e.tag != acl_group) e.id = kUndefinedId;
    if (e.tag == acl_user || e.tag == acl_group) named = true;
    if (e.tag == acl_mask) mask = true;
    if (e.tag == acl_user || e.tag == acl_group || e.tag == acl_group_obj) group_class |= e.perm;
  }
  if (named && !mask) entries.push_back({acl_mask, group_class, kUndefinedId});
  std::sort(entries.begin(), entries.end(), [](const AclEntry& a, const AclEntry& b) {
    return a.tag != b.tag ? a.tag < b.tag : a.id < b.id;
  });
  std::string out;
  put_le(out, 2, 4);
  for (const auto& e : entries) {
    put_le(out, e.tag, 2);
    put_le(out, e.perm, 2);
    put_le(out, e.id, 4);
  }
  return out;
}

}  // namespace herd::image::import
