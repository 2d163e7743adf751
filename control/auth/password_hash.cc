#include "control/auth/password_hash.h"

#include <openssl/core_names.h>
#include <openssl/kdf.h>
#include <openssl/params.h>

#include <charconv>
#include <memory>
#include <system_error>

#include "control/auth/crypto.h"
#include "control/auth/encoding.h"

namespace trunkline::auth {
namespace {

constexpr std::string_view kPrefix = "$scrypt$";

std::uint64_t memory_needed(const ScryptParams& p) {
  // OpenSSL's own accounting: V is 128*r*(N+2) bytes, B is 128*r*p bytes.
  return 128ull * p.r * ((1ull << p.log2_n) + 2 + p.p);
}

struct KdfFree {
  void operator()(EVP_KDF* k) const { EVP_KDF_free(k); }
  void operator()(EVP_KDF_CTX* c) const { EVP_KDF_CTX_free(c); }
};

// Fetched once: the fetch walks the provider tables, derivation does not.
EVP_KDF* scrypt_kdf() {
  static const std::unique_ptr<EVP_KDF, KdfFree> kdf(EVP_KDF_fetch(nullptr, "SCRYPT", nullptr));
  return kdf.get();
}

Status derive(std::string_view password, const std::vector<std::uint8_t>& salt,
              const ScryptParams& params, std::vector<std::uint8_t>* out) {
  EVP_KDF* kdf = scrypt_kdf();
  if (kdf == nullptr) return Error{"scrypt: OpenSSL has no SCRYPT KDF in its default provider"};
  std::unique_ptr<EVP_KDF_CTX, KdfFree> ctx(EVP_KDF_CTX_new(kdf));
  if (!ctx) return Error{"scrypt: cannot allocate a KDF context"};

  // OpenSSL wants a non-null pointer even for an empty octet string.
  char empty = 0;
  std::uint64_t n = 1ull << params.log2_n;
  std::uint32_t r = params.r;
  std::uint32_t p = params.p;
  std::uint64_t maxmem = memory_needed(params);
  std::vector<std::uint8_t> salt_copy = salt;
  OSSL_PARAM ossl[] = {
      OSSL_PARAM_construct_octet_string(
          OSSL_KDF_PARAM_PASSWORD, password.empty() ? &empty : const_cast<char*>(password.data()),
          password.size()),
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT, salt_copy.data(), salt_copy.size()),
      OSSL_PARAM_construct_uint64(OSSL_KDF_PARAM_SCRYPT_N, &n),
      OSSL_PARAM_construct_uint32(OSSL_KDF_PARAM_SCRYPT_R, &r),
      OSSL_PARAM_construct_uint32(OSSL_KDF_PARAM_SCRYPT_P, &p),
      OSSL_PARAM_construct_uint64(OSSL_KDF_PARAM_SCRYPT_MAXMEM, &maxmem),
      OSSL_PARAM_construct_end(),
  };
  if (EVP_KDF_derive(ctx.get(), out->data(), out->size(), ossl) != 1)
    return Error{"scrypt: derivation failed (ln=" + std::to_string(params.log2_n) +
                 ", r=" + std::to_string(params.r) + ", p=" + std::to_string(params.p) + ")"};
  return Status::Ok();
}

Result<std::uint32_t> parse_param(std::string_view item, std::string_view key) {
  const std::string want = std::string(key) + "=";
  if (item.substr(0, want.size()) != want)
    return Error{"password hash: expected parameter '" + std::string(key) + "'"};
  const std::string_view digits = item.substr(want.size());
  std::uint32_t v = 0;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), v);
  if (digits.empty() || ec != std::errc() || end != digits.data() + digits.size() ||
      (digits.size() > 1 && digits[0] == '0'))
    return Error{"password hash: parameter '" + std::string(key) + "' is not a decimal number"};
  return v;
}

// Splits at the first `sep`; the rest is everything after it.
std::string_view take(std::string_view* rest, char sep) {
  const std::size_t at = rest->find(sep);
  std::string_view head = rest->substr(0, at);
  *rest = at == std::string_view::npos ? std::string_view() : rest->substr(at + 1);
  return head;
}

}  // namespace

Status validate_scrypt_params(const ScryptParams& p) {
  if (p.log2_n < 1 || p.log2_n > 24)
    return Error{"scrypt ln must be 1 to 24, got " + std::to_string(p.log2_n)};
  if (p.r < 1 || p.r > 64) return Error{"scrypt r must be 1 to 64, got " + std::to_string(p.r)};
  if (p.p < 1 || p.p > 16) return Error{"scrypt p must be 1 to 16, got " + std::to_string(p.p)};
  if (memory_needed(p) > kScryptMaxMemoryBytes)
    return Error{"scrypt parameters need " + std::to_string(memory_needed(p) >> 20) +
                 " MiB, above the limit of " + std::to_string(kScryptMaxMemoryBytes >> 20) +
                 " MiB"};
  return Status::Ok();
}

Result<PasswordHash> parse_password_hash(std::string_view encoded) {
  if (encoded.substr(0, kPrefix.size()) != kPrefix)
    return Error{"password hash: does not start with '$scrypt$'"};
  std::string_view rest = encoded.substr(kPrefix.size());
  std::string_view params_text = take(&rest, '$');
  std::string_view salt_text = take(&rest, '$');
  std::string_view hash_text = rest;
  if (hash_text.empty() || hash_text.find('$') != std::string_view::npos)
    return Error{"password hash: expected 4 '$'-separated fields"};

  PasswordHash out;
  auto ln = parse_param(take(&params_text, ','), "ln");
  if (!ln) return ln.error();
  auto r = parse_param(take(&params_text, ','), "r");
  if (!r) return r.error();
  auto p = parse_param(take(&params_text, ','), "p");
  if (!p) return p.error();
  if (!params_text.empty()) return Error{"password hash: unexpected parameters after p"};
  out.params = {*ln, *r, *p};
  if (Status s = validate_scrypt_params(out.params); !s)
    return Error{"password hash: " + s.error().message};

  auto salt = base64_decode(salt_text);
  if (!salt) return Error{"password hash: salt: " + salt.error().message};
  if (salt->size() < 8 || salt->size() > 64)
    return Error{"password hash: salt must be 8 to 64 bytes, got " + std::to_string(salt->size())};
  auto hash = base64_decode(hash_text);
  if (!hash) return Error{"password hash: hash: " + hash.error().message};
  if (hash->size() < 16 || hash->size() > 64)
    return Error{"password hash: hash must be 16 to 64 bytes, got " + std::to_string(hash->size())};
  out.salt = std::move(*salt);
  out.hash = std::move(*hash);
  return out;
}

std::string format_password_hash(const PasswordHash& h) {
  return std::string(kPrefix) + "ln=" + std::to_string(h.params.log2_n) +
         ",r=" + std::to_string(h.params.r) + ",p=" + std::to_string(h.params.p) + "$" +
         base64_encode(h.salt) + "$" + base64_encode(h.hash);
}

Result<std::string> hash_password(std::string_view password, const ScryptParams& params) {
  if (Status s = validate_scrypt_params(params); !s) return s.error();
  PasswordHash h{params, random_bytes(kSaltBytes), std::vector<std::uint8_t>(kHashBytes)};
  if (Status s = derive(password, h.salt, params, &h.hash); !s) return s.error();
  return format_password_hash(h);
}

Result<bool> verify_password(std::string_view password, std::string_view encoded) {
  auto stored = parse_password_hash(encoded);
  if (!stored) return stored.error();
  std::vector<std::uint8_t> derived(stored->hash.size());
  if (Status s = derive(password, stored->salt, stored->params, &derived); !s) return s.error();
  return constant_time_equal(derived, stored->hash);
}

bool needs_rehash(std::string_view encoded, const ScryptParams& current) {
  auto stored = parse_password_hash(encoded);
  if (!stored) return true;
  const ScryptParams& p = stored->params;
  return p.log2_n < current.log2_n || p.r < current.r || p.p < current.p ||
         stored->salt.size() < kSaltBytes || stored->hash.size() < kHashBytes;
}

}  // namespace trunkline::auth
