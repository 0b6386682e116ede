#include "track/tree_diff.h"

#include <fmt/format.h>
#include <sys/sysmacros.h>

#include <ctime>

#include "store/tree.h"
#include "track/path.h"
#include "util/time_text.h"

namespace herd::track {
namespace {

using store::EntryType;

std::string xattr_details(const store::TreeEntry& a, const store::TreeEntry& b) {
  std::string out;
  auto add = [&](const std::string& name, const char* what) {
    out += out.empty() ? "xattr " : ", ";
    out += name + " " + what;
  };
  for (const auto& [name, value] : a.xattrs) {
    auto it = b.xattrs.find(name);
    if (it == b.xattrs.end())
      add(name, "removed");
    else if (it->second != value)
      add(name, "changed");
  }
  for (const auto& [name, value] : b.xattrs)
    if (!a.xattrs.count(name)) add(name, "added");
  return out;
}

std::string time_string(int64_t ns) { return format_time(ns, Zone::utc, "%Y-%m-%d %H:%M:%S", 9) + "Z"; }

class Differ {
 public:
  Differ(const DiffOptions& options, std::vector<Change>& out) : o_(options), out_(out) {}

  Status folder(Node& a, Node& b, const std::string& path) {
    if (a.content_known && b.content_known && a.entry.content == b.entry.content) return {};
    HERD_CHECK(load(a));
    HERD_CHECK(load(b));
    size_t i = 0, j = 0;
    while (i < a.children.size() || j < b.children.size()) {
      Node* ca = i < a.children.size() ? &a.children[i] : nullptr;
      Node* cb = j < b.children.size() ? &b.children[j] : nullptr;
      if (ca && cb && ca->entry.name == cb->entry.name) {
        HERD_CHECK(entry(*ca, *cb, join_path(path, ca->entry.name)));
        ++i, ++j;
      } else if (ca && (!cb || ca->entry.name < cb->entry.name)) {
        HERD_CHECK(one_side(*ca, join_path(path, ca->entry.name), Change::Kind::removed));
        ++i;
      } else {
        HERD_CHECK(one_side(*cb, join_path(path, cb->entry.name), Change::Kind::added));
        ++j;
      }
    }
    return {};
  }

 private:
  Status load(Node& node) {
    if (!node.is_folder() || !o_.trees) return {};
    return o_.trees->load(node);
  }

  Status one_side(Node& node, const std::string& path, Change::Kind kind) {
    Change change;
    change.kind = kind;
    change.path = path;
    (kind == Change::Kind::added ? change.after : change.before) = node.entry;
    out_.push_back(std::move(change));
    if (node.is_folder()) {
      HERD_CHECK(load(node));
      for (Node& child : node.children) HERD_CHECK(one_side(child, join_path(path, child.entry.name), kind));
    }
    return {};
  }

  Status entry(Node& a, Node& b, const std::string& path) {
    const store::TreeEntry& x = a.entry;
    const store::TreeEntry& y = b.entry;
    Change change;
    change.path = path;
    change.before = x;
    change.after = y;
    bool content = false;
    if (x.type != y.type) {
      content = true;
      change.details.push_back(fmt::format("type {} -> {}", store::entry_type_name(x.type), store::entry_type_name(y.type)));
    } else if (x.type == EntryType::file) {
      if (x.size != y.size) {
        content = true;
      } else if (a.content_known && b.content_known) {
        content = x.content != y.content;
      } else if (o_.same_content) {
        auto same = o_.same_content(path, a, b);
        if (!same) return same.error();
        content = !*same;
      }
    } else if (x.type == EntryType::symlink) {
      if (x.link_target != y.link_target) {
        content = true;
        change.details.push_back(fmt::format("symlink target {} -> {}", x.link_target, y.link_target));
      }
    } else if (x.type == EntryType::char_device || x.type == EntryType::block_device) {
      if (x.rdev != y.rdev) {
        content = true;
        change.details.push_back(fmt::format("device {}:{} -> {}:{}", major(x.rdev), minor(x.rdev), major(y.rdev), minor(y.rdev)));
      }
    }
    if (x.mode != y.mode) change.details.push_back(fmt::format("mode {} -> {}", mode_string(x.mode), mode_string(y.mode)));
    if (x.uid != y.uid || x.gid != y.gid || x.user != y.user || x.group != y.group)
      change.details.push_back(fmt::format("owner {} -> {}", owner_string(x), owner_string(y)));
    if (std::string xd = xattr_details(x, y); !xd.empty()) change.details.push_back(std::move(xd));
    // A content change moves the mtime anyway; say so only when the mtime is the news.
    if (!content && x.type != EntryType::folder && y.type != EntryType::folder && x.mtime_ns != y.mtime_ns)
      change.details.push_back(fmt::format("mtime {} -> {}", time_string(x.mtime_ns), time_string(y.mtime_ns)));
    if ((x.hardlink_group != 0) != (y.hardlink_group != 0))
      change.details.push_back(x.hardlink_group ? "no longer a hardlink" : "now a hardlink");

    bool folders = x.type == EntryType::folder && y.type == EntryType::folder;
    if (content || !change.details.empty()) {
      change.kind = content ? Change::Kind::modified : Change::Kind::metadata;
      out_.push_back(change);
    }
    if (folders) return folder(a, b, path);
    if (x.type == EntryType::folder) {
      HERD_CHECK(load(a));
      for (Node& child : a.children) HERD_CHECK(one_side(child, join_path(path, child.entry.name), Change::Kind::removed));
    }
    if (y.type == EntryType::folder) {
      HERD_CHECK(load(b));
      for (Node& child : b.children) HERD_CHECK(one_side(child, join_path(path, child.entry.name), Change::Kind::added));
    }
    return {};
  }

  const DiffOptions& o_;
  std::vector<Change>& out_;
};

}  // namespace

const char* change_kind_name(Change::Kind kind) {
  switch (kind) {
    case Change::Kind::added: return "added";
    case Change::Kind::removed: return "removed";
    case Change::Kind::modified: return "modified";
    case Change::Kind::metadata: return "metadata";
  }
  return "?";
}

std::string mode_string(uint32_t mode) { return fmt::format("{:04o}", mode); }

std::string owner_string(const store::TreeEntry& e) {
  return fmt::format("{}:{}", e.user.empty() ? std::to_string(e.uid) : e.user,
                     e.group.empty() ? std::to_string(e.gid) : e.group);
}

Result<std::vector<Change>> diff_trees(Node& before, Node& after, const DiffOptions& options) {
  std::vector<Change> out;
  Differ differ(options, out);
  HERD_CHECK(differ.folder(before, after, "/"));
  return out;
}

}  // namespace herd::track
