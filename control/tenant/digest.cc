#include "control/tenant/digest.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <cstdlib>

namespace trunkline::tenant {

std::string digest_hex(DigestAlgorithm algorithm, std::string_view data) {
  const EVP_MD* md = algorithm == DigestAlgorithm::kMd5 ? EVP_md5() : EVP_sha256();
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  // Only fails when the algorithm is unavailable (a FIPS-only provider
  // without MD5): nothing sensible can be stored then.
  if (EVP_Digest(data.data(), data.size(), out, &len, md, nullptr) != 1) std::abort();
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex(2 * len, '0');
  for (unsigned int i = 0; i < len; ++i) {
    hex[2 * i] = kHex[out[i] >> 4];
    hex[2 * i + 1] = kHex[out[i] & 0x0f];
  }
  return hex;
}

std::string ha1(DigestAlgorithm algorithm, std::string_view user, std::string_view realm,
                std::string_view password) {
  std::string a1;
  a1.reserve(user.size() + realm.size() + password.size() + 2);
  a1.append(user).append(":").append(realm).append(":").append(password);
  std::string hex = digest_hex(algorithm, a1);
  OPENSSL_cleanse(a1.data(), a1.size());  // it holds the password
  return hex;
}

}  // namespace trunkline::tenant
