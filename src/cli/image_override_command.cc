// herd image override set|list|show|remove and herd image render: trees laid over an
// image per scope, rendered per node (docs/image.md, "Overrides").
#include <CLI/CLI.hpp>

#include <filesystem>

#include "cli/context.h"
#include "cli/format.h"
#include "cli/image_commands.h"
#include "cli/image_common.h"
#include "cli/output.h"
#include "cli/table.h"
#include "image/overrides/node_overrides.h"
#include "image/overrides/override_refs.h"
#include "store/file_content.h"
#include "track/path.h"
#include "track/stored_trees.h"
#include "util/text.h"
#include "util/time_text.h"

namespace herd::cli {
namespace {

using image::OverrideLevel;

// --global | --appliance A | --rack R | --node N: exactly one.
struct ScopeOptions {
  bool global = false;
  std::string appliance, rack, node;
};

void add_scope_options(CLI::App* cmd, ScopeOptions& o) {
  cmd->add_flag("--global", o.global, "Every node");
  cmd->add_option("--appliance", o.appliance, "The nodes of this appliance");
  cmd->add_option("--rack", o.rack, "The nodes of this rack");
  cmd->add_option("--node", o.node, "One node");
}

// The scope the options name; with `check`, the appliance or node must exist.
image::OverrideScope scope_of(Context& context, const ScopeOptions& o, bool check) {
  int given = int(o.global) + int(!o.appliance.empty()) + int(!o.rack.empty()) + int(!o.node.empty());
  if (given != 1) fail(bad_input("say which override: one of --global, --appliance A, --rack R, --node N"));
  if (o.global) return unwrap(image::make_override_scope(OverrideLevel::global, ""));
  if (!o.rack.empty()) return unwrap(image::make_override_scope(OverrideLevel::rack, o.rack));
  if (!o.appliance.empty()) {
    auto scope = unwrap(image::make_override_scope(OverrideLevel::appliance, o.appliance));
    if (check) (void)unwrap(context.inventory().appliance(o.appliance));
    return scope;
  }
  auto scope = unwrap(image::make_override_scope(OverrideLevel::node, o.node));
  if (check) (void)unwrap(context.inventory().node(o.node));
  return scope;
}

long long meta_number(const store::Snapshot& s, const std::string& key) {
  long long n = 0;
  if (auto it = s.metadata.find(key); it != s.metadata.end()) (void)parse_int(it->second, n);
  return n;
}

nlohmann::json stored_json(const image::StoredOverride& o) {
  return {{"scope", o.scope.text()},
          {"ref", o.scope.ref()},
          {"id", o.id.hex()},
          {"tree", o.snapshot.tree.hex()},
          {"time", format_time(o.snapshot.time_ns, Zone::utc)},
          {"author", o.snapshot.author},
          {"message", o.snapshot.message},
          {"entries", meta_number(o.snapshot, "entries")},
          {"bytes", meta_number(o.snapshot, "bytes")}};
}

std::string owner_text(const store::TreeEntry& e) {
  return fmt::format("{}:{}", e.user.empty() ? std::to_string(e.uid) : e.user,
                     e.group.empty() ? std::to_string(e.gid) : e.group);
}

nlohmann::json entry_json(const std::string& path, const store::TreeEntry& e) {
  return {{"path", path},
          {"type", store::entry_type_name(e.type)},
          {"mode", fmt::format("{:04o}", e.mode)},
          {"uid", e.uid},
          {"gid", e.gid},
          {"owner", owner_text(e)},
          {"size", e.size},
          {"content", e.type == store::EntryType::file ? e.content.hex() : ""}};
}

// Every entry beneath the stored folder `tree`, depth first, as stored (templates keep
// their suffix).
void list_stored(const store::ObjectStore& store, const store::Hash& tree, const std::string& folder,
                 std::vector<std::pair<std::string, store::TreeEntry>>& out) {
  auto bytes = unwrap(store.get(tree, store::ObjectType::tree));
  auto decoded = unwrap(store::decode_tree(bytes, "tree " + tree.hex()));
  for (auto& e : decoded.entries) {
    std::string path = track::join_path(folder, e.name);
    bool folder_entry = e.type == store::EntryType::folder;
    store::Hash sub = e.content;
    out.emplace_back(path, std::move(e));
    if (folder_entry) list_stored(store, sub, path, out);
  }
}

// --- set, list, show, remove

void run_set(Context& context, const std::string& store_root, const ScopeOptions& o, const std::string& dir,
             const std::string& message) {
  auto scope = scope_of(context, o, true);
  // The frontend's store is made on first use, but never for bad input.
  if (!std::filesystem::is_directory(dir))
    fail(bad_input("{} is not a folder (herd image override set takes the folder of files to lay over the image)", dir));
  auto s = open_image_store(store_root, /*create=*/true);
  store::Refs refs(store_root);
  auto before = unwrap(image::read_override(*s.store, refs, scope));
  auto stored = unwrap(image::set_override(*s.store, refs, scope, dir, image::SetOverride{message, ""}));
  bool changed = !before || before->id != stored.id;
  if (context.json) {
    auto j = stored_json(stored);
    j["changed"] = changed;
    return print_json(j);
  }
  if (!changed) return notice("override {}: unchanged ({} entries)", scope.text(), meta_number(stored.snapshot, "entries"));
  notice("override {}: {} entries ({}) from {}", scope.text(), meta_number(stored.snapshot, "entries"),
         bytes_text(static_cast<uint64_t>(meta_number(stored.snapshot, "bytes"))), dir);
}

void run_list(Context& context, const std::string& store_root) {
  auto s = open_image_store(store_root);
  store::Refs refs(store_root);
  auto all = unwrap(image::list_overrides(*s.store, refs));
  if (context.json) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& o : all) out.push_back(stored_json(o));
    return print_json(out);
  }
  if (all.empty()) return notice("no overrides (herd image override set --appliance A DIR makes one)");
  Table table({"SCOPE", "ENTRIES", "SIZE", "UPDATED", "AUTHOR", "MESSAGE"});
  for (const auto& o : all)
    table.add({o.scope.text(), std::to_string(meta_number(o.snapshot, "entries")),
               bytes_text(static_cast<uint64_t>(meta_number(o.snapshot, "bytes"))),
               format_time(o.snapshot.time_ns, Zone::local, "%Y-%m-%d %H:%M"), o.snapshot.author, o.snapshot.message});
  print_text(table.render());
}

void run_show(Context& context, const std::string& store_root, const ScopeOptions& o) {
  auto scope = scope_of(context, o, false);
  auto s = open_image_store(store_root);
  store::Refs refs(store_root);
  auto stored = unwrap(image::read_override(*s.store, refs, scope));
  if (!stored) fail(bad_input("{} has no override (herd image override list shows those there are)", scope.text()));
  std::vector<std::pair<std::string, store::TreeEntry>> entries;
  list_stored(*s.store, stored->snapshot.tree, "/", entries);
  if (context.json) {
    auto j = stored_json(*stored);
    j["files"] = nlohmann::json::array();
    for (const auto& [path, e] : entries) j["files"].push_back(entry_json(path, e));
    return print_json(j);
  }
  Table table({"MODE", "OWNER", "SIZE", "PATH"});
  for (const auto& [path, e] : entries)
    table.add({fmt::format("{} {:04o}", store::entry_type_name(e.type), e.mode), owner_text(e),
               e.type == store::EntryType::file ? std::to_string(e.size) : "", path});
  print_text(table.render());
}

void run_remove(Context& context, const std::string& store_root, const ScopeOptions& o) {
  auto scope = scope_of(context, o, false);
  auto s = open_image_store(store_root);
  store::Refs refs(store_root);
  unwrap(image::remove_override(*s.store, refs, scope));
  if (context.json) return print_json({{"scope", scope.text()}, {"removed", true}});
  notice("override {} removed (nodes drop its files at their next update)", scope.text());
}

// --- render

void run_render(Context& context, const std::string& store_root, const std::string& name, const std::string& node,
                const std::string& path) {
  auto s = open_image_store(store_root);
  auto r = unwrap(s.catalog->resolve(name));
  store::Refs refs(store_root);
  auto effective = unwrap(image::node_overrides(*s.store, refs, context.inventory(), node, r.snapshot.tree));
  if (!path.empty()) {
    track::StoredTrees trees(*s.store);
    auto found = unwrap(trees.find(effective.tree, unwrap(track::normalize_path(path))));
    if (!found) fail(bad_input("{} gets no {} from {}", node, path, r.text()));
    if (!found->is_file()) fail(bad_input("{} is a {} in what {} gets, not a file", path, store::entry_type_name(found->entry.type), node));
    return print_text(unwrap(store::read_content(*s.store, found->entry.content)));
  }
  if (context.json) {
    nlohmann::json files = nlohmann::json::array(), layers = nlohmann::json::array();
    for (const auto& l : effective.layers) layers.push_back(l.scope.text());
    for (const auto& e : effective.entries) {
      if (!std::binary_search(effective.paths.begin(), effective.paths.end(), e.path)) continue;  // the image's folder
      auto j = entry_json(e.path, e.entry);
      j["scope"] = e.scope.text();
      j["template"] = e.template_name;
      files.push_back(j);
    }
    return print_json({{"image", r.image},
                       {"revision", r.number},
                       {"node", node},
                       {"image_tree", r.snapshot.tree.hex()},
                       {"tree", effective.tree.hex()},
                       {"layers", layers},
                       {"overrides", effective.paths},
                       {"files", files}});
  }
  if (effective.layers.empty())
    return notice("{} gets {} as it is: no override applies to it (herd image override list)", node, r.text());
  Table table({"SCOPE", "MODE", "OWNER", "SIZE", "PATH", "FROM"});
  for (const auto& e : effective.entries) {
    if (!std::binary_search(effective.paths.begin(), effective.paths.end(), e.path)) continue;
    table.add({e.scope.text(), fmt::format("{:04o}", e.entry.mode), owner_text(e.entry),
               e.entry.type == store::EntryType::file ? std::to_string(e.entry.size) : "", e.path,
               e.template_name.empty() ? "" : e.template_name});
  }
  print_text(table.render());
}

}  // namespace

void add_image_override_commands(CLI::App& noun, Context& context, std::shared_ptr<std::string> store) {
  auto* override = noun.add_subcommand("override", "Files laid over an image for every node, an appliance, a rack or a node");
  override->require_subcommand(1);

  auto* set = override->add_subcommand("set", "Set a scope's override tree from a folder (NAME.mustache files are templates)");
  auto set_scope = std::make_shared<ScopeOptions>();
  auto set_dir = std::make_shared<std::string>(), set_message = std::make_shared<std::string>();
  add_scope_options(set, *set_scope);
  set->add_option("DIR", *set_dir, "The folder: its files go to the same paths on the nodes")->required();
  set->add_option("-m,--message", *set_message, "Why");
  add_image_store_option(set, *store);
  set->callback([&context, store, set_scope, set_dir, set_message] {
    run_set(context, *store, *set_scope, *set_dir, *set_message);
  });

  auto* list = override->add_subcommand("list", "The scopes that have an override");
  add_image_store_option(list, *store);
  list->callback([&context, store] { run_list(context, *store); });

  auto* show = override->add_subcommand("show", "The files of one scope's override, as stored");
  auto show_scope = std::make_shared<ScopeOptions>();
  add_scope_options(show, *show_scope);
  add_image_store_option(show, *store);
  show->callback([&context, store, show_scope] { run_show(context, *store, *show_scope); });

  auto* remove = override->add_subcommand("remove", "Remove one scope's override");
  auto remove_scope = std::make_shared<ScopeOptions>();
  add_scope_options(remove, *remove_scope);
  add_image_store_option(remove, *store);
  remove->callback([&context, store, remove_scope] { run_remove(context, *store, *remove_scope); });

  auto* render = noun.add_subcommand("render", "The files a node gets from its overrides over an image (PATH: print one)");
  auto r_image = std::make_shared<std::string>(), r_node = std::make_shared<std::string>(),
       r_path = std::make_shared<std::string>();
  render->add_option("NAME[:REV]", *r_image, "Image or revision")->required();
  render->add_option("NODE", *r_node, "Node")->required();
  render->add_option("PATH", *r_path, "Print this file as the node gets it");
  add_image_store_option(render, *store);
  render->callback([&context, store, r_image, r_node, r_path] { run_render(context, *store, *r_image, *r_node, *r_path); });
}

}  // namespace herd::cli
