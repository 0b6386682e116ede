#include "inventory/credentials.h"

#include "inventory/validate.h"

namespace herd::inventory {
namespace {

std::string text(const Value& v) { return to_text(v); }
int64_t integer(const Value& v) { return v.index() == 1 ? std::get<int64_t>(v) : 0; }

bool valid_hash_hex(const std::string& hex) {
  if (hex.size() != 64) return false;
  for (char c : hex)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

constexpr const char* kJoinSelect =
    "SELECT id, secret_sha256, appliance, uses_left, expires, created, revoked FROM join_tokens";

JoinToken join_from(const Row& r) {
  JoinToken t;
  t.id = text(r[0]);
  t.secret_sha256 = text(r[1]);
  t.appliance = text(r[2]);
  t.uses_left = integer(r[3]);
  if (r[4].index() == 1) t.expires = integer(r[4]);
  t.created = integer(r[5]);
  t.revoked = integer(r[6]) != 0;
  return t;
}

Value nullable(const std::optional<int64_t>& v) { return v ? Value{*v} : Value{nullptr}; }

}  // namespace

Status add_join_token(Database& db, const JoinToken& token) {
  HERD_CHECK(check_record_name(token.id, "token id"));
  if (!valid_hash_hex(token.secret_sha256)) return bad_input("join token {}: the secret hash is not 64 hex digits", token.id);
  if (token.uses_left < 1) return bad_input("join token {}: uses must be at least 1, got {}", token.id, token.uses_left);
  Transaction tx(db);
  HERD_CHECK(tx.begin());
  if (!token.appliance.empty()) {
    bool known = false;
    HERD_CHECK(db.query("SELECT 1 FROM appliances WHERE name = ?", {token.appliance}, [&](const Row&) { known = true; }));
    if (!known) return bad_input("unknown appliance '{}'", token.appliance);
  }
  auto existing = join_token(db, token.id);
  if (!existing) return existing.error();
  if (*existing) return bad_input("a join token with id {} exists already", token.id);
  HERD_CHECK(db.exec("INSERT INTO join_tokens (id, secret_sha256, appliance, uses_left, expires, created, revoked) "
                     "VALUES (?, ?, ?, ?, ?, ?, ?)",
                     {token.id, token.secret_sha256, token.appliance, token.uses_left, nullable(token.expires),
                      token.created, int64_t{token.revoked ? 1 : 0}}));
  return tx.commit();
}

Result<std::vector<JoinToken>> join_tokens(Database& db) {
  std::vector<JoinToken> out;
  HERD_CHECK(db.query(fmt::format("{} ORDER BY created, id", kJoinSelect), {}, [&](const Row& r) { out.push_back(join_from(r)); }));
  return out;
}

Result<std::optional<JoinToken>> join_token(Database& db, const std::string& id) {
  std::optional<JoinToken> out;
  HERD_CHECK(db.query(fmt::format("{} WHERE id = ?", kJoinSelect), {id}, [&](const Row& r) { out = join_from(r); }));
  return out;
}

Status revoke_join_token(Database& db, const std::string& id) {
  Transaction tx(db);
  HERD_CHECK(tx.begin());
  auto existing = join_token(db, id);
  if (!existing) return existing.error();
  if (!*existing) return bad_input("no join token with id '{}'", id);
  HERD_CHECK(db.exec("UPDATE join_tokens SET revoked = 1 WHERE id = ?", {id}));
  return tx.commit();
}

Status use_join_token(Database& db, const std::string& id) {
  auto existing = join_token(db, id);
  if (!existing) return existing.error();
  if (!*existing || (*existing)->uses_left < 1) return bad_input("join token {} has no uses left", id);
  return db.exec("UPDATE join_tokens SET uses_left = uses_left - 1 WHERE id = ? AND uses_left > 0", {id});
}

Status add_node_credential(Database& db, const NodeCredential& credential) {
  HERD_CHECK(check_record_name(credential.id, "credential id"));
  if (!valid_hash_hex(credential.secret_sha256))
    return bad_input("node credential {}: the secret hash is not 64 hex digits", credential.id);
  Transaction tx(db);
  HERD_CHECK(tx.begin());
  std::optional<int64_t> node_id;
  HERD_CHECK(db.query("SELECT id FROM nodes WHERE name = ?", {credential.node}, [&](const Row& r) { node_id = integer(r[0]); }));
  if (!node_id) return bad_input("unknown node '{}'", credential.node);
  HERD_CHECK(db.exec("UPDATE node_credentials SET revoked = 1 WHERE node_id = ?", {*node_id}));
  HERD_CHECK(db.exec("INSERT INTO node_credentials (id, node_id, secret_sha256, created, revoked) VALUES (?, ?, ?, ?, ?)",
                     {credential.id, *node_id, credential.secret_sha256, credential.created,
                      int64_t{credential.revoked ? 1 : 0}}));
  return tx.commit();
}

Result<std::optional<NodeCredential>> node_credential(Database& db, const std::string& id) {
  std::optional<NodeCredential> out;
  HERD_CHECK(db.query("SELECT c.id, n.name, c.secret_sha256, c.created, c.revoked FROM node_credentials c "
                      "JOIN nodes n ON n.id = c.node_id WHERE c.id = ?",
                      {id}, [&](const Row& r) {
                        out = NodeCredential{text(r[0]), text(r[1]), text(r[2]), integer(r[3]), integer(r[4]) != 0};
                      }));
  return out;
}

}  // namespace herd::inventory
