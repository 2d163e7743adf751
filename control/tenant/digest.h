// HTTP Digest hashes for SIP (RFC 2617, RFC 7616, RFC 8760): the HA1 of an
// agent's phone is H(username ":" realm ":" password), stored instead of the
// password. OpenSSL EVP underneath.
#pragma once

#include <string>
#include <string_view>

namespace trunkline::tenant {

enum class DigestAlgorithm { kMd5, kSha256 };

// Lowercase hex of H(data): 32 digits for MD5, 64 for SHA-256.
std::string digest_hex(DigestAlgorithm algorithm, std::string_view data);

// H(user:realm:password) as lowercase hex.
std::string ha1(DigestAlgorithm algorithm, std::string_view user, std::string_view realm,
                std::string_view password);

}  // namespace trunkline::tenant
