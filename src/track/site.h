// Site: where one tracked root's things are. Every track command starts here:
//   root   --root DIR (default "/"), made absolute; paths in the spec are beneath it
//   config --config FILE, else <root>/etc/herd/track.conf
//   store  --store DIR, else $HERD_STORE, else /var/lib/herd/store
//   host   --node NAME, else the first word of <root>/etc/hostname, else gethostname()
//   ref    checkpoints/<host>
#pragma once

#include <string>

#include "util/result.h"

namespace herd::track {

struct SiteOptions {
  std::string root = "/";
  std::string config;  // "" = default
  std::string store;   // "" = default
  std::string node;    // "" = default
};

struct Site {
  std::string root;
  std::string config;
  std::string store;
  std::string host;

  std::string ref() const { return "checkpoints/" + host; }
  std::string stat_cache() const;
};

// Resolves the defaults. A root that is not a folder and a host name that cannot name a
// ref ([A-Za-z0-9._-], not starting with '.') are bad_input.
Result<Site> resolve_site(const SiteOptions& options);

}  // namespace herd::track
