// Bearer tokens of `herd serve` (docs/server.md, "Tokens"):
//   admin  herd-admin.<secret>
//   join   herd-join.<id>.<secret>
//   node   herd-node.<id>.<secret>
// A secret is 32 random bytes in base64url without padding (43 characters); an id is 12
// lowercase hex digits. The server keeps only sha256_hex(whole token).
#pragma once

#include <string>
#include <string_view>

#include "util/result.h"

namespace herd::server {

enum class TokenKind { admin, join, node };
const char* token_kind_name(TokenKind kind);

// A token as made here: its text, id ("" for admin) and hash.
struct IssuedToken {
  std::string token;
  std::string id;
  std::string sha256;  // 64 lowercase hex digits of the whole token text
};

// A token's parts, as far as its form goes (nothing is looked up).
struct ParsedToken {
  TokenKind kind = TokenKind::admin;
  std::string id;  // "" for admin
};

// base64url without padding.
std::string base64url(std::string_view bytes);
// `n` bytes from the operating system's CSPRNG (OpenSSL RAND_bytes); fails only when it does.
Result<std::string> random_bytes(size_t n);

Result<IssuedToken> issue_token(TokenKind kind);
// nullopt-like failure (bad_input) when `text` has none of the three forms.
Result<ParsedToken> parse_token(std::string_view text);

// SHA-256 of `text` as 64 lowercase hex digits.
std::string sha256_hex(std::string_view text);
// Constant-time comparison of two hex hashes (false when the lengths differ).
bool same_hash(std::string_view a, std::string_view b);

}  // namespace herd::server
