// What every worker thread of `herd serve` shares: configuration, the inventory (one
// connection, used under `inventory_mutex`), the admin token's hash and the node access
// caches. Per-thread things (the ObjectStore) live in the Router.
#pragma once

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

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

// The image a node is assigned: its attributes `image` and `image.revision` ("" = none,
// newest).
struct NodeImage {
  std::string image, revision;
};

// Answers of the inventory that nearly every request needs again (which node a token
// belongs to, which image a node runs), kept until anything is committed to the inventory
// by any connection (inventory::ChangeMark): a `herd attr set`, `herd token revoke` or node
// rename by another process, or an enrollment by this server, applies from the very next
// request on. Only answers that let a request through are kept (a refused token is looked
// up again each time). Used under ServerState::inventory_mutex.
class InventoryCache {
 public:
  // Empties the cache when the inventory changed since the last call. Fails when the
  // inventory cannot say (then nothing cached may be used, and the cache is empty).
  Status refresh(inventory::Database& db);

  std::unordered_map<std::string, std::string> token_nodes;  // node token's SHA-256 -> node
  std::unordered_map<std::string, NodeImage> node_images;    // node -> its assigned image

 private:
  std::optional<inventory::ChangeMark> mark_;
};

struct ServerState {
  ServerConfig config;
  PkiPaths pki;
  std::string ca_pem;          // PKI/ca.crt as served by GET /api/v1/ca
  std::string admin_sha256;    // of PKI/admin.token's token

  std::mutex inventory_mutex;  // guards db and inventory
  std::unique_ptr<inventory::Database> db;
  std::unique_ptr<inventory::Inventory> inventory;
  InventoryCache inventory_cache;  // guarded by inventory_mutex

  NodeAccess access;

  // Loads the PKI files and opens (and migrates) the inventory. Fails naming the file.
  static Result<std::unique_ptr<ServerState>> open(const ServerConfig& config);
};

}  // namespace herd::server
