#include "server/tokens.h"

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "store/hash.h"

namespace herd::server {
namespace {

constexpr size_t kSecretBytes = 32;
constexpr size_t kSecretChars = 43;
constexpr size_t kIdChars = 12;

constexpr std::string_view kPrefixes[] = {"herd-admin.", "herd-join.", "herd-node."};

bool is_b64url(std::string_view s) {
  for (char c : s)
    if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_'))
      return false;
  return true;
}

bool is_lower_hex(std::string_view s) {
  for (char c : s)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

}  // namespace

const char* token_kind_name(TokenKind kind) {
  switch (kind) {
    case TokenKind::admin: return "admin";
    case TokenKind::join: return "join";
    case TokenKind::node: return "node";
  }
  return "?";
}

std::string base64url(std::string_view bytes) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  out.reserve((bytes.size() * 4 + 2) / 3);
  size_t i = 0;
  auto byte = [&](size_t k) { return static_cast<uint32_t>(static_cast<unsigned char>(bytes[k])); };
  for (; i + 3 <= bytes.size(); i += 3) {
    uint32_t v = byte(i) << 16 | byte(i + 1) << 8 | byte(i + 2);
    for (int s = 18; s >= 0; s -= 6) out += kAlphabet[(v >> s) & 63];
  }
  if (bytes.size() - i == 1) {
    uint32_t v = byte(i) << 16;
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
  } else if (bytes.size() - i == 2) {
    uint32_t v = byte(i) << 16 | byte(i + 1) << 8;
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
  }
  return out;
}

Result<std::string> random_bytes(size_t n) {
  std::string out(n, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(n)) != 1)
    return failure("the random number generator failed");
  return out;
}

Result<IssuedToken> issue_token(TokenKind kind) {
  auto secret = random_bytes(kSecretBytes);
  if (!secret) return secret.error();
  IssuedToken t;
  if (kind != TokenKind::admin) {
    auto id = random_bytes(kIdChars / 2);
    if (!id) return id.error();
    static constexpr char kHex[] = "0123456789abcdef";
    for (unsigned char c : *id) {
      t.id += kHex[c >> 4];
      t.id += kHex[c & 15];
    }
  }
  t.token = std::string(kPrefixes[static_cast<int>(kind)]) + (t.id.empty() ? "" : t.id + ".") + base64url(*secret);
  t.sha256 = sha256_hex(t.token);
  return t;
}

Result<ParsedToken> parse_token(std::string_view text) {
  for (int k = 0; k < 3; ++k) {
    std::string_view prefix = kPrefixes[k];
    if (text.substr(0, prefix.size()) != prefix) continue;
    std::string_view rest = text.substr(prefix.size());
    ParsedToken p{static_cast<TokenKind>(k), ""};
    if (p.kind != TokenKind::admin) {
      if (rest.size() < kIdChars + 1 || rest[kIdChars] != '.' || !is_lower_hex(rest.substr(0, kIdChars)))
        return bad_input("malformed {} token", token_kind_name(p.kind));
      p.id = std::string(rest.substr(0, kIdChars));
      rest = rest.substr(kIdChars + 1);
    }
    if (rest.size() != kSecretChars || !is_b64url(rest)) return bad_input("malformed {} token", token_kind_name(p.kind));
    return p;
  }
  return bad_input("not a herd token");
}

std::string sha256_hex(std::string_view text) { return store::sha256(text).hex(); }

bool same_hash(std::string_view a, std::string_view b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace herd::server
