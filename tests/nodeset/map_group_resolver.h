// A GroupResolver over a fixed map, for tests.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "nodeset/group_resolver.h"

namespace herd::nodeset {

class MapGroupResolver : public GroupResolver {
 public:
  explicit MapGroupResolver(std::map<std::string, std::vector<std::string>> groups) : groups_(std::move(groups)) {}

  Result<std::vector<std::string>> resolve(std::string_view group) const override {
    auto it = groups_.find(std::string(group));
    if (it == groups_.end()) return bad_input("unknown group @{}", group);
    return it->second;
  }
  std::vector<std::string> list() const override {
    std::vector<std::string> names;
    for (const auto& [name, members] : groups_) names.push_back(name);
    return names;
  }

 private:
  std::map<std::string, std::vector<std::string>> groups_;
};

}  // namespace herd::nodeset
