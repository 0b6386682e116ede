// POSIX ACLs as the kernel stores them: the value of the system.posix_acl_access and
// system.posix_acl_default xattrs (linux/posix_acl_xattr.h), which is what a capture of a
// real root records (track/xattrs.h reads them raw). An archive carries ACLs as text
// (SCHILY.acl.*, read by libarchive's ACL API); import encodes them here so an imported
// entry is byte-for-byte what extracting it and capturing it would give.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace herd::image::import {

enum AclTag : uint16_t { acl_user_obj = 0x01, acl_user = 0x02, acl_group_obj = 0x04, acl_group = 0x08, acl_mask = 0x10, acl_other = 0x20 };

struct AclEntry {
  uint16_t tag = 0;
  uint16_t perm = 0;  // 4 read, 2 write, 1 execute
  uint32_t id = 0;    // user or group id of acl_user / acl_group entries
};

// The xattr value: version 2, then each entry (tag, perm, id; little endian) in the
// kernel's order (by tag, then id), ids of unnamed entries ACL_UNDEFINED_ID. When named
// entries come without a mask, the mask setfacl would compute is added.
std::string encode_posix_acl(std::vector<AclEntry> entries);

// Whether an access ACL says no more than the permission bits (only the owner, group and
// other entries): the kernel keeps no xattr for it.
bool acl_is_minimal(const std::vector<AclEntry>& entries);

}  // namespace herd::image::import
