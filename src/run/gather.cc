#include "run/gather.h"

#include <string_view>
#include <unordered_map>

#include <fmt/format.h>

#include "nodeset/node_set.h"

namespace herd::run {

namespace {
// The lines of one node, hashed once: equal outputs meet in one bucket.
struct Key {
  const std::vector<std::string>* lines;
  size_t hash;
  bool operator==(const Key& o) const { return hash == o.hash && *lines == *o.lines; }
};
struct KeyHash {
  size_t operator()(const Key& k) const { return k.hash; }
};
size_t hash_lines(const std::vector<std::string>& lines) {
  size_t h = lines.size();
  std::hash<std::string_view> hs;
  for (const auto& l : lines) h = h * 1000003u ^ hs(l);
  return h;
}
}  // namespace

std::vector<Gathered> gather(const std::vector<NodeResult>& results, Stream stream) {
  std::unordered_map<Key, size_t, KeyHash> group_of;
  std::vector<std::vector<std::string>> names;
  std::vector<const std::vector<std::string>*> lines;
  for (const auto& r : results) {
    const auto& l = stream == Stream::out ? r.out : r.err;
    if (l.empty()) continue;
    auto [it, added] = group_of.try_emplace(Key{&l, hash_lines(l)}, names.size());
    if (added) {
      names.emplace_back();
      lines.push_back(&l);
    }
    names[it->second].push_back(r.node);
  }
  std::vector<Gathered> out;
  out.reserve(names.size());
  for (size_t g = 0; g < names.size(); ++g) out.push_back({nodeset::fold(names[g]), names[g].size(), lines[g]});
  return out;
}

std::string format_gathered(const Gathered& group) {
  std::string text = group.count > 1
                         ? fmt::format("---------------\n{} ({})\n---------------\n", group.nodes, group.count)
                         : fmt::format("---------------\n{}\n---------------\n", group.nodes);
  size_t size = text.size();
  for (const auto& l : *group.lines) size += l.size() + 1;
  text.reserve(size);
  for (const auto& l : *group.lines) {
    text += l;
    text += '\n';
  }
  return text;
}

}  // namespace herd::run
