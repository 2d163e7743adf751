#include "control/auth/secret_seal.h"

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>

#include <cstdlib>
#include <memory>

#include "control/auth/crypto.h"
#include "control/auth/encoding.h"

namespace trunkline::auth {

namespace {

constexpr std::string_view kPrefix = "seal1:";
constexpr std::size_t kNonce = 12, kTag = 16;
constexpr char kInfo[] = "trunkline account secrets v1";

struct CtxFree {
  void operator()(EVP_CIPHER_CTX* c) const { EVP_CIPHER_CTX_free(c); }
};
using Ctx = std::unique_ptr<EVP_CIPHER_CTX, CtxFree>;

}  // namespace

Result<SecretSeal> SecretSeal::derive(std::span<const std::uint8_t> master_key) {
  if (master_key.size() != 32) return Error{"the master key must be 32 bytes"};
  SecretSeal s;
  EVP_KDF* kdf = EVP_KDF_fetch(nullptr, "HKDF", nullptr);
  if (kdf == nullptr) return Error{"HKDF is not available in OpenSSL"};
  EVP_KDF_CTX* ctx = EVP_KDF_CTX_new(kdf);
  EVP_KDF_free(kdf);
  if (ctx == nullptr) return Error{"HKDF context allocation failed"};
  char digest[] = "SHA256";
  OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, digest, 0),
      OSSL_PARAM_construct_octet_string(
          OSSL_KDF_PARAM_KEY, const_cast<std::uint8_t*>(master_key.data()), master_key.size()),
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO, const_cast<char*>(kInfo),
                                        sizeof kInfo - 1),
      OSSL_PARAM_construct_end()};
  const int ok = EVP_KDF_derive(ctx, s.key_.data(), s.key_.size(), params);
  EVP_KDF_CTX_free(ctx);
  if (ok != 1) return Error{"HKDF derivation failed"};
  return s;
}

std::string SecretSeal::seal(std::span<const std::uint8_t> secret, std::string_view context) const {
  std::vector<std::uint8_t> out = random_bytes(kNonce);
  out.resize(kNonce + secret.size() + kTag);
  Ctx ctx(EVP_CIPHER_CTX_new());
  int len = 0;
  // Failures here mean OpenSSL itself is broken: as for random_bytes().
  if (!ctx ||
      EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, key_.data(), out.data()) != 1 ||
      EVP_EncryptUpdate(ctx.get(), nullptr, &len,
                        reinterpret_cast<const unsigned char*>(context.data()),
                        static_cast<int>(context.size())) != 1 ||
      EVP_EncryptUpdate(ctx.get(), out.data() + kNonce, &len, secret.data(),
                        static_cast<int>(secret.size())) != 1 ||
      EVP_EncryptFinal_ex(ctx.get(), out.data() + kNonce + len, &len) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, static_cast<int>(kTag),
                          out.data() + kNonce + secret.size()) != 1)
    std::abort();
  return std::string(kPrefix) + base64_encode(out);
}

Result<std::vector<std::uint8_t>> SecretSeal::open(std::string_view sealed,
                                                   std::string_view context) const {
  if (!is_sealed(sealed)) return Error{"not a sealed secret"};
  auto raw = base64_decode(sealed.substr(kPrefix.size()));
  if (!raw || raw->size() < kNonce + kTag) return Error{"sealed secret is malformed"};
  const std::size_t n = raw->size() - kNonce - kTag;
  std::vector<std::uint8_t> plain(n);
  Ctx ctx(EVP_CIPHER_CTX_new());
  int len = 0;
  const bool ok =
      ctx &&
      EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, key_.data(), raw->data()) == 1 &&
      EVP_DecryptUpdate(ctx.get(), nullptr, &len,
                        reinterpret_cast<const unsigned char*>(context.data()),
                        static_cast<int>(context.size())) == 1 &&
      EVP_DecryptUpdate(ctx.get(), plain.data(), &len, raw->data() + kNonce, static_cast<int>(n)) ==
          1 &&
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, static_cast<int>(kTag),
                          raw->data() + kNonce + n) == 1 &&
      EVP_DecryptFinal_ex(ctx.get(), plain.data() + len, &len) == 1;
  if (!ok) return Error{"sealed secret does not open (another key, another account, or altered)"};
  return plain;
}

bool SecretSeal::is_sealed(std::string_view stored) { return stored.starts_with(kPrefix); }

}  // namespace trunkline::auth
