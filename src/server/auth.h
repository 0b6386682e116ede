// Who is asking: the bearer token of a request, checked against the admin token's hash
// and the inventory's credentials (docs/server.md, "Tokens"). A missing, malformed,
// unknown or revoked token is unauthenticated (401); what a known caller may do is the
// routes' business (403). Hashes are compared in constant time.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "inventory/credentials.h"
#include "server/state.h"

namespace herd::server {

struct Caller {
  enum class Kind { admin, node } kind = Kind::admin;
  std::string node;  // Kind::node: the inventory node the credential belongs to

  bool admin() const { return kind == Kind::admin; }
  // "admin" or "node NAME", for the request log.
  std::string describe() const { return admin() ? "admin" : "node " + node; }
};

// The token of an "Authorization: Bearer TOKEN" header; "" when there is none.
std::string_view bearer_token(std::string_view authorization);

// The caller a header names; failure (message for a 401) otherwise. Join tokens do not
// authenticate requests (they only enroll). Locks state.inventory_mutex.
Result<Caller> authenticate(ServerState& state, std::string_view authorization);

// The join token `text` names if it may enroll at `now`; failure (for a 401) otherwise.
// The caller holds state.inventory_mutex.
Result<inventory::JoinToken> check_join_token(ServerState& state, std::string_view text, int64_t now);

}  // namespace herd::server
