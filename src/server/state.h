// What every worker thread of `herd serve` shares: configuration, the inventory (one
// connection, used under `inventory_mutex`), the admin token's hash and the node access
// caches. Per-thread things (the ObjectStore) live in the Router.
#pragma once

#include <memory>
#include <mutex>
#include <string>

#include "inventory/database.h"
#include "inventory/inventory.h"
#include "server/node_access.h"
#include "server/pki.h"

namespace herd::server {

struct ServerConfig {
  std::string listen = "0.0.0.0:8443";  // ADDR:PORT (port 0 = any free port)
  std::string store_root;
  std::string pki_dir;
  std::string db_path;
  int threads = 0;  // 0 = twice the cores, at most 16
  std::string version;
};

struct ServerState {
  ServerConfig config;
  PkiPaths pki;
  std::string ca_pem;          // PKI/ca.crt as served by GET /api/v1/ca
  std::string admin_sha256;    // of PKI/admin.token's token

  std::mutex inventory_mutex;  // guards db and inventory
  std::unique_ptr<inventory::Database> db;
  std::unique_ptr<inventory::Inventory> inventory;

  NodeAccess access;

  // Loads the PKI files and opens (and migrates) the inventory. Fails naming the file.
  static Result<std::unique_ptr<ServerState>> open(const ServerConfig& config);
};

}  // namespace herd::server
