#include "server/auth.h"

#include "server/tokens.h"

namespace herd::server {

std::string_view bearer_token(std::string_view authorization) {
  constexpr std::string_view kBearer = "Bearer ";
  if (authorization.size() <= kBearer.size()) return {};
  // The scheme is case-insensitive (RFC 7235).
  for (size_t i = 0; i < kBearer.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(authorization[i])) != std::tolower(static_cast<unsigned char>(kBearer[i])))
      return {};
  auto token = authorization.substr(kBearer.size());
  while (!token.empty() && token.front() == ' ') token.remove_prefix(1);
  while (!token.empty() && token.back() == ' ') token.remove_suffix(1);
  return token;
}

Result<Caller> authenticate(ServerState& state, std::string_view authorization) {
  auto token = bearer_token(authorization);
  if (token.empty()) return bad_input("authentication required: Authorization: Bearer TOKEN");
  auto parsed = parse_token(token);
  if (!parsed) return bad_input("unknown token");
  std::string hash = sha256_hex(token);
  switch (parsed->kind) {
    case TokenKind::admin:
      if (same_hash(hash, state.admin_sha256)) return Caller{Caller::Kind::admin, ""};
      return bad_input("unknown token");
    case TokenKind::join:
      return bad_input("a join token only enrolls (POST /api/v1/enroll)");
    case TokenKind::node: {
      std::lock_guard lock(state.inventory_mutex);
      // Every request of a node asks: the answer is cached until the inventory changes
      // (a revocation or a rename applies from the next request on, state.h). The key is
      // the whole token's hash, so a cached entry is found only with the right secret.
      HERD_CHECK(state.inventory_cache.refresh(*state.db));
      auto& cached = state.inventory_cache.token_nodes;
      if (auto it = cached.find(hash); it != cached.end()) return Caller{Caller::Kind::node, it->second};
      auto credential = inventory::node_credential(*state.db, parsed->id);
      if (!credential) return credential.error();
      if (!*credential || !same_hash(hash, (*credential)->secret_sha256)) return bad_input("unknown token");
      if ((*credential)->revoked) return bad_input("revoked token");
      cached.emplace(hash, (*credential)->node);
      return Caller{Caller::Kind::node, (*credential)->node};
    }
  }
  return bad_input("unknown token");
}

Result<inventory::JoinToken> check_join_token(ServerState& state, std::string_view text, int64_t now) {
  auto parsed = parse_token(text);
  if (!parsed || parsed->kind != TokenKind::join) return bad_input("not a join token");
  auto token = inventory::join_token(*state.db, parsed->id);
  if (!token) return token.error();
  if (!*token || !same_hash(sha256_hex(text), (*token)->secret_sha256)) return bad_input("unknown join token");
  if ((*token)->revoked) return bad_input("join token {} is revoked", parsed->id);
  if ((*token)->uses_left < 1) return bad_input("join token {} is used up", parsed->id);
  if ((*token)->expires && now >= *(*token)->expires) return bad_input("join token {} has expired", parsed->id);
  return std::move(**token);
}

}  // namespace herd::server
