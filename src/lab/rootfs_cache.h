// The Debian root every lab node starts from: made once with debootstrap (variant
// minbase, plus sshd, busybox's udhcpc, iproute2 and procps; and for golden-image work
// rsync, acl, attr and libcap2-bin: rsync -aHAX, ACLs, xattrs, file capabilities) from
// the package archive, kept in a cache folder keyed by suite, variant and recipe, and
// shared read-only by every node as the lower layer of its overlay root.
//
// Layout under the cache root ($HERD_LAB_CACHE, else /var/cache/herd/lab):
//   <key>/rootfs      the finished root; exists only when complete (made by rename)
//   <key>/build.log   debootstrap's output of the last build
//   <key>.lock        flock()ed while building, so concurrent runs build once
#pragma once

#include <functional>
#include <string>

#include "util/result.h"

namespace herd::lab {

struct RootfsRecipe {
  std::string suite;   // "" = this machine's Debian codename
  std::string mirror;  // "" = $HERD_LAB_MIRROR, else this machine's apt source, else deb.debian.org
  std::string variant = "minbase";
};

// $HERD_LAB_CACHE, else /var/cache/herd/lab.
std::string default_cache_root();

// The cache key for a recipe, e.g. "bookworm-minbase-r2".
std::string cache_key(const RootfsRecipe& recipe);

// Returns the path of the cached root for `recipe`, building it first when missing.
// `progress` gets one line per step (debootstrap's own lines while building).
Result<std::string> ensure_rootfs(const std::string& cache_root, RootfsRecipe recipe,
                                  const std::function<void(const std::string&)>& progress);

}  // namespace herd::lab
