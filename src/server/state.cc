#include "server/state.h"

#include "inventory/schema.h"
#include "server/tokens.h"
#include "util/atomic_file.h"
#include "util/text.h"

namespace herd::server {

Status InventoryCache::refresh(inventory::Database& db) {
  auto mark = db.change_mark();
  if (!mark || mark_ != *mark) {
    token_nodes.clear();
    node_images.clear();
    mark_.reset();
  }
  if (!mark) return mark.error();
  mark_ = *mark;
  return {};
}

Result<std::unique_ptr<ServerState>> ServerState::open(const ServerConfig& config) {
  auto state = std::make_unique<ServerState>();
  state->config = config;
  state->pki = PkiPaths{config.pki_dir};
  HERD_CHECK(check_pki(config.pki_dir));
  auto ca = read_file(state->pki.ca_crt());
  if (!ca) return ca.error();
  state->ca_pem = std::move(*ca);
  auto admin = read_file(state->pki.admin_token());
  if (!admin) return admin.error();
  std::string token(trim(*admin));
  auto parsed = parse_token(token);
  if (!parsed || parsed->kind != TokenKind::admin)
    return bad_input("{}: not an admin token (herd-admin.<43 base64url>)", state->pki.admin_token());
  state->admin_sha256 = sha256_hex(token);
  auto db = inventory::open_sqlite(config.db_path, /*create=*/false);
  if (!db) return db.error();
  state->db = std::move(*db);
  HERD_CHECK(inventory::migrate(*state->db));
  state->inventory = std::make_unique<inventory::Inventory>(*state->db);
  return state;
}

}  // namespace herd::server
