// herd token create|list|revoke: join tokens for `herd track init` (docs/server.md).
#include <CLI/CLI.hpp>

#include <chrono>

#include "cli/commands.h"
#include "cli/context.h"
#include "cli/output.h"
#include "cli/table.h"
#include "inventory/credentials.h"
#include "server/pki.h"
#include "server/tokens.h"
#include "util/time_text.h"

namespace herd::cli {
namespace {

int64_t now_seconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

std::string utc(int64_t seconds) { return utc_iso8601(seconds * 1'000'000'000); }

struct CreateOptions {
  int64_t uses = 1;
  int64_t ttl = 86400;
  std::string appliance;
  std::string server;
  std::string pki;
};

// The server URL a node should use: the frontend's public address (a re-keyed clone's),
// else its first address, port 8443.
std::string default_server_url(Context& context) {
  auto& inv = context.inventory();
  if (auto public_address = unwrap(inv.setting("public_address")); public_address && !public_address->empty())
    return fmt::format("https://{}:8443", *public_address);
  auto frontend = unwrap(inv.setting("frontend"));
  if (frontend) {
    auto node = inv.node(*frontend);
    if (node)
      for (const auto& i : node->interfaces)
        if (!i.ip.empty()) return fmt::format("https://{}:8443", i.ip);
    return fmt::format("https://{}:8443", *frontend);
  }
  return "https://localhost:8443";
}

void run_create(Context& context, CreateOptions& o) {
  if (o.uses < 1) fail(bad_input("--uses must be at least 1, got {}", o.uses));
  if (o.ttl < 1) fail(bad_input("--ttl must be at least 1 second, got {}", o.ttl));
  auto& db = context.database();
  std::string pki = o.pki.empty() ? server::default_pki_dir(context.db_path) : o.pki;
  auto fingerprint = unwrap(server::ca_fingerprint(pki));
  std::string url = o.server.empty() ? default_server_url(context) : o.server;
  auto issued = unwrap(server::issue_token(server::TokenKind::join));
  int64_t now = now_seconds();
  inventory::JoinToken token{issued.id, issued.sha256, o.appliance, o.uses, now + o.ttl, now, false};
  unwrap(inventory::add_join_token(db, token));
  std::string command =
      fmt::format("herd track init --server {} --join-token {} --ca-sha256 {}", url, issued.token, fingerprint);
  if (context.json) {
    print_json({{"id", issued.id},
                {"token", issued.token},
                {"uses", o.uses},
                {"expires", utc(now + o.ttl)},
                {"appliance", o.appliance.empty() ? "compute" : o.appliance},
                {"server", url},
                {"ca_sha256", fingerprint},
                {"command", command}});
    return;
  }
  print_text(fmt::format("{}\n\non each node, run:\n  {}\n", issued.token, command));
  notice("join token {}: {} use(s), expires {}", issued.id, o.uses, utc(now + o.ttl));
}

void run_list(Context& context) {
  auto tokens = unwrap(inventory::join_tokens(context.database()));
  int64_t now = now_seconds();
  auto state = [&](const inventory::JoinToken& t) {
    if (t.revoked) return "revoked";
    if (t.uses_left < 1) return "used up";
    if (t.expires && now >= *t.expires) return "expired";
    return "usable";
  };
  if (context.json) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& t : tokens)
      out.push_back({{"id", t.id},
                     {"appliance", t.appliance.empty() ? "compute" : t.appliance},
                     {"uses_left", t.uses_left},
                     {"created", utc(t.created)},
                     {"expires", t.expires ? nlohmann::json(utc(*t.expires)) : nlohmann::json()},
                     {"revoked", t.revoked},
                     {"state", state(t)}});
    print_json(out);
    return;
  }
  Table table({"ID", "APPLIANCE", "USES LEFT", "CREATED", "EXPIRES", "STATE"});
  for (const auto& t : tokens)
    table.add({t.id, t.appliance.empty() ? "compute" : t.appliance, std::to_string(t.uses_left), utc(t.created),
               t.expires ? utc(*t.expires) : "never", state(t)});
  print_text(table.render());
}

void run_revoke(Context& context, const std::string& id) {
  unwrap(inventory::revoke_join_token(context.database(), id));
  notice("revoked join token {}", id);
}

}  // namespace

void add_token_command(CLI::App& app, Context& context) {
  auto* token = app.add_subcommand("token", "Join tokens: let nodes enroll with herd serve");
  token->require_subcommand(1);
  auto create = std::make_shared<CreateOptions>();
  auto* cmd = token->add_subcommand("create", "Make a join token and print the command a node runs to enroll");
  cmd->add_option("--uses", create->uses, "How many nodes may enroll with it")->capture_default_str();
  cmd->add_option("--ttl", create->ttl, "Seconds until it expires")->capture_default_str();
  cmd->add_option("--appliance", create->appliance, "Appliance of nodes it adds (default compute)");
  cmd->add_option("--server", create->server, "Server URL in the printed command (default https://FRONTEND-IP:8443)");
  cmd->add_option("--pki", create->pki, "PKI folder (default $HERD_PKI, else pki beside the database)");
  cmd->callback([&context, create] { run_create(context, *create); });
  cmd = token->add_subcommand("list", "List join tokens (their secrets are not kept)");
  cmd->callback([&context] { run_list(context); });
  auto id = std::make_shared<std::string>();
  cmd = token->add_subcommand("revoke", "Revoke a join token");
  cmd->add_option("id", *id, "Token id (herd token list)")->required();
  cmd->callback([&context, id] { run_revoke(context, *id); });
}

}  // namespace herd::cli
