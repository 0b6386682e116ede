#include "inventory/schema.h"

#include <array>

namespace herd::inventory {
namespace {

// Migration i brings the schema from version i to i+1. Append, never edit.
const std::array<const char*, kSchemaVersion> kMigrations = {
    R"sql(
CREATE TABLE settings (name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE networks (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  address TEXT NOT NULL,
  prefix INTEGER NOT NULL CHECK (prefix BETWEEN 0 AND 32),
  gateway TEXT NOT NULL DEFAULT '',
  zone TEXT NOT NULL DEFAULT '',
  mtu INTEGER NOT NULL DEFAULT 1500,
  pxe INTEGER NOT NULL DEFAULT 0,
  dynamic_start TEXT NOT NULL DEFAULT '',
  dynamic_end TEXT NOT NULL DEFAULT '',
  dns_servers TEXT NOT NULL DEFAULT '',
  comment TEXT NOT NULL DEFAULT ''
);
CREATE TABLE appliances (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  profile TEXT NOT NULL DEFAULT '',
  description TEXT NOT NULL DEFAULT ''
);
CREATE TABLE nodes (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  appliance_id INTEGER NOT NULL REFERENCES appliances(id),
  rack INTEGER NOT NULL DEFAULT 0,
  rank INTEGER NOT NULL DEFAULT 0,
  arch TEXT NOT NULL DEFAULT 'x86_64',
  os TEXT NOT NULL DEFAULT 'linux',
  cpus INTEGER NOT NULL DEFAULT 1,
  boot_action TEXT NOT NULL DEFAULT 'os',
  comment TEXT NOT NULL DEFAULT ''
);
CREATE INDEX nodes_appliance ON nodes(appliance_id);
CREATE INDEX nodes_rack ON nodes(rack, rank);
CREATE TABLE interfaces (
  id INTEGER PRIMARY KEY,
  node_id INTEGER NOT NULL REFERENCES nodes(id) ON DELETE CASCADE,
  device TEXT NOT NULL,
  mac TEXT UNIQUE,
  ip TEXT,
  network_id INTEGER REFERENCES networks(id),
  vlan INTEGER,
  name TEXT NOT NULL DEFAULT '',
  alias TEXT NOT NULL DEFAULT '',
  UNIQUE (node_id, device),
  UNIQUE (network_id, ip)
);
CREATE INDEX interfaces_node ON interfaces(node_id);
CREATE TABLE groups (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  nodeset TEXT NOT NULL DEFAULT '',
  description TEXT NOT NULL DEFAULT ''
);
CREATE TABLE attributes (
  scope TEXT NOT NULL CHECK (scope IN ('global','os','appliance','rack','node')),
  target TEXT NOT NULL,
  name TEXT NOT NULL,
  value TEXT NOT NULL,
  PRIMARY KEY (scope, target, name)
);
CREATE TABLE secrets (
  scope TEXT NOT NULL CHECK (scope IN ('global','os','appliance','rack','node')),
  target TEXT NOT NULL,
  name TEXT NOT NULL,
  value TEXT NOT NULL,
  PRIMARY KEY (scope, target, name)
);
)sql",
    // 2: credentials of `herd serve` (see inventory/credentials.h). Only SHA-256 hashes
    // of tokens are kept; times are Unix seconds.
    R"sql(
CREATE TABLE join_tokens (
  id TEXT PRIMARY KEY,
  secret_sha256 TEXT NOT NULL,
  appliance TEXT NOT NULL DEFAULT '',
  uses_left INTEGER NOT NULL CHECK (uses_left >= 0),
  expires INTEGER,
  created INTEGER NOT NULL,
  revoked INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE node_credentials (
  id TEXT PRIMARY KEY,
  node_id INTEGER NOT NULL REFERENCES nodes(id) ON DELETE CASCADE,
  secret_sha256 TEXT NOT NULL,
  created INTEGER NOT NULL,
  revoked INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX node_credentials_node ON node_credentials(node_id);
)sql",
};

}  // namespace

Result<int> schema_version(Database& db) {
  auto has_table = db.has_table("schema_version");
  if (!has_table) return has_table.error();
  if (!*has_table) return 0;
  int version = 0;
  HERD_CHECK(db.query("SELECT version FROM schema_version", {}, [&](const Row& row) {
    version = static_cast<int>(std::get<int64_t>(row[0]));
  }));
  return version;
}

Status migrate(Database& db) {
  auto version = schema_version(db);
  if (!version) return version.error();
  if (*version > kSchemaVersion)
    return failure("the inventory has schema version {}, newer than this herd knows ({}): upgrade herd",
                   *version, kSchemaVersion);
  for (int v = *version; v < kSchemaVersion; ++v) {
    Transaction tx(db);
    HERD_CHECK(tx.begin());
    if (v == 0) HERD_CHECK(db.exec("CREATE TABLE schema_version (version INTEGER NOT NULL)"));
    HERD_CHECK(db.exec(kMigrations[v]));
    HERD_CHECK(db.exec("DELETE FROM schema_version"));
    HERD_CHECK(db.exec("INSERT INTO schema_version (version) VALUES (?)", {int64_t{v + 1}}));
    HERD_CHECK(tx.commit());
  }
  return {};
}

}  // namespace herd::inventory
