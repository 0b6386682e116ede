// Re-keying a cloned frontend (docs/image.md, "Cloning a frontend"): the root of a machine
// that got a frontend's image carries that frontend's inventory, store and PKI; re-keying
// makes it a frontend of its own cluster. In the inventory (one transaction): the cluster
// renamed, the frontend node renamed, its public address recorded (setting
// `public_address`, named by the server certificate), every join token and node
// credential of the old cluster revoked. In the PKI folder: a new CA, server certificate
// and admin token, replacing the old folder as a whole. Images, nodes, attributes and
// the store are kept: the clone deploys what it carries.
//
// Crash safety. The order is: the inventory transaction, which also records
// `rekey_pending` = the new CA's SHA-256, is opened; the new PKI is written and synced in
// a staging folder beside the PKI (`PKI.herd-rekey`); the transaction commits; the
// staging folder and the PKI folder are exchanged in one rename (renameat2
// RENAME_EXCHANGE); `rekey_pending` is cleared; the old PKI (now in the staging folder)
// is removed. A kill -9 before the commit leaves the old state (plus a staging folder
// that the next run removes); after it, the inventory is re-keyed and `rekey_pending`
// set, and `herd serve` refuses to start until a rerun of the re-key (which does the
// whole re-key again, idempotently in the inventory, with a fresh PKI) completes it.
#pragma once

#include <cstddef>
#include <functional>
#include <string>

#include "inventory/inventory.h"
#include "util/result.h"

namespace herd::server {

struct RekeyRequest {
  std::string pki_dir;         // the clone's PKI folder (made when the image had none)
  std::string cluster;         // the new cluster name (the CA's common name)
  std::string frontend;        // the frontend node's new name
  std::string public_address;  // an IPv4 address or a DNS name the nodes reach it by
  // Fault injection for the crash tests, called after each step: "staged" (new PKI
  // synced, inventory not committed), "committed", "swapped", "done".
  std::function<void(const char* step)> on_step;
};

struct RekeyReport {
  std::string old_cluster, old_frontend;
  std::string cluster, frontend, public_address;  // as written (the address normalized)
  std::string pki_dir;
  std::string ca_sha256;  // of the new ca.crt
  size_t join_tokens_revoked = 0, node_credentials_revoked = 0;
  bool resumed = false;  // an interrupted re-key was found (and is redone by this one)
};

// The setting that marks a re-key whose PKI swap may not have happened yet.
inline constexpr const char* kRekeyPendingSetting = "rekey_pending";

// Checks a request against the inventory without writing anything: names (cluster,
// frontend: host names), the public address (an IPv4 address, or a DNS name), that the
// inventory has a frontend node, and that the new frontend name is free (or the current
// frontend's). Bad input names the option and the value.
Status check_rekey(inventory::Inventory& inventory, const RekeyRequest& request);

// Re-keys as described above, checking first (check_rekey): on bad input nothing is
// written. Failures after the check leave one of the states described above.
Result<RekeyReport> rekey_frontend(inventory::Inventory& inventory, const RekeyRequest& request);

// bad_input naming the inventory when a re-key was interrupted after its commit (herd
// serve calls this before it starts: the PKI may still be the old cluster's).
Status check_no_pending_rekey(inventory::Inventory& inventory, const std::string& db_path);

}  // namespace herd::server
