// Credentials of `herd serve`: join tokens (enroll a node, a limited number of times,
// until they expire) and node credentials (one node's access). Only the SHA-256 of each
// token is kept (64 lowercase hex digits); the token text itself is never stored, so a
// copy of the inventory grants nothing. Ids are short public names ("revoke ID"); the
// token forms are in docs/server.md and server/tokens.h. Times are Unix seconds.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "inventory/database.h"
#include "util/result.h"

namespace herd::inventory {

struct JoinToken {
  std::string id;
  std::string secret_sha256;
  std::string appliance;  // "" = compute
  int64_t uses_left = 1;
  std::optional<int64_t> expires;  // nullopt = never
  int64_t created = 0;
  bool revoked = false;

  // Whether the token may enroll a node at time `now`.
  bool usable(int64_t now) const { return !revoked && uses_left > 0 && (!expires || now < *expires); }
};

struct NodeCredential {
  std::string id;
  std::string node;  // the node's current name (credentials follow renames)
  std::string secret_sha256;
  int64_t created = 0;
  bool revoked = false;
};

// Adds a join token. A clashing id or a bad field is bad_input; an unknown appliance too.
Status add_join_token(Database& db, const JoinToken& token);
// Every join token, by creation time then id.
Result<std::vector<JoinToken>> join_tokens(Database& db);
// nullopt when no token has that id.
Result<std::optional<JoinToken>> join_token(Database& db, const std::string& id);
// Marks a token revoked; an unknown id is bad_input naming it.
Status revoke_join_token(Database& db, const std::string& id);
// Counts one use of a token (which must have uses left; else bad_input). Meant to run in
// the caller's transaction, together with what the use achieved.
Status use_join_token(Database& db, const std::string& id);

// Adds a credential for `node`, revoking every earlier credential of that node.
Status add_node_credential(Database& db, const NodeCredential& credential);
// nullopt when no credential has that id.
Result<std::optional<NodeCredential>> node_credential(Database& db, const std::string& id);

}  // namespace herd::inventory
