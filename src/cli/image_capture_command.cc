// herd image capture|upload|exec|shell (and import): making revisions (docs/image.md,
// "Capture", "Changing an image"). The work is in src/image/.
#include <CLI/CLI.hpp>

#include <unistd.h>

#include "cli/context.h"
#include "cli/format.h"
#include "cli/image_commands.h"
#include "cli/image_common.h"
#include "cli/output.h"
#include "cli/track_remote.h"
#include "image/capture.h"
#include "image/image_exec.h"
#include "image/tree_packages.h"
#include "remote/http_remote.h"
#include "remote/push.h"
#include "run/engine.h"
#include "run/shell_quote.h"
#include "run/transport.h"
#include "store/refs.h"
#include "track/host_name.h"
#include "track/stat_cache.h"
#include "util/text.h"
#include "util/time_text.h"

namespace herd::cli {
namespace {

std::string capture_ref(const std::string& node) { return "captures/" + node; }

void print_revision_made(Context& context, const image::Revision& r, const image::CaptureResult* c,
                         const std::string& how) {
  if (context.json) {
    auto j = revision_json(r);
    if (c) {
      j["files_read"] = c->files_read;
      j["bytes_read"] = c->bytes_read;
      j["new_bytes"] = c->new_bytes;
      j["cache_hits"] = c->cache_hits;
    }
    return print_json(j);
  }
  std::string line = fmt::format("{} {}", r.text(), how);
  if (c)
    line += fmt::format(": {} entries, {} files ({}); read {} files, {} new in the store", c->entries, c->files,
                        bytes_text(c->bytes), c->files_read, bytes_text(c->new_bytes));
  fmt::print("{}\n", line);
  if (c)
    for (const auto& n : c->notes) notice("note: {}", n);
}

// The settings a new revision of `name` starts from: its newest revision's, if any.
image::ImageSettings current_settings(image::Catalog& catalog, const std::string& name,
                                      std::optional<image::Revision>& newest) {
  auto refs = unwrap(catalog.refs_of(name));
  if (refs.revisions.empty()) return {};
  newest = unwrap(catalog.resolve(image::ImageRef{name, 0, ""}));
  return newest->settings();
}

// --- capture --root

struct CaptureCommand {
  std::string image, root, from, message;
  SettingsOptions settings;
  int jobs = 0;
};

void capture_from_root(Context& context, const std::string& store_root, const CaptureCommand& o) {
  auto s = open_image_store(store_root, true);
  if (!image::valid_image_name(o.image)) unwrap(image::parse_image_ref(o.image));
  std::optional<image::Revision> newest;
  auto settings = apply_settings(current_settings(*s.catalog, o.image, newest), o.settings);
  std::string root = std::filesystem::absolute(o.root).lexically_normal().string();
  if (root.size() > 1 && root.back() == '/') root.pop_back();
  image::CaptureOptions capture;
  capture.excludes = settings.exclude;
  capture.threads = o.jobs;
  capture.stat_cache = track::stat_cache_path(store_root, root, "image-" + o.image);
  if (newest) capture.trusted_tree = newest->snapshot.tree;
  capture.on_step = crash_hook("HERD_IMAGE_CRASH_AT");
  auto captured = unwrap(image::capture_root(*s.store, root, capture));
  if (newest && newest->snapshot.tree == captured.tree && newest->settings() == settings) {
    if (context.json) return print_json(revision_json(*newest));
    return notice("{}: {} is unchanged since {}; no new revision", o.image, root, newest->text());
  }
  image::NewRevision r;
  r.tree = captured.tree;
  r.settings = settings;
  r.message = o.message;
  r.source = "capture --root " + root;
  if (newest) r.previous = newest->id;
  r.metadata = captured.metadata();
  if (auto step = crash_hook("HERD_IMAGE_CRASH_AT")) step("before-revision");
  auto made = unwrap(s.catalog->commit(o.image, r));
  print_revision_made(context, made, &captured, "captured from " + root);
}

// --- capture --from NODE: the node runs `herd image upload`

void capture_from_node(Context& context, const std::string& store_root, const CaptureCommand& o) {
  auto s = open_image_store(store_root, true);
  if (!image::valid_image_name(o.image)) unwrap(image::parse_image_ref(o.image));
  auto nodes = context.select_nodes(Selection{o.from, "", ""});
  if (nodes.size() != 1) fail(bad_input("--from takes one node, not {}", o.from));
  const std::string& node = nodes[0];
  std::optional<image::Revision> newest;
  auto settings = apply_settings(current_settings(*s.catalog, o.image, newest), o.settings);

  std::vector<std::string> words = {"herd", "image", "upload", "--json"};
  for (const auto& e : settings.exclude) words.insert(words.end(), {"--exclude", e});
  std::string command;
  for (const auto& w : words) command += (command.empty() ? "" : " ") + run::shell_quote(w);
  run::SshOptions ssh;
  if (const char* program = std::getenv("HERD_SSH"); program && *program) ssh.program = program;
  auto transport = run::make_run_transport(run::TransportKind::ssh, ssh, command);
  run::RunOptions options;
  options.fanout = 1;
  ProgressLine progress(context.json);
  progress.show(fmt::format("{}: walking its root and uploading what the frontend lacks", node), true);
  auto results = unwrap(run::run_nodes({node}, *transport, options));
  progress.clear();
  const run::NodeResult& r = results.at(0);
  if (r.status != run::NodeStatus::ok) {
    for (const auto& line : r.err) notice("{}: {}", node, line);
    fail(failure("{}: herd image upload failed ({}, exit {})", node, run::to_string(r.status), r.exit_code));
  }
  auto reply = nlohmann::json::parse(join(r.out, "\n"), nullptr, false);
  if (reply.is_discarded() || !reply.contains("snapshot") || !reply["snapshot"].is_string())
    fail(failure("{}: herd image upload gave no snapshot (output: {})", node, join(r.out, " | ")));
  auto snapshot_id = store::Hash::parse(reply["snapshot"].get<std::string>());
  if (!snapshot_id) fail(failure("{}: herd image upload named a bad snapshot", node));
  store::Refs refs(store_root);
  auto current = unwrap(refs.read(capture_ref(node)));
  if (current != *snapshot_id)
    fail(failure("{}: the server's {} is {}, not the snapshot the node uploaded ({}); is herd serve using the store {}?",
                 node, capture_ref(node), short_hash(current), short_hash(snapshot_id), store_root));
  auto snapshot = unwrap(store::decode_snapshot(unwrap(s.store->get(*snapshot_id, store::ObjectType::snapshot)),
                                                "capture " + snapshot_id->hex()));
  if (newest && newest->snapshot.tree == snapshot.tree && newest->settings() == settings) {
    if (context.json) return print_json(revision_json(*newest));
    return notice("{}: {} is unchanged since {}; no new revision", o.image, node, newest->text());
  }
  image::NewRevision made;
  made.tree = snapshot.tree;
  made.settings = settings;
  made.message = o.message;
  made.source = "capture --from " + node;
  if (newest) made.previous = newest->id;
  for (const char* key : {"packages", "package_backend", "entries", "bytes"})
    if (auto it = snapshot.metadata.find(key); it != snapshot.metadata.end()) made.metadata[key] = it->second;
  made.metadata["captured_from"] = node;
  auto revision = unwrap(s.catalog->commit(o.image, made));
  if (context.json) {
    auto j = revision_json(revision);
    j["upload"] = reply;
    return print_json(j);
  }
  fmt::print("{} captured from {}: {} entries; {} objects ({}) uploaded, {} already on the frontend\n", revision.text(),
             node, snapshot.metadata["entries"], reply.value("objects_sent", 0),
             bytes_text(reply.value("bytes_sent", uint64_t{0})), reply.value("objects_skipped", 0));
}

// --- upload (on the golden client)

struct UploadCommand {
  std::string root = "/";
  std::vector<std::string> excludes;
  RemoteOptions remote;
  int jobs = 0;
};

void run_upload(Context& context, const UploadCommand& o) {
  auto target = resolve_remote(o.remote);
  if (!target.agent) fail(bad_input("herd image upload runs on an enrolled node (herd track init first)"));
  const std::string& node = target.agent->node;
  auto files = remote::agent_files();
  auto local = unwrap(store::ObjectStore::init(files.store()));
  store::Refs local_refs(files.store());
  std::string ref = capture_ref(node);
  auto previous = unwrap(local_refs.read(ref));
  std::optional<store::Snapshot> previous_snapshot;
  if (previous)
    if (auto bytes = local.get(*previous, store::ObjectType::snapshot); bytes)
      if (auto snap = store::decode_snapshot(*bytes, "capture"); snap) previous_snapshot = std::move(*snap);

  image::CaptureOptions capture;
  capture.excludes = o.excludes;
  capture.threads = o.jobs;
  capture.stat_cache = track::stat_cache_path(files.store(), o.root, "capture");
  if (previous_snapshot) capture.trusted_tree = previous_snapshot->tree;
  ProgressLine progress(context.json);
  progress.show("walking " + o.root, true);
  auto captured = unwrap(image::capture_root(local, o.root, capture));

  store::Snapshot snapshot;
  snapshot.tree = captured.tree;
  snapshot.time_ns = now_ns();
  snapshot.author = track::user_at(node);
  snapshot.message = "capture of " + o.root;
  snapshot.metadata = captured.metadata();
  snapshot.metadata["kind"] = "capture";
  snapshot.metadata["host"] = node;
  snapshot.metadata["root"] = o.root;
  auto id = unwrap(local.put(store::ObjectType::snapshot, store::encode_snapshot(snapshot)));
  unwrap(local.sync());
  unwrap(local_refs.compare_and_swap(ref, previous, id));

  remote::HttpRemote server(unwrap(remote::HttpClient::open(target.http)));
  remote::PushOptions push;
  push.on_step = crash_hook("HERD_PUSH_CRASH_AT");
  push.on_progress = [&](const remote::PushProgress& p) {
    progress.show(fmt::format("uploading: {}/{} objects, {}", p.objects_sent, p.objects_to_send, bytes_text(p.bytes_sent)));
  };
  auto pushed = unwrap(remote::push_snapshot(local, id, ref, server, push));
  progress.clear();
  nlohmann::json out = {{"node", node},
                        {"snapshot", id.hex()},
                        {"tree", captured.tree.hex()},
                        {"entries", captured.entries},
                        {"files", captured.files},
                        {"bytes", captured.bytes},
                        {"files_read", captured.files_read},
                        {"objects_offered", pushed.objects_offered},
                        {"objects_sent", pushed.objects_sent},
                        {"bytes_sent", pushed.bytes_sent},
                        {"objects_skipped", pushed.objects_skipped},
                        {"notes", captured.notes}};
  if (context.json) return print_json(out);
  fmt::print("uploaded {} of {} to {}: {} entries; {} objects ({}) sent, {} already there\n", ref, o.root,
             server.describe(), captured.entries, pushed.objects_sent, bytes_text(pushed.bytes_sent),
             pushed.objects_skipped);
}

// --- exec, shell

struct ExecCommand {
  std::string image, message, work;
  std::vector<std::string> argv;
};

void run_exec(Context& context, const std::string& store_root, const ExecCommand& o, bool shell) {
  auto s = open_image_store(store_root);
  auto ref = unwrap(image::parse_image_ref(o.image));
  if (!ref.newest()) fail(bad_input("herd image exec changes the newest revision: give the image name only ({})", o.image));
  if (!shell && o.argv.empty()) fail(bad_input("herd image exec NAME -- COMMAND...: no command given"));
  if (shell && !::isatty(STDIN_FILENO)) fail(bad_input("herd image shell needs a terminal; use herd image exec NAME -- CMD"));
  image::ExecOptions options;
  options.argv = o.argv;
  options.message = o.message;
  options.work = o.work;
  ProgressLine progress(context.json);
  options.on_progress = [&](const std::string& text) {
    progress.show(text, true);
    if (text == "running the command") progress.clear();
  };
  auto r = unwrap(image::exec_in_image(*s.catalog, ref.image, options));
  progress.clear();
  if (r.exit_code != 0) {
    notice("{}: the command failed (exit {}); nothing committed", ref.image, r.exit_code);
    throw ExitWith{r.exit_code};
  }
  if (!r.revision) {
    if (context.json) return print_json({{"image", ref.image}, {"changed", false}});
    return notice("{}: nothing changed; no new revision", ref.image);
  }
  if (context.json) {
    auto j = revision_json(*r.revision);
    j["changes"] = r.changes;
    return print_json(j);
  }
  notice("{}: {} entries changed", r.revision->text(), r.changes);
}

}  // namespace

void add_image_capture_commands(CLI::App& noun, Context& context, std::shared_ptr<std::string> store) {
  auto* capture = noun.add_subcommand("capture", "A new revision from a golden client (--from NODE) or a folder (--root DIR)");
  auto co = std::make_shared<CaptureCommand>();
  capture->add_option("NAME", co->image, "Image (created when new)")->required();
  auto* root = capture->add_option("--root", co->root, "Capture this folder (a chroot, a debootstrap)");
  auto* from = capture->add_option("--from", co->from, "Capture this enrolled node's root over ssh");
  root->excludes(from);
  capture->add_option("-m,--message", co->message, "Why");
  capture->add_option("-j,--jobs", co->jobs, "Threads storing content (default: one per core, at most 4)");
  add_settings_options(capture, co->settings, true);
  add_image_store_option(capture, *store);
  capture->callback([&context, store, co] {
    if (!co->root.empty()) return capture_from_root(context, *store, *co);
    if (!co->from.empty()) return capture_from_node(context, *store, *co);
    fail(bad_input("herd image capture {}: say where from: --from NODE or --root DIR", co->image));
  });

  auto* upload = noun.add_subcommand("upload", "On a golden client: capture this root and upload it (capture --from runs it)");
  auto uo = std::make_shared<UploadCommand>();
  upload->add_option("--root", uo->root, "The root to capture (default /)");
  upload->add_option("--exclude", uo->excludes, "Leave this path (glob) out too; repeatable");
  upload->add_option("-j,--jobs", uo->jobs, "Threads storing content");
  add_remote_options(upload, uo->remote);
  upload->callback([&context, uo] { run_upload(context, *uo); });

  auto* exec = noun.add_subcommand("exec", "Run a command inside the image, then commit what changed as a new revision");
  auto eo = std::make_shared<ExecCommand>();
  exec->add_option("NAME", eo->image, "Image")->required();
  exec->add_option("COMMAND", eo->argv, "The command and its arguments (after --)")->required();
  exec->add_option("-m,--message", eo->message, "Why (default: exec: COMMAND)");
  exec->add_option("--work", eo->work, "Work folder (default: image-work beside the store)");
  add_image_store_option(exec, *store);
  exec->callback([&context, store, eo] { run_exec(context, *store, *eo, false); });

  auto* shell = noun.add_subcommand("shell", "An interactive shell inside the image; what changed is committed on exit 0");
  auto so = std::make_shared<ExecCommand>();
  shell->add_option("NAME", so->image, "Image")->required();
  shell->add_option("-m,--message", so->message, "Why (default: shell)");
  shell->add_option("--work", so->work, "Work folder (default: image-work beside the store)");
  add_image_store_option(shell, *store);
  shell->callback([&context, store, so] { run_exec(context, *store, *so, true); });
}

}  // namespace herd::cli
