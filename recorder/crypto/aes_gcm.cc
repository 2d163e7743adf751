#include "recorder/crypto/aes_gcm.h"

#include <openssl/evp.h>
#include <openssl/rand.h>

#include <climits>

namespace trunkline::recorder {
namespace {

// EVP takes int lengths; everything we seal is far below 2 GiB.
bool fits_int(std::size_t n) { return n <= static_cast<std::size_t>(INT_MAX); }

// Fetched once: OpenSSL 3 otherwise looks the algorithm up (under a lock) on
// every init, which showed up in the recorder benchmark.
const EVP_CIPHER* aes_256_gcm() {
  static EVP_CIPHER* cipher = EVP_CIPHER_fetch(nullptr, "AES-256-GCM", nullptr);
  return cipher;
}

}  // namespace

bool SecretKey::randomize() {
  return RAND_bytes(bytes_.data(), static_cast<int>(bytes_.size())) == 1;
}

bool random_nonce(GcmNonce& nonce) {
  return RAND_bytes(nonce.data(), static_cast<int>(nonce.size())) == 1;
}

bool random_bytes(std::span<std::uint8_t> out) {
  return fits_int(out.size()) && RAND_bytes(out.data(), static_cast<int>(out.size())) == 1;
}

AesGcm::AesGcm() : ctx_(EVP_CIPHER_CTX_new()) {}

AesGcm::~AesGcm() { EVP_CIPHER_CTX_free(ctx_); }

Status AesGcm::seal(const SecretKey& key, const GcmNonce& nonce, std::span<const std::uint8_t> aad,
                    std::span<const std::uint8_t> plaintext, std::uint8_t* ciphertext,
                    GcmTag& tag) {
  if (ctx_ == nullptr || aes_256_gcm() == nullptr) return Error{"aes-gcm: no cipher context"};
  if (!fits_int(aad.size()) || !fits_int(plaintext.size()))
    return Error{"aes-gcm: input too large"};
  int len = 0;
  if (EVP_EncryptInit_ex(ctx_, aes_256_gcm(), nullptr, key.data(), nonce.data()) != 1 ||
      (!aad.empty() &&
       EVP_EncryptUpdate(ctx_, nullptr, &len, aad.data(), static_cast<int>(aad.size())) != 1) ||
      (!plaintext.empty() && EVP_EncryptUpdate(ctx_, ciphertext, &len, plaintext.data(),
                                               static_cast<int>(plaintext.size())) != 1) ||
      EVP_EncryptFinal_ex(ctx_, ciphertext + plaintext.size(), &len) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx_, EVP_CTRL_GCM_GET_TAG, static_cast<int>(tag.size()), tag.data()) !=
          1) {
    return Error{"aes-gcm: encryption failed"};
  }
  return Status::Ok();
}

Status AesGcm::open(const SecretKey& key, const GcmNonce& nonce, std::span<const std::uint8_t> aad,
                    std::span<const std::uint8_t> ciphertext, const GcmTag& tag,
                    std::uint8_t* plaintext) {
  if (ctx_ == nullptr || aes_256_gcm() == nullptr) return Error{"aes-gcm: no cipher context"};
  if (!fits_int(aad.size()) || !fits_int(ciphertext.size()))
    return Error{"aes-gcm: input too large"};
  int len = 0;
  GcmTag expected = tag;  // EVP wants a non-const pointer
  if (EVP_DecryptInit_ex(ctx_, aes_256_gcm(), nullptr, key.data(), nonce.data()) != 1 ||
      (!aad.empty() &&
       EVP_DecryptUpdate(ctx_, nullptr, &len, aad.data(), static_cast<int>(aad.size())) != 1) ||
      (!ciphertext.empty() && EVP_DecryptUpdate(ctx_, plaintext, &len, ciphertext.data(),
                                                static_cast<int>(ciphertext.size())) != 1) ||
      EVP_CIPHER_CTX_ctrl(ctx_, EVP_CTRL_GCM_SET_TAG, static_cast<int>(expected.size()),
                          expected.data()) != 1) {
    return Error{"aes-gcm: decryption failed"};
  }
  if (EVP_DecryptFinal_ex(ctx_, plaintext + ciphertext.size(), &len) != 1) {
    return Error{"authentication failed (wrong key, or the data or its context was altered)"};
  }
  return Status::Ok();
}

}  // namespace trunkline::recorder
