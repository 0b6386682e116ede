// herd image list|log|show|diff|tag|untag|copy|remove|prune|set|checkout: the catalog of
// golden images on the frontend (docs/image.md). The other verbs are added by
// image_capture_command.cc, image_update_command.cc and image_fleet_command.cc.
#include <CLI/CLI.hpp>

#include "cli/commands.h"
#include "cli/context.h"
#include "cli/format.h"
#include "cli/image_commands.h"
#include "cli/image_common.h"
#include "cli/output.h"
#include "cli/table.h"
#include "image/deploy.h"
#include "store/file_content.h"
#include "track/packages/package.h"
#include "track/stored_trees.h"
#include "track/tree_diff.h"
#include "util/text.h"
#include "util/time_text.h"

namespace herd::cli {
namespace {

std::string first_line(const std::string& text) { return text.substr(0, text.find('\n')); }

std::string tags_text(const std::vector<std::string>& tags) { return tags.empty() ? "" : join(tags, ","); }

// --- list

void run_list(Context& context, const std::string& store_root) {
  auto s = open_image_store(store_root);
  auto names = unwrap(s.catalog->images());
  nlohmann::json out = nlohmann::json::array();
  Table table({"IMAGE", "REVISIONS", "NEWEST", "TAGS", "UPDATED", "FILES", "SIZE"});
  for (const auto& name : names) {
    auto refs = unwrap(s.catalog->refs_of(name));
    auto newest = unwrap(s.catalog->resolve(image::ImageRef{name, 0, ""}));
    std::vector<std::string> tags;
    for (const auto& [tag, hash] : refs.tags)
      for (const auto& [n, id] : refs.revisions)
        if (id == hash) tags.push_back(fmt::format("{}={}", tag, n));
    long long bytes = 0, entries = 0;
    (void)parse_int(newest.meta("bytes"), bytes);
    (void)parse_int(newest.meta("entries"), entries);
    if (context.json) {
      auto j = revision_json(newest);
      j["revisions"] = refs.revisions.size();
      j["all_tags"] = tags;
      out.push_back(j);
      continue;
    }
    table.add({name, std::to_string(refs.revisions.size()), std::to_string(newest.number), tags_text(tags),
               format_time(newest.snapshot.time_ns, Zone::local, "%Y-%m-%d %H:%M"), std::to_string(entries),
               bytes_text(static_cast<uint64_t>(bytes))});
  }
  if (context.json) return print_json(out);
  if (table.empty()) return notice("no images in {} (herd image capture NAME --root DIR makes one)", store_root);
  print_text(table.render());
}

// --- log

void run_log(Context& context, const std::string& store_root, const std::string& name, size_t limit) {
  auto s = open_image_store(store_root);
  auto ref = unwrap(image::parse_image_ref(name));
  if (!ref.newest()) fail(bad_input("herd image log takes an image name, not a revision ({})", name));
  auto history = unwrap(s.catalog->history(ref.image, limit));
  if (history.empty()) unwrap(s.catalog->resolve(ref));  // the error naming the known images
  if (context.json) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& r : history) out.push_back(revision_json(r));
    return print_json(out);
  }
  Table table({"REV", "ID", "TIME", "AUTHOR", "TAGS", "SOURCE", "MESSAGE"});
  for (const auto& r : history)
    table.add({std::to_string(r.number), r.id.hex().substr(0, 12), format_time(r.snapshot.time_ns, Zone::local),
               r.snapshot.author, tags_text(r.tags), r.meta("source"), first_line(r.snapshot.message)});
  print_text(table.render());
}

// --- show

void run_show(Context& context, const std::string& store_root, const std::string& name) {
  auto s = open_image_store(store_root);
  auto r = unwrap(s.catalog->resolve(name));
  if (context.json) return print_json(revision_json(r));
  auto settings = r.settings();
  long long bytes = 0, entries = 0;
  (void)parse_int(r.meta("bytes"), bytes);
  (void)parse_int(r.meta("entries"), entries);
  std::string out = fmt::format("image     {}:{}\n", r.image, r.number);
  out += fmt::format("id        {}\n", r.id.hex());
  out += fmt::format("tree      {}\n", r.snapshot.tree.hex());
  out += fmt::format("time      {}\n", format_time(r.snapshot.time_ns, Zone::local));
  out += fmt::format("author    {}\n", r.snapshot.author);
  out += fmt::format("source    {}\n", r.meta("source"));
  if (!r.tags.empty()) out += fmt::format("tags      {}\n", join(r.tags, ", "));
  out += fmt::format("entries   {} ({})\n", entries, bytes_text(static_cast<uint64_t>(bytes)));
  if (!r.meta("packages").empty()) {
    auto blob = store::read_content(*s.store, *store::Hash::parse(r.meta("packages")));
    size_t count = 0;
    if (blob)
      if (auto list = track::decode_packages(*blob, "package list"); list) count = list->packages.size();
    out += fmt::format("packages  {} ({})\n", count, r.meta("package_backend"));
  }
  if (!settings.cmdline.empty()) out += fmt::format("cmdline   {}\n", settings.cmdline);
  if (!settings.preserve.empty()) out += fmt::format("preserve  {}\n", join(settings.preserve, " "));
  if (!settings.exclude.empty()) out += fmt::format("exclude   {}\n", join(settings.exclude, " "));
  out += settings.layout.empty() ? "layout    none (installs use the default layout)\n" : "layout:\n";
  if (!settings.layout.empty())
    for (const auto& line : split(settings.layout, '\n'))
      if (!line.empty()) out += "  " + line + "\n";
  if (!r.snapshot.message.empty()) out += "\n    " + r.snapshot.message + "\n";
  print_text(out);
}

// --- diff

Result<std::optional<track::PackageList>> packages_of(const store::ObjectStore& store, const image::Revision& r) {
  std::string hex = r.meta("packages");
  if (hex.empty()) return std::optional<track::PackageList>();
  auto hash = store::Hash::parse(hex);
  if (!hash) return failure("revision {}: bad package list hash", r.text());
  auto text = store::read_content(store, *hash);
  if (!text) return text.error();
  auto list = track::decode_packages(*text, "package list of " + r.text());
  if (!list) return list.error();
  return std::optional<track::PackageList>(std::move(*list));
}

char change_letter(track::Change::Kind kind) {
  switch (kind) {
    case track::Change::Kind::added: return 'A';
    case track::Change::Kind::removed: return 'D';
    case track::Change::Kind::modified: return 'M';
    case track::Change::Kind::metadata: return 'm';
  }
  return '?';
}

void run_diff(Context& context, const std::string& store_root, const std::string& a, const std::string& b) {
  auto s = open_image_store(store_root);
  auto before = unwrap(s.catalog->resolve(a));
  auto after = unwrap(s.catalog->resolve(b));
  track::StoredTrees trees(*s.store);
  auto left = unwrap(trees.root(before.snapshot.tree));
  auto right = unwrap(trees.root(after.snapshot.tree));
  track::DiffOptions options;
  options.trees = &trees;
  auto changes = unwrap(track::diff_trees(left, right, options));
  auto pa = unwrap(packages_of(*s.store, before));
  auto pb = unwrap(packages_of(*s.store, after));
  std::vector<track::PackageChange> packages;
  if (pa && pb) {
    auto backend = track::backend_named(pb->backend);
    packages = track::diff_packages(*pa, *pb, backend.get());
  }
  if (context.json) {
    nlohmann::json files = nlohmann::json::array();
    for (const auto& c : changes) {
      const auto& side = c.kind == track::Change::Kind::removed ? c.before : c.after;
      files.push_back({{"path", c.path},
                       {"change", track::change_kind_name(c.kind)},
                       {"type", store::entry_type_name(side.type)},
                       {"details", c.details}});
    }
    nlohmann::json pkgs = nlohmann::json::array();
    for (const auto& p : packages)
      pkgs.push_back({{"name", p.name}, {"arch", p.arch}, {"change", track::package_change_name(p.kind)},
                      {"before", p.before}, {"after", p.after}});
    return print_json({{"before", before.text()}, {"after", after.text()}, {"files", files}, {"packages", pkgs},
                       {"packages_compared", pa && pb}});
  }
  std::string out;
  for (const auto& c : changes) {
    out += fmt::format("{} {}", change_letter(c.kind), c.path);
    if (!c.details.empty()) out += "  (" + join(c.details, ", ") + ")";
    out += "\n";
  }
  if (!packages.empty()) out += "packages:\n";
  for (const auto& p : packages) {
    using K = track::PackageChange::Kind;
    std::string versions = p.kind == K::added ? p.after : p.kind == K::removed ? p.before : p.before + " -> " + p.after;
    out += fmt::format("  {:<11} {} {} ({})\n", track::package_change_name(p.kind), p.name, versions, p.arch);
  }
  if (out.empty()) out = fmt::format("{} and {} are the same\n", before.text(), after.text());
  print_text(out);
}

// --- copy, set

void run_copy(Context& context, const std::string& store_root, const std::string& from, const std::string& to) {
  auto s = open_image_store(store_root);
  auto source = unwrap(s.catalog->resolve(from));
  if (!image::valid_image_name(to)) unwrap(image::parse_image_ref(to));  // names the problem
  image::NewRevision r;
  r.tree = source.snapshot.tree;
  r.settings = source.settings();
  r.message = source.snapshot.message;
  r.source = "copy " + source.text();
  r.previous = source.id;
  for (const char* key : {"packages", "package_backend", "entries", "bytes"})
    if (!source.meta(key).empty()) r.metadata[key] = source.meta(key);
  r.metadata["copied_from"] = source.text();
  auto made = unwrap(s.catalog->commit(to, r));
  if (context.json) return print_json(revision_json(made));
  notice("{} is a copy of {}", made.text(), source.text());
}

struct SetCommand {
  std::string image;
  std::string message;
  SettingsOptions settings;
};

void run_set(Context& context, const std::string& store_root, const SetCommand& o) {
  auto s = open_image_store(store_root);
  auto ref = unwrap(image::parse_image_ref(o.image));
  if (!ref.newest()) fail(bad_input("herd image set changes the newest revision: give the image name only ({})", o.image));
  auto base = unwrap(s.catalog->resolve(ref));
  image::NewRevision r;
  r.tree = base.snapshot.tree;
  r.settings = apply_settings(base.settings(), o.settings);
  unwrap(check_layout(r.settings.layout, o.settings.layout_file));
  if (r.settings == base.settings()) return notice("{}: the settings are unchanged; no new revision", base.text());
  r.message = o.message.empty() ? "settings" : o.message;
  r.source = "set";
  r.previous = base.id;
  for (const char* key : {"packages", "package_backend", "entries", "bytes"})
    if (!base.meta(key).empty()) r.metadata[key] = base.meta(key);
  auto made = unwrap(s.catalog->commit(ref.image, r));
  if (context.json) return print_json(revision_json(made));
  notice("{}: new settings (was {})", made.text(), base.text());
}

// --- tag, untag, remove, prune

void run_tag(Context& context, const std::string& store_root, const std::string& revision, const std::string& tag) {
  auto s = open_image_store(store_root);
  auto ref = unwrap(image::parse_image_ref(revision));
  auto r = unwrap(s.catalog->resolve(ref));
  unwrap(s.catalog->tag(r.image, r.number, tag));
  if (context.json) return print_json({{"image", r.image}, {"revision", r.number}, {"tag", tag}});
  notice("{}:{} is {}", r.image, tag, r.text());
}

void run_untag(Context& context, const std::string& store_root, const std::string& name, const std::string& tag) {
  auto s = open_image_store(store_root);
  unwrap(s.catalog->untag(name, tag));
  if (context.json) return print_json({{"image", name}, {"removed_tag", tag}});
  notice("tag {} of {} removed", tag, name);
}

void run_remove(Context& context, const std::string& store_root, const std::string& name) {
  auto s = open_image_store(store_root);
  auto ref = unwrap(image::parse_image_ref(name));
  if (ref.newest()) {
    size_t count = unwrap(s.catalog->remove_image(ref.image));
    if (context.json) return print_json({{"image", ref.image}, {"removed_revisions", count}});
    return notice("image {} removed ({} revisions; `herd store gc` frees what only it used)", ref.image, count);
  }
  auto r = unwrap(s.catalog->resolve(ref));
  unwrap(s.catalog->remove_revision(r.image, r.number));
  if (context.json) return print_json({{"image", r.image}, {"removed_revisions", 1}, {"revision", r.number}});
  notice("{} removed", r.text());
}

void run_prune(Context& context, const std::string& store_root, const std::string& name, size_t keep, bool dry_run) {
  auto s = open_image_store(store_root);
  auto pinned = pinned_revisions(context, *s.catalog, name);
  auto removed = unwrap(s.catalog->prune(name, keep, pinned, dry_run));
  if (context.json) return print_json({{"image", name}, {"dry_run", dry_run}, {"removed", removed}, {"kept_newest", keep}});
  if (removed.empty()) return notice("{}: nothing to prune (keeping the newest {}, tagged and pinned revisions)", name, keep);
  std::vector<std::string> numbers;
  for (auto n : removed) numbers.push_back(std::to_string(n));
  notice("{}: {} revisions {} ({})", name, dry_run ? "would remove" : "removed", numbers.size(), join(numbers, ", "));
}

// --- checkout

void run_checkout(Context& context, const std::string& store_root, const std::string& name, const std::string& dir) {
  auto s = open_image_store(store_root);
  auto r = unwrap(s.catalog->resolve(name));
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) fail(failure("{}: {}", dir, ec.message()));
  image::DeployedState target;
  target.image = r.image;
  target.revision = r.number;
  target.snapshot = r.id;
  target.image_tree = r.snapshot.tree;
  target.tree = r.snapshot.tree;
  target.source = store_root;
  image::DeployOptions options;
  options.exact = true;
  options.record = false;
  options.verify = true;  // compare with whatever DIR holds, so an existing folder comes out exact
  ProgressLine progress(context.json);
  options.on_progress = [&](const image::DeployProgress& p) {
    progress.show(fmt::format("checkout {}: {}/{} files, {}/{}", r.text(), p.files_done, p.files_total,
                              bytes_text(p.bytes_done), bytes_text(p.bytes_total)));
  };
  auto source = store::local_object_source(*s.store);
  auto result = unwrap(image::deploy(dir, *source, target, options));
  progress.clear();
  if (context.json)
    return print_json({{"image", r.image}, {"revision", r.number}, {"dir", dir}, {"files_written", result.files_written},
                       {"bytes_written", result.bytes_written}, {"removed", result.removed}});
  notice("{} checked out into {}: {} files ({}) written, {} removed", r.text(), dir, result.files_written,
         bytes_text(result.bytes_written), result.removed);
}

}  // namespace

void add_image_command(CLI::App& app, Context& context) {
  auto* noun = app.add_subcommand("image", "Golden images: capture, revisions, deploy, roll back, install (docs/image.md)");
  noun->require_subcommand(1);
  auto store = std::make_shared<std::string>(store::default_store_root());

  auto* list = noun->add_subcommand("list", "Images in the store, with their newest revision");
  add_image_store_option(list, *store);
  list->callback([&context, store] { run_list(context, *store); });

  auto* log = noun->add_subcommand("log", "An image's revisions, newest first");
  auto log_name = std::make_shared<std::string>();
  auto log_limit = std::make_shared<size_t>(0);
  log->add_option("NAME", *log_name, "Image")->required();
  log->add_option("-n", *log_limit, "At most this many revisions");
  add_image_store_option(log, *store);
  log->callback([&context, store, log_name, log_limit] { run_log(context, *store, *log_name, *log_limit); });

  auto* show = noun->add_subcommand("show", "One revision: tree, settings, source, packages");
  auto show_name = std::make_shared<std::string>();
  show->add_option("NAME[:REV]", *show_name, "Image, revision number or tag (default: the newest)")->required();
  add_image_store_option(show, *store);
  show->callback([&context, store, show_name] { run_show(context, *store, *show_name); });

  auto* diff = noun->add_subcommand("diff", "Files added, removed and changed, and packages, from A to B");
  auto diff_a = std::make_shared<std::string>(), diff_b = std::make_shared<std::string>();
  diff->add_option("A", *diff_a, "NAME[:REV]")->required();
  diff->add_option("B", *diff_b, "NAME[:REV]")->required();
  add_image_store_option(diff, *store);
  diff->callback([&context, store, diff_a, diff_b] { run_diff(context, *store, *diff_a, *diff_b); });

  auto* tag = noun->add_subcommand("tag", "Name a revision (good, testing, ...); moves the tag if it exists");
  auto tag_rev = std::make_shared<std::string>(), tag_name = std::make_shared<std::string>();
  tag->add_option("NAME:REV", *tag_rev, "The revision")->required();
  tag->add_option("TAG", *tag_name, "The tag")->required();
  add_image_store_option(tag, *store);
  tag->callback([&context, store, tag_rev, tag_name] { run_tag(context, *store, *tag_rev, *tag_name); });

  auto* untag = noun->add_subcommand("untag", "Remove a tag");
  auto untag_image = std::make_shared<std::string>(), untag_tag = std::make_shared<std::string>();
  untag->add_option("NAME", *untag_image, "Image")->required();
  untag->add_option("TAG", *untag_tag, "Tag")->required();
  add_image_store_option(untag, *store);
  untag->callback([&context, store, untag_image, untag_tag] { run_untag(context, *store, *untag_image, *untag_tag); });

  auto* copy = noun->add_subcommand("copy", "A new revision of DST with SRC's tree and settings (shares every object)");
  auto copy_src = std::make_shared<std::string>(), copy_dst = std::make_shared<std::string>();
  copy->add_option("SRC", *copy_src, "NAME[:REV]")->required();
  copy->add_option("DST", *copy_dst, "Image name")->required();
  add_image_store_option(copy, *store);
  copy->callback([&context, store, copy_src, copy_dst] { run_copy(context, *store, *copy_src, *copy_dst); });

  auto* remove = noun->add_subcommand("remove", "Remove an image (every revision and tag) or one revision");
  auto remove_name = std::make_shared<std::string>();
  remove->add_option("NAME[:REV]", *remove_name, "Image, or one revision")->required();
  add_image_store_option(remove, *store);
  remove->callback([&context, store, remove_name] { run_remove(context, *store, *remove_name); });

  auto* prune = noun->add_subcommand("prune", "Remove old revisions, keeping the newest N, tagged and pinned ones");
  auto prune_name = std::make_shared<std::string>();
  auto prune_keep = std::make_shared<size_t>(5);
  auto prune_dry = std::make_shared<bool>(false);
  prune->add_option("NAME", *prune_name, "Image")->required();
  prune->add_option("--keep", *prune_keep, "Revisions to keep (default 5)")->check(CLI::PositiveNumber);
  prune->add_flag("--dry-run", *prune_dry, "Say what would go");
  add_image_store_option(prune, *store);
  prune->callback([&context, store, prune_name, prune_keep, prune_dry] {
    run_prune(context, *store, *prune_name, *prune_keep, *prune_dry);
  });

  auto* set = noun->add_subcommand("set", "A new revision with the same tree and changed settings");
  auto set_o = std::make_shared<SetCommand>();
  set->add_option("NAME", set_o->image, "Image")->required();
  set->add_option("-m,--message", set_o->message, "Why");
  add_settings_options(set, set_o->settings, true);
  add_image_store_option(set, *store);
  set->callback([&context, store, set_o] { run_set(context, *store, *set_o); });

  auto* checkout = noun->add_subcommand("checkout", "Write a revision into a folder, exactly (what DIR had is replaced)");
  auto co_name = std::make_shared<std::string>(), co_dir = std::make_shared<std::string>();
  checkout->add_option("NAME[:REV]", *co_name, "Image or revision")->required();
  checkout->add_option("DIR", *co_dir, "Folder (created if missing)")->required();
  add_image_store_option(checkout, *store);
  checkout->callback([&context, store, co_name, co_dir] { run_checkout(context, *store, *co_name, *co_dir); });

  add_image_capture_commands(*noun, context, store);
  add_image_update_commands(*noun, context, store);
  add_image_fleet_commands(*noun, context, store);
  add_image_import_command(*noun, context, store);
  add_image_install_command(*noun, context, store);
  add_image_override_commands(*noun, context, store);
}

}  // namespace herd::cli
