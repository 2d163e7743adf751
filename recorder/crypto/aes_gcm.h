// AES-256-GCM through OpenSSL EVP, with one reusable cipher context (one per
// thread: a worker keeps one for all its calls).
#pragma once

#include <array>
#include <cstdint>
#include <span>

#include "common/result.h"
#include "recorder/crypto/secret_key.h"

typedef struct evp_cipher_ctx_st EVP_CIPHER_CTX;

namespace trunkline::recorder {

inline constexpr std::size_t kGcmNonceSize = 12;
inline constexpr std::size_t kGcmTagSize = 16;
using GcmNonce = std::array<std::uint8_t, kGcmNonceSize>;
using GcmTag = std::array<std::uint8_t, kGcmTagSize>;

// Fills `nonce` from the CSPRNG; false if the generator failed.
bool random_nonce(GcmNonce& nonce);
// Fills `out` from the CSPRNG; false if the generator failed.
bool random_bytes(std::span<std::uint8_t> out);

class AesGcm {
 public:
  AesGcm();
  ~AesGcm();
  AesGcm(const AesGcm&) = delete;
  AesGcm& operator=(const AesGcm&) = delete;

  // Encrypts `plaintext` into `ciphertext` (same size) and writes the tag.
  Status seal(const SecretKey& key, const GcmNonce& nonce, std::span<const std::uint8_t> aad,
              std::span<const std::uint8_t> plaintext, std::uint8_t* ciphertext, GcmTag& tag);

  // Decrypts and authenticates; on failure nothing in `plaintext` may be used.
  Status open(const SecretKey& key, const GcmNonce& nonce, std::span<const std::uint8_t> aad,
              std::span<const std::uint8_t> ciphertext, const GcmTag& tag, std::uint8_t* plaintext);

 private:
  EVP_CIPHER_CTX* ctx_;
};

}  // namespace trunkline::recorder
