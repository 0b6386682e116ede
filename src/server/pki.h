// The cluster's PKI (docs/server.md, "Files"): a CA (EC P-256, self-signed, 10 years), the
// server's certificate signed by it (5 years, subjectAltName = the frontend's names and
// addresses), and the admin token. Every file is written atomically; keys and the token
// have mode 0600. The CA key never leaves the PKI folder.
#pragma once

#include <string>
#include <vector>

#include "inventory/inventory.h"
#include "util/result.h"

namespace herd::server {

// The files of a PKI folder.
struct PkiPaths {
  std::string dir;
  std::string ca_key() const { return dir + "/ca.key"; }
  std::string ca_crt() const { return dir + "/ca.crt"; }
  std::string server_key() const { return dir + "/server.key"; }
  std::string server_crt() const { return dir + "/server.crt"; }
  std::string admin_token() const { return dir + "/admin.token"; }
};

// Who the server certificate names.
struct ServerIdentity {
  std::string cluster;                 // in the CA's common name
  std::string name;                    // the frontend's name: the server certificate's CN
  std::vector<std::string> dns_names;  // subjectAltName DNS entries (name, FQDN, localhost)
  std::vector<std::string> ips;        // subjectAltName IP entries (addresses, 127.0.0.1)
};

// `pki` beside the inventory database `db_path` (e.g. /var/lib/herd/pki).
std::string pki_dir_beside(const std::string& db_path);
// The PKI folder when no --pki is given: $HERD_PKI, else pki_dir_beside(db_path).
std::string default_pki_dir(const std::string& db_path);

// The identity the inventory gives the frontend: cluster name, frontend name, its FQDN
// in the cluster domain and each network zone it has an address on, its addresses, its
// public address (setting `public_address`, set by a re-key: server/rekey.h), plus
// localhost and 127.0.0.1.
Result<ServerIdentity> frontend_identity(inventory::Inventory& inventory);

// Creates the folder (if needed) and every file in it. Fails (bad_input naming the
// folder) when it holds a CA already; on failure the files written so far are removed.
Status create_pki(const std::string& dir, const ServerIdentity& identity);

// Issues a new server key and certificate with the folder's CA (e.g. after the frontend
// got a new address). Fails naming the file that is missing or unreadable.
Status reissue_server_certificate(const std::string& dir, const ServerIdentity& identity);

// Whether every file is present: bad_input naming the folder and the first missing file.
Status check_pki(const std::string& dir);

// SHA-256 (64 hex digits) of ca.crt's bytes: what `--ca-sha256` pins.
Result<std::string> ca_fingerprint(const std::string& dir);

}  // namespace herd::server
