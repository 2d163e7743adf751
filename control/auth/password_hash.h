// Password hashes: scrypt (RFC 7914) through OpenSSL 3's EVP_KDF "SCRYPT",
// a fresh 16-byte random salt per hash, a 32-byte output, written as one
// self-describing string:
//
//   $scrypt$ln=15,r=8,p=1$<salt, base64>$<hash, base64>
//
// (base64 of RFC 4648 section 4 without padding). ln is log2 of N. The
// production parameters N=2^15, r=8, p=1 need 32 MiB and cost about 0.2 s
// of CPU per hash on the shared build machine (docs/security.md has the
// measurement). That is what a login or a password check costs, and what
// makes guessing offline expensive; the API should run it off its event
// loop. Stored hashes keep their own parameters, so raising
// them later only makes needs_rehash() true; the account rehashes at the
// next successful login.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace trunkline::auth {

struct ScryptParams {
  std::uint32_t log2_n = 15;
  std::uint32_t r = 8;
  std::uint32_t p = 1;
};
inline constexpr ScryptParams kScryptProduction{15, 8, 1};

// Bounds on parameters, for new hashes and for parsed ones alike (a stored
// hash must not be able to make a login allocate gigabytes).
inline constexpr std::uint64_t kScryptMaxMemoryBytes = 256ull << 20;
inline constexpr std::size_t kSaltBytes = 16;
inline constexpr std::size_t kHashBytes = 32;

// Ok when 1 <= log2_n <= 24, 1 <= r <= 64, 1 <= p <= 16 and the memory
// scrypt needs, 128*r*(N+p+2) bytes, is at most kScryptMaxMemoryBytes.
Status validate_scrypt_params(const ScryptParams& params);

struct PasswordHash {
  ScryptParams params;
  std::vector<std::uint8_t> salt;
  std::vector<std::uint8_t> hash;
};

// Parses the string form; errors name the part that is wrong. Salts of 8 to
// 64 bytes and hashes of 16 to 64 bytes are accepted.
Result<PasswordHash> parse_password_hash(std::string_view encoded);
std::string format_password_hash(const PasswordHash& hash);

// A new salted hash of the password (its bytes as given: no normalisation).
// Tests pass smaller parameters to stay fast; production code uses the
// default.
Result<std::string> hash_password(std::string_view password,
                                  const ScryptParams& params = kScryptProduction);

// true: the password matches; false: it does not; an error: the stored
// string is not a hash this code can check. The comparison of the derived
// and stored hashes is constant-time.
Result<bool> verify_password(std::string_view password, std::string_view encoded);

// true when the stored hash is weaker than `current` in any parameter or
// size, or cannot be parsed.
bool needs_rehash(std::string_view encoded, const ScryptParams& current = kScryptProduction);

}  // namespace trunkline::auth
