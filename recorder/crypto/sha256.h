// Incremental SHA-256 (OpenSSL EVP).
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string>

typedef struct evp_md_ctx_st EVP_MD_CTX;

namespace trunkline::recorder {

using Sha256Digest = std::array<std::uint8_t, 32>;

class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(Sha256&& other) noexcept;
  Sha256& operator=(Sha256&& other) noexcept;
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;

  void update(std::span<const std::uint8_t> bytes);
  // The digest of everything so far; the hasher starts over afterwards.
  Sha256Digest finish();

  static Sha256Digest of(std::span<const std::uint8_t> bytes);

 private:
  EVP_MD_CTX* ctx_;
};

std::string to_hex(std::span<const std::uint8_t> bytes);

}  // namespace trunkline::recorder
