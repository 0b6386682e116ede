#include "image/overrides/override_layers.h"

#include <map>
#include <optional>

#include "reports/template.h"
#include "store/file_content.h"
#include "track/path.h"
#include "util/text.h"

namespace herd::image {
namespace {

using store::EntryType;
using store::Hash;
using store::TreeEntry;

bool ends_with(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

Result<store::Tree> read_tree(const store::ObjectStore& store, const Hash& hash) {
  auto bytes = store.get(hash, store::ObjectType::tree);
  if (!bytes) return bytes.error();
  return store::decode_tree(*bytes, "tree " + hash.hex());
}

class Layering {
 public:
  Layering(store::ObjectStore& store, const nlohmann::json& data) : store_(store), data_(data) {}

  Status add_layer(const OverrideLayer& layer) { return add_folder(layer, layer.tree, "/"); }

  std::vector<OverrideEntry> entries() && {
    std::vector<OverrideEntry> out;
    out.reserve(by_path_.size());
    for (auto& [path, e] : by_path_) out.push_back(std::move(e));
    return out;
  }

 private:
  Status add_folder(const OverrideLayer& layer, const Hash& tree_hash, const std::string& folder) {
    auto tree = read_tree(store_, tree_hash);
    if (!tree) return tree.error();
    for (const TreeEntry& e : tree->entries) {
      if (!store::valid_entry_name(e.name))
        return bad_input("{}: a bad entry name {:?} in {}", layer.scope.text(), e.name, folder);
      bool is_template = e.type == EntryType::file && ends_with(e.name, kTemplateSuffix) &&
                         e.name.size() > kTemplateSuffix.size();
      std::string name = is_template ? e.name.substr(0, e.name.size() - kTemplateSuffix.size()) : e.name;
      if (is_template && std::binary_search(tree->entries.begin(), tree->entries.end(), name,
                                            [](const auto& a, const auto& b) { return name_of(a) < name_of(b); }))
        return bad_input("{}: {} and {} are both there; keep one", layer.scope.text(), track::join_path(folder, name),
                         track::join_path(folder, e.name));
      std::string path = track::join_path(folder, name);
      OverrideEntry out{path, e, layer.scope, is_template ? e.name : ""};
      out.entry.name = name;
      out.entry.hardlink_group = 0;
      if (is_template) HERD_CHECK(render(layer, folder, out));
      if (e.type != EntryType::folder) erase_beneath(path);
      by_path_[path] = std::move(out);
      if (e.type == EntryType::folder) HERD_CHECK(add_folder(layer, e.content, path));
    }
    return {};
  }

  static std::string_view name_of(const TreeEntry& e) { return e.name; }
  static std::string_view name_of(const std::string& s) { return s; }

  Status render(const OverrideLayer& layer, const std::string& folder, OverrideEntry& out) {
    std::string where = fmt::format("{}: {}", layer.scope.text(), track::join_path(folder, out.template_name));
    if (out.entry.size > kMaxTemplateBytes)
      return bad_input("{}: a template of {} bytes; templates are at most {} bytes", where, out.entry.size,
                       kMaxTemplateBytes);
    auto text = store::read_content(store_, out.entry.content);
    if (!text) return text.error();
    auto rendered = reports::render_template(*text, data_, where);
    if (!rendered) return rendered.error();
    auto stored = store::store_bytes(store_, *rendered);
    if (!stored) return stored.error();
    out.entry.content = stored->hash;
    out.entry.size = stored->size;
    return {};
  }

  void erase_beneath(const std::string& path) {
    std::string prefix = path == "/" ? "/" : path + "/";
    for (auto it = by_path_.lower_bound(prefix); it != by_path_.end() && starts_with(it->first, prefix);)
      it = by_path_.erase(it);
  }

  store::ObjectStore& store_;
  const nlohmann::json& data_;
  std::map<std::string, OverrideEntry> by_path_;
};

// The override entries as a tree of names, for the merge.
struct Branch {
  const OverrideEntry* self = nullptr;
  std::map<std::string, Branch> children;
};

class Merger {
 public:
  explicit Merger(store::ObjectStore& store) : store_(store) {}

  // The tree of `folder` (with `base` the image's tree there, if it has one) and the
  // overrides beneath it.
  Result<Hash> merge(const std::optional<Hash>& base, const Branch& branch, const std::string& folder) {
    store::Tree tree;
    if (base) {
      auto t = read_tree(store_, *base);
      if (!t) return t.error();
      tree = std::move(*t);
    }
    for (const auto& [name, child] : branch.children) {
      std::string path = track::join_path(folder, name);
      auto it = std::lower_bound(tree.entries.begin(), tree.entries.end(), name,
                                 [](const TreeEntry& e, const std::string& n) { return e.name < n; });
      bool found = it != tree.entries.end() && it->name == name;
      if (!child.self) return failure("override folder {} has no entry", path);
      const TreeEntry& wanted = child.self->entry;
      if (wanted.type == EntryType::folder && found && it->type != EntryType::folder)
        return bad_input("{}: {} is a {} in the image, not a folder; put the override's files where it points",
                         child.self->scope.text(), path, store::entry_type_name(it->type));
      if (wanted.type != EntryType::folder) {
        paths.push_back(path);
        if (found) *it = wanted;
        else tree.entries.insert(it, wanted);
        continue;
      }
      bool image_folder = found && it->type == EntryType::folder;
      auto sub = merge(image_folder ? std::optional<Hash>(it->content) : std::nullopt, child, path);
      if (!sub) return sub.error();
      if (image_folder) {
        it->content = *sub;
        continue;
      }
      paths.push_back(path);
      TreeEntry added = wanted;
      added.content = *sub;
      if (found) *it = std::move(added);
      else tree.entries.insert(it, std::move(added));
    }
    HERD_CHECK(store::check_tree(tree, "the merged tree of " + folder));
    return store_.put(store::ObjectType::tree, store::encode_tree(tree));
  }

  std::vector<std::string> paths;

 private:
  store::ObjectStore& store_;
};

}  // namespace

Result<std::vector<OverrideEntry>> layer_overrides(store::ObjectStore& store, const std::vector<OverrideLayer>& layers,
                                                   const nlohmann::json& data) {
  Layering layering(store, data);
  for (const auto& layer : layers) HERD_CHECK(layering.add_layer(layer));
  return std::move(layering).entries();
}

Result<MergedTree> merge_overrides(store::ObjectStore& store, const Hash& image_tree,
                                   const std::vector<OverrideEntry>& entries) {
  if (entries.empty()) return MergedTree{image_tree, {}};
  Branch root;
  for (const auto& e : entries) {
    Branch* at = &root;
    for (const auto& part : split(e.path.substr(1), '/')) at = &at->children[part];
    at->self = &e;
  }
  Merger merger(store);
  auto tree = merger.merge(image_tree, root, "/");
  if (!tree) return tree.error();
  std::sort(merger.paths.begin(), merger.paths.end());
  return MergedTree{*tree, std::move(merger.paths)};
}

}  // namespace herd::image
