#include "store/hash.h"

#include <openssl/evp.h>

#include <cstdlib>

namespace herd::store {
namespace {

// Fetched once: an implicit fetch on every EVP_DigestInit_ex costs more than hashing a
// small object.
const EVP_MD* sha256_md() {
  static EVP_MD* md = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  if (!md) std::abort();  // OpenSSL without SHA-256 is not a usable build
  return md;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::string Hash::hex() const {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out(64, '0');
  for (size_t i = 0; i < bytes.size(); ++i) {
    out[2 * i] = digits[bytes[i] >> 4];
    out[2 * i + 1] = digits[bytes[i] & 15];
  }
  return out;
}

std::optional<Hash> Hash::parse(std::string_view hex) {
  if (hex.size() != 64) return std::nullopt;
  Hash h;
  for (size_t i = 0; i < h.bytes.size(); ++i) {
    int hi = hex_value(hex[2 * i]), lo = hex_value(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    h.bytes[i] = static_cast<uint8_t>(hi << 4 | lo);
  }
  return h;
}

bool Hash::is_zero() const {
  for (uint8_t b : bytes)
    if (b != 0) return false;
  return true;
}

Hash sha256(std::string_view data) {
  Sha256 s;
  s.update(data);
  return s.finish();
}

// Invariant: context_ is always initialized for a new digest, so update() may follow the
// constructor or finish() directly (finish() re-initializes it for reuse).
Sha256::Sha256() : context_(EVP_MD_CTX_new()) {
  if (!context_ || EVP_DigestInit_ex(static_cast<EVP_MD_CTX*>(context_), sha256_md(), nullptr) != 1) std::abort();
}

Sha256::~Sha256() { EVP_MD_CTX_free(static_cast<EVP_MD_CTX*>(context_)); }

void Sha256::update(std::string_view data) {
  if (EVP_DigestUpdate(static_cast<EVP_MD_CTX*>(context_), data.data(), data.size()) != 1) std::abort();
}

Hash Sha256::finish() {
  Hash h;
  unsigned int size = 0;
  auto* ctx = static_cast<EVP_MD_CTX*>(context_);
  if (EVP_DigestFinal_ex(ctx, h.bytes.data(), &size) != 1 || size != h.bytes.size()) std::abort();
  if (EVP_DigestInit_ex(ctx, sha256_md(), nullptr) != 1) std::abort();
  return h;
}

}  // namespace herd::store
