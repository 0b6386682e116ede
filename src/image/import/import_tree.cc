#include "image/import/import_tree.h"

#include "image/import/member_path.h"
#include "track/hardlinks.h"

namespace herd::image::import {
namespace {

ImportNode implied_folder(std::string name) {
  ImportNode n;
  n.entry.name = std::move(name);
  n.entry.type = store::EntryType::folder;
  n.entry.mode = 0755;
  return n;
}

// Whether `folder` holds nothing but whiteouts (an implied folder a layer made only to
// say what to remove).
bool only_whiteouts(const ImportNode& folder) {
  for (const auto& [name, child] : folder.children)
    if (!child.is_folder() || child.declared || !only_whiteouts(child)) return false;
  return true;
}

// A folder new to the image: its whiteouts remove nothing; folders implied only by them go.
void strip_markers(ImportNode& folder) {
  folder.opaque = false;
  folder.whiteouts.clear();
  for (auto it = folder.children.begin(); it != folder.children.end();) {
    if (it->second.is_folder()) {
      if (!it->second.declared && only_whiteouts(it->second)) {
        it = folder.children.erase(it);
        continue;
      }
      strip_markers(it->second);
    }
    ++it;
  }
}

void take_metadata(store::TreeEntry& into, const store::TreeEntry& from) {
  std::string name = std::move(into.name);
  into = from;
  into.name = std::move(name);
}

Status merge_folder(ImportNode& lower, ImportNode& upper, const std::string& path, const std::string& what) {
  if (upper.opaque) lower.children.clear();
  for (const auto& name : upper.whiteouts) lower.children.erase(name);
  for (auto& [name, child] : upper.children) {
    std::string child_path = path == "/" ? "/" + name : path + "/" + name;
    auto it = lower.children.find(name);
    if (child.is_folder()) {
      if (it != lower.children.end() && it->second.is_folder()) {
        if (child.declared) {
          take_metadata(it->second.entry, child.entry);
          it->second.declared = true;
        }
        HERD_CHECK(merge_folder(it->second, child, child_path, what));
        continue;
      }
      if (!child.declared && only_whiteouts(child)) continue;
      if (!child.declared && it != lower.children.end())
        return bad_input("{}: members beneath {} go through a {} of a lower layer; refusing to import through it", what,
                         child_path, store::entry_type_name(it->second.entry.type));
      strip_markers(child);
    }
    lower.children.insert_or_assign(name, std::move(child));
  }
  return {};
}

void finish(const ImportNode& from, track::Node& to, const std::string& path, const track::TrackSpec& spec,
            const track::Accounts& accounts, FinishedTree& out) {
  to.children.reserve(from.children.size());
  for (const auto& [name, child] : from.children) {
    std::string child_path = path == "/" ? "/" + name : path + "/" + name;
    if (spec.excluded(child_path)) continue;
    track::Node& n = to.children.emplace_back();
    n.entry = child.entry;
    n.entry.user = accounts.user_name(n.entry.uid);
    n.entry.group = accounts.group_name(n.entry.gid);
    n.entry.hardlink_group = 0;
    ++out.entries;
    if (child.is_folder()) {
      finish(child, n, child_path, spec, accounts, out);
      continue;
    }
    // Every non-folder has its own inode number; hardlinks share one. assign_hardlink_groups
    // groups the numbers that occur twice or more.
    n.dev = 1;
    n.ino = child.inode;
    n.nlink = 2;
    if (n.is_file()) {
      n.content_known = true;
      ++out.files;
      out.bytes += n.entry.size;
    }
  }
}

}  // namespace

ImportTree::ImportTree() : root_(implied_folder("")) {}

ImportNode* ImportTree::find(const std::vector<std::string>& parts) {
  ImportNode* at = &root_;
  for (const auto& p : parts) {
    if (!at->is_folder()) return nullptr;
    auto it = at->children.find(p);
    if (it == at->children.end()) return nullptr;
    at = &it->second;
  }
  return at;
}

Result<ImportNode*> ImportTree::parent_folder(const std::vector<std::string>& parts, std::string_view member) {
  ImportNode* at = &root_;
  std::vector<std::string> sofar;
  for (size_t i = 0; i + 1 < parts.size(); ++i) {
    sofar.push_back(parts[i]);
    auto it = at->children.find(parts[i]);
    if (it == at->children.end()) it = at->children.emplace(parts[i], implied_folder(parts[i])).first;
    if (it->second.entry.type == store::EntryType::symlink)
      return bad_input("member {:?} goes through {}, a symlink in the archive; refusing to import through it", member,
                       canonical_path(sofar));
    if (!it->second.is_folder())
      return bad_input("member {:?} goes through {}, a {} in the archive, not a folder", member, canonical_path(sofar),
                       store::entry_type_name(it->second.entry.type));
    at = &it->second;
  }
  return at;
}

Status ImportTree::put(const std::vector<std::string>& parts, ImportNode node, std::string_view member) {
  auto parent = parent_folder(parts, member);
  if (!parent) return parent.error();
  node.entry.name = parts.back();
  auto& children = (*parent)->children;
  auto it = children.find(parts.back());
  if (it != children.end() && it->second.is_folder() && node.is_folder()) {
    take_metadata(it->second.entry, node.entry);
    it->second.declared = true;
    return {};
  }
  children.insert_or_assign(parts.back(), std::move(node));
  return {};
}

Status merge_layer(ImportTree& image, ImportTree&& layer, const std::string& what) {
  HERD_CHECK(merge_folder(image.root(), layer.root(), "/", what));
  for (const auto& link : layer.pending_links) {
    ImportNode* at = image.find(link.path);
    if (!at || !at->link_pending) continue;  // replaced by a later member of the layer
    ImportNode* target = image.find(link.target);
    if (!target || target->is_folder() || target->link_pending)
      return bad_input("{}: hardlink to {}, which no layer below holds as a file", link.member,
                       canonical_path(link.target));
    std::string name = at->entry.name;
    *at = *target;
    at->entry.name = name;
  }
  return {};
}

FinishedTree finish_tree(const ImportNode& image, const track::TrackSpec& spec, const track::Accounts& accounts) {
  FinishedTree out;
  out.root.entry = image.entry;
  out.root.entry.name = "";
  finish(image, out.root, "/", spec, accounts, out);
  track::assign_hardlink_groups(out.root);
  return out;
}

}  // namespace herd::image::import
