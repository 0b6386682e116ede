// SHA-256 object names. A Hash is a value: compared, ordered, hashed and printed as
// 64 lowercase hex digits.
#pragma once

#include <array>
#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace herd::store {

struct Hash {
  std::array<uint8_t, 32> bytes{};

  std::string hex() const;
  // 64 hex digits (either case); nullopt on anything else.
  static std::optional<Hash> parse(std::string_view hex);
  bool is_zero() const;
  auto operator<=>(const Hash&) const = default;
};

// One-shot SHA-256 (OpenSSL EVP).
Hash sha256(std::string_view data);

// Incremental SHA-256 for streams (large files hashed while chunked).
class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;
  void update(std::string_view data);
  Hash finish();

 private:
  void* context_;  // EVP_MD_CTX*
};

}  // namespace herd::store

template <>
struct std::hash<herd::store::Hash> {
  size_t operator()(const herd::store::Hash& h) const noexcept {
    size_t out;
    static_assert(sizeof out <= sizeof h.bytes);
    __builtin_memcpy(&out, h.bytes.data(), sizeof out);
    return out;
  }
};
