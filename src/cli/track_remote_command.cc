// herd track init|push|pull|agent: the node side of the server protocol (docs/server.md).
// The work is in src/remote/; this file parses options, finds the agent's defaults and
// formats results. `herd track restore --node NAME` pulls through pull_before_restore().
#include <CLI/CLI.hpp>

#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>

#include "cli/commands.h"
#include "cli/context.h"
#include "cli/format.h"
#include "cli/output.h"
#include "cli/track_remote.h"
#include "remote/agent_config.h"
#include "remote/agent_units.h"
#include "remote/enroll.h"
#include "remote/http_remote.h"
#include "remote/pull.h"
#include "remote/push.h"
#include "store/object_store.h"
#include "store/refs.h"
#include "util/atomic_file.h"

namespace herd::cli {
namespace {

// The local side of a push or pull: --node, else the enrolled agent's node; --store, else
// the agent's store (resolve_track_site).
track::Site remote_site(const RemoteTarget& target, const std::string& node, const std::string& store) {
  track::SiteOptions options;
  options.store = store;
  options.node = !node.empty() ? node : target.agent ? target.agent->node : "";
  return unwrap(resolve_track_site(options));
}

remote::HttpRemote open_remote(const RemoteTarget& t) { return remote::HttpRemote(unwrap(remote::HttpClient::open(t.http))); }

// Progress on a terminal only: one line on stderr rewritten in place.
bool show_progress(const Context& context) { return !context.json && ::isatty(STDERR_FILENO); }

// --- init

struct InitCommand {
  std::string server, join_token, ca_sha256, ca, node, root = "/";
};

void run_init(Context& context, const InitCommand& o) {
  auto files = remote::agent_files();
  // The hostname the node asks for: --node, else the root's /etc/hostname, else this host's.
  track::SiteOptions site_options;
  site_options.root = o.root;
  site_options.node = o.node;
  auto site = unwrap(track::resolve_site(site_options));
  auto macs = remote::interface_macs();

  std::string pem;
  if (!o.ca_sha256.empty()) {
    std::string pin = unwrap(remote::normalize_fingerprint(o.ca_sha256));
    pem = unwrap(remote::fetch_pinned_ca(o.server, pin));
  } else {
    pem = unwrap(read_file(o.ca));
  }
  // The CA is saved before enrolling so the enrollment itself is verified against it;
  // agent.json is written only once the server has answered.
  std::error_code ec;
  std::filesystem::create_directories(files.dir, ec);
  if (ec) fail(failure("{}: cannot create: {}", files.dir, ec.message()));
  ::chmod(files.dir.c_str(), 0700);
  unwrap(write_file_atomically(files.ca(), pem, 0644));

  remote::EnrollRequest request;
  request.server = o.server;
  request.ca_file = files.ca();
  request.join_token = o.join_token;
  request.hostname = site.host;
  request.macs = macs;
  auto config = unwrap(remote::enroll(request));
  unwrap(remote::save_agent_config(files, config, pem));
  if (context.json) {
    print_json({{"node", config.node}, {"server", config.server}, {"agent_dir", files.dir}, {"macs", macs},
                {"hostname", site.host}});
    return;
  }
  fmt::print("{}\n", config.node);
  notice("enrolled as {} at {}; agent state in {}", config.node, config.server, files.dir);
}

// --- push

struct PushCommand {
  std::string node, store;
  RemoteOptions remote;
};

void run_push(Context& context, const PushCommand& o) {
  auto target = resolve_remote(o.remote);
  auto site = remote_site(target, o.node, o.store);
  auto local = unwrap(store::ObjectStore::open(site.store));
  store::Refs refs(site.store);
  auto server = open_remote(target);

  remote::PushOptions options;
  if (const char* b = std::getenv("HERD_PUSH_BATCH_BYTES"); b && *b) options.batch_bytes = std::strtoull(b, nullptr, 10);
  options.on_step = crash_hook("HERD_PUSH_CRASH_AT");
  bool progress = show_progress(context);
  if (progress)
    options.on_progress = [](const remote::PushProgress& p) {
      fmt::print(stderr, "\rpushing: {}/{} objects, {}   ", p.objects_sent, p.objects_to_send, bytes_text(p.bytes_sent));
    };
  auto r = remote::push_checkpoints(local, refs, site.ref(), server, options);
  if (progress) fmt::print(stderr, "\r\033[K");
  if (!r) fail(r.error());
  if (context.json) {
    print_json({{"node", site.host},
                {"ref", r->ref},
                {"server", server.describe()},
                {"before", hash_json(r->before)},
                {"head", r->head.hex()},
                {"up_to_date", r->up_to_date},
                {"checkpoints", r->checkpoints},
                {"objects_offered", r->objects_offered},
                {"objects_sent", r->objects_sent},
                {"bytes_sent", r->bytes_sent},
                {"objects_skipped", r->objects_skipped}});
    return;
  }
  if (r->up_to_date) {
    fmt::print("{} is up to date on {} ({})\n", r->ref, server.describe(), short_hash(r->head));
    return;
  }
  fmt::print("pushed {} checkpoint{} of {} to {} ({} -> {}): {} objects sent ({}), {} already there\n", r->checkpoints,
             r->checkpoints == 1 ? "" : "s", site.host, server.describe(), short_hash(r->before), short_hash(r->head),
             r->objects_sent, bytes_text(r->bytes_sent), r->objects_skipped);
}

// --- pull

struct PullCommand {
  std::string node, store;
  bool force = false;
  RemoteOptions remote;
};

remote::PullResult pull(Context& context, const RemoteTarget& target, const track::Site& site, bool force) {
  auto local = unwrap(store::ObjectStore::init(site.store));
  store::Refs refs(site.store);
  auto server = open_remote(target);
  remote::PullOptions options;
  options.replace_diverged = force;
  bool progress = show_progress(context);
  if (progress)
    options.on_progress = [](const remote::PullProgress& p) {
      fmt::print(stderr, "\rpulling: {} objects, {}   ", p.objects_fetched, bytes_text(p.bytes_fetched));
    };
  auto r = remote::pull_checkpoints(local, refs, site.ref(), server, options);
  if (progress) fmt::print(stderr, "\r\033[K");
  return unwrap(std::move(r));
}

nlohmann::json pull_json(const remote::PullResult& r, const track::Site& site) {
  return {{"node", site.host},          {"ref", r.ref},
          {"store", site.store},        {"remote", r.remote.hex()},
          {"before", hash_json(r.before)}, {"after", hash_json(r.after)},
          {"ref_updated", r.ref_updated}, {"checkpoints", r.checkpoints},
          {"objects_fetched", r.objects_fetched}, {"bytes_fetched", r.bytes_fetched},
          {"objects_present", r.objects_present}};
}

std::string pull_text(const remote::PullResult& r, const track::Site& site) {
  std::string out = fmt::format("pulled {} of {}: {} checkpoint{} new here, {} objects fetched ({}), {} present", r.ref,
                                short_hash(r.remote), r.checkpoints, r.checkpoints == 1 ? "" : "s", r.objects_fetched,
                                bytes_text(r.bytes_fetched), r.objects_present);
  if (r.ref_updated) out += fmt::format("; local {} {} -> {}", r.ref, short_hash(r.before), short_hash(r.after));
  else if (r.before && *r.before != r.remote) out += fmt::format("; local {} is ahead ({})", r.ref, short_hash(r.before));
  return out + " [" + site.store + "]";
}

void run_pull(Context& context, const PullCommand& o) {
  auto target = resolve_remote(o.remote);
  auto site = remote_site(target, o.node, o.store);
  auto r = pull(context, target, site, o.force);
  if (context.json) return print_json(pull_json(r, site));
  fmt::print("{}\n", pull_text(r, site));
}

// --- agent install|remove

struct AgentCommand {
  std::string root = "/";
  std::string on_calendar = "daily";
  std::string herd;
};

std::string running_binary() {
  std::error_code ec;
  auto path = std::filesystem::read_symlink("/proc/self/exe", ec);
  return ec ? "/usr/bin/herd" : path.string();
}

void run_agent_install(Context& context, const AgentCommand& o) {
  remote::AgentUnitOptions options;
  options.herd = o.herd.empty() ? running_binary() : o.herd;
  options.on_calendar = o.on_calendar;
  if (const char* dir = std::getenv("HERD_AGENT_DIR"); dir && *dir) options.environment.emplace_back("HERD_AGENT_DIR", dir);
  auto written = unwrap(remote::install_agent_units(o.root, options));
  if (context.json) return print_json({{"root", o.root}, {"written", written}, {"herd", options.herd}});
  for (const auto& p : written) fmt::print("wrote {}\n", p);
  if (o.root == "/") notice("start the timer with: systemctl daemon-reload && systemctl start herd-track.timer");
}

void run_agent_remove(Context& context, const AgentCommand& o) {
  auto removed = unwrap(remote::remove_agent_units(o.root));
  if (context.json) return print_json({{"root", o.root}, {"removed", removed}});
  for (const auto& p : removed) fmt::print("removed {}\n", p);
  if (removed.empty()) notice("nothing to remove beneath {}", o.root);
}

}  // namespace

void add_remote_options(CLI::App* cmd, RemoteOptions& o) {
  cmd->add_option("--server", o.server, "Frontend URL, https://HOST:PORT (default: the enrolled agent's)");
  cmd->add_option("--token", o.token, "Node token (default: the enrolled agent's)");
  cmd->add_option("--ca", o.ca, "CA certificate to verify the server with (default: the agent's ca.crt)");
}

Result<track::Site> resolve_track_site(const track::SiteOptions& options) {
  track::SiteOptions o = options;
  const char* env_store = std::getenv("HERD_STORE");
  bool store_given = !o.store.empty() || (env_store && *env_store);
  bool node_default = o.node.empty() && (o.root.empty() || o.root == "/");
  if (!store_given || node_default) {
    auto files = remote::agent_files();
    auto agent = remote::load_agent_config(files);
    if (!agent) return agent.error();
    if (*agent) {
      if (!store_given) o.store = files.store();
      if (node_default) o.node = (*agent)->node;
    }
  }
  return track::resolve_site(o);
}

void pull_before_restore(Context& context, const track::SiteOptions& site_options, const RemoteOptions& remote) {
  bool configured = !remote.server.empty() || (!site_options.node.empty() && load_agent().has_value());
  if (!configured) return;
  auto target = resolve_remote(remote);
  auto site = unwrap(resolve_track_site(site_options));
  auto r = pull(context, target, site, false);
  if (!context.json) notice("{}", pull_text(r, site));
}

std::optional<remote::AgentConfig> load_agent() {
  return unwrap(remote::load_agent_config(remote::agent_files()));
}

RemoteTarget resolve_remote(const RemoteOptions& o) {
  RemoteTarget t;
  t.agent = load_agent();
  auto files = remote::agent_files();
  const auto& agent = t.agent;
  t.http.base_url = !o.server.empty() ? o.server : agent ? agent->server : "";
  if (t.http.base_url.empty())
    fail(bad_input("no server: enroll this node with `herd track init --server URL ...` or give --server, --token and --ca "
                   "(agent state looked for in {})", files.dir));
  bool agent_server = agent && agent->server == t.http.base_url;
  t.http.token = !o.token.empty() ? o.token : agent_server ? agent->token : "";
  if (t.http.token.empty()) fail(bad_input("server {}: no token (give --token, or enroll with herd track init)", t.http.base_url));
  t.http.ca_file = o.ca;
  if (t.http.ca_file.empty() && std::filesystem::exists(files.ca())) t.http.ca_file = files.ca();
  if (t.http.ca_file.empty()) fail(bad_input("server {}: no CA certificate to verify it (give --ca FILE)", t.http.base_url));
  return t;
}

std::function<void(const char*)> crash_hook(const char* variable) {
  const char* at = std::getenv(variable);
  if (!at || !*at) return nullptr;
  std::string step = at;
  return [step](const char* name) {
    if (step == name) {
      std::fflush(nullptr);
      ::raise(SIGKILL);
    }
  };
}

void add_track_remote_command(CLI::App& app, Context& context) {
  auto* track = app.get_subcommand("track");

  auto init = std::make_shared<InitCommand>();
  auto* cmd = track->add_subcommand("init", "Enroll this node with the frontend: trust its CA, get a node credential");
  cmd->add_option("--server", init->server, "Frontend URL, https://HOST:PORT")->required();
  cmd->add_option("--join-token", init->join_token, "Join token from `herd token create`")->required();
  auto* pin = cmd->add_option("--ca-sha256", init->ca_sha256, "SHA-256 of the frontend's CA certificate (hex)");
  auto* ca = cmd->add_option("--ca", init->ca, "The frontend's CA certificate (PEM file), instead of --ca-sha256");
  pin->excludes(ca);
  cmd->add_option("--node", init->node, "Host name to ask for (default ROOT/etc/hostname, else this host's name)");
  cmd->add_option("--root", init->root, "The node's root, for its /etc/hostname (default /)");
  cmd->callback([&context, init] {
    if (init->ca_sha256.empty() && init->ca.empty()) fail(bad_input("track init: give --ca-sha256 HEX or --ca FILE"));
    run_init(context, *init);
  });

  auto push = std::make_shared<PushCommand>();
  cmd = track->add_subcommand("push", "Send the node's new checkpoints to the frontend (only objects it lacks)");
  cmd->add_option("--node", push->node, "Node whose checkpoints to push (default: the enrolled agent's)");
  cmd->add_option("--store", push->store, "Local store (default: the agent's store, else $HERD_STORE, else /var/lib/herd/store)");
  add_remote_options(cmd, push->remote);
  cmd->callback([&context, push] { run_push(context, *push); });

  auto pull = std::make_shared<PullCommand>();
  cmd = track->add_subcommand("pull", "Fetch the node's checkpoints from the frontend into the local store");
  cmd->add_option("--node", pull->node, "Node whose checkpoints to pull (default: the enrolled agent's)");
  cmd->add_option("--store", pull->store, "Local store (default: the agent's store, else $HERD_STORE, else /var/lib/herd/store)");
  cmd->add_flag("--force", pull->force, "Replace a local history that diverged from the server's (local-only checkpoints are dropped)");
  add_remote_options(cmd, pull->remote);
  cmd->callback([&context, pull] { run_pull(context, *pull); });

  auto* agent = track->add_subcommand("agent", "The node's schedule and package manager hooks for checkpoint + push");
  agent->require_subcommand(1);
  auto install = std::make_shared<AgentCommand>();
  cmd = agent->add_subcommand("install", "Write the systemd timer and service, and the apt (and dnf) hooks, beneath ROOT");
  cmd->add_option("--root", install->root, "Write beneath this root (default /)");
  cmd->add_option("--on-calendar", install->on_calendar, "When the timer fires, systemd OnCalendar= syntax (default daily)");
  cmd->add_option("--herd", install->herd, "Path of herd on the node (default: this binary)");
  cmd->callback([&context, install] { run_agent_install(context, *install); });
  auto remove = std::make_shared<AgentCommand>();
  cmd = agent->add_subcommand("remove", "Remove what agent install wrote");
  cmd->add_option("--root", remove->root, "Beneath this root (default /)");
  cmd->callback([&context, remove] { run_agent_remove(context, *remove); });
}

}  // namespace herd::cli
