// GroupResolver: what "@name" means in a node set. The inventory implements it
// (appliances such as @compute, racks such as @rack0, user-defined groups); tests use
// a map. Node set parsing only calls it for names that start with '@' and, for
// wildcards such as "n*", to list every known node.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "util/result.h"

namespace herd::nodeset {

class GroupResolver {
 public:
  virtual ~GroupResolver() = default;
  // The members of `group` (the text after '@', e.g. "compute" or "source:name"), each
  // a node set expression such as "n[1-4]" or "@other". Fails with bad_input if the
  // group is unknown.
  virtual herd::Result<std::vector<std::string>> resolve(std::string_view group) const = 0;
  // Every known group name, without '@' (for `herd nodeset -l`, "@*" and wildcards).
  virtual std::vector<std::string> list() const = 0;
};

}  // namespace herd::nodeset
