// herd serve: the frontend's HTTPS API (docs/server.md).
#include <CLI/CLI.hpp>

#include <cstdio>

#include "cli/commands.h"
#include "cli/context.h"
#include "cli/output.h"
#include "cli/version.h"
#include "server/http_server.h"
#include "server/pki.h"
#include "server/rekey.h"
#include "server/state.h"
#include "store/object_store.h"

namespace herd::cli {
namespace {

struct ServeOptions {
  server::ServerConfig config;
  bool reissue = false;
};

void run_serve(Context& context, ServeOptions& o) {
  auto& c = o.config;
  if (c.threads < 0 || c.threads > 256) fail(bad_input("--threads must be 1-256, got {}", c.threads));
  if (c.pki_dir.empty()) c.pki_dir = server::default_pki_dir(context.db_path);
  if (c.store_root.empty()) c.store_root = store::default_store_root();
  c.db_path = context.db_path;
  c.version = kVersion;
  if (!context.database_exists()) fail(bad_input("{}: no inventory here (run herd init, or give --db)", context.db_path));
  unwrap(server::check_no_pending_rekey(context.inventory(), context.db_path));
  unwrap(server::check_pki(c.pki_dir));
  if (o.reissue) {
    unwrap(server::reissue_server_certificate(c.pki_dir, unwrap(server::frontend_identity(context.inventory()))));
    notice("issued a new server certificate in {}", c.pki_dir);
  }
  unwrap(store::ObjectStore::init(c.store_root));
  auto state = unwrap(server::ServerState::open(c));
  server::ServeHooks hooks;
  hooks.listening = [&](const std::string& address) {
    if (context.json)
      fmt::print("{}\n", nlohmann::json({{"listening", "https://" + address}}).dump());
    else
      fmt::print("listening on https://{}\n", address);
    std::fflush(stdout);
  };
  hooks.log = [](const std::string& line) {
    fmt::print(stderr, "{}\n", line);
    std::fflush(stderr);
  };
  unwrap(server::serve(*state, hooks));
}

}  // namespace

void add_serve_command(CLI::App& app, Context& context) {
  auto o = std::make_shared<ServeOptions>();
  auto* cmd = app.add_subcommand("serve", "Run the frontend's HTTPS API: enrollment, objects, refs, inventory");
  cmd->add_option("--listen", o->config.listen, "Address and port to listen on")->capture_default_str();
  cmd->add_option("--store", o->config.store_root, "Store folder (default $HERD_STORE, else /var/lib/herd/store)");
  cmd->add_option("--pki", o->config.pki_dir, "PKI folder (default $HERD_PKI, else pki beside the database)");
  cmd->add_option("--threads", o->config.threads, "Worker threads (default twice the cores, at most 16)");
  cmd->add_flag("--reissue-cert", o->reissue, "Issue a new server certificate from the inventory first (new names or addresses)");
  cmd->callback([&context, o] { run_serve(context, *o); });
}

}  // namespace herd::cli
