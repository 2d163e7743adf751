// HTTP Digest for SIP (RFC 3261 section 22.4, RFC 2617, RFC 7616, RFC 8760):
// parsing the Digest credentials of an Authorization header, and the digest
// arithmetic over a stored HA1 (the registrar never holds a password).
//
//   HA1      = H(username ":" realm ":" password)       stored, hex
//   HA2      = H(method ":" digest-uri)
//   response = H(HA1 ":" nonce ":" nc ":" cnonce ":" qop ":" HA2)
//
// H is MD5 or SHA-256 (OpenSSL EVP), written as lowercase hex. MD5-sess and
// SHA-256-sess are refused: they would need the cnonce inside HA1, which a
// stored digest cannot give, and no phone we serve requires them.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace trunkline::registrar {

enum class DigestAlgorithm : std::uint8_t { kMd5, kSha256 };

// "MD5", "SHA-256": as written in challenges.
std::string_view algorithm_name(DigestAlgorithm alg);
// Hex characters of one digest: 32 for MD5, 64 for SHA-256.
std::size_t digest_hex_size(DigestAlgorithm alg);

enum class DigestError : std::uint8_t {
  kNone,
  kSyntax,                // not auth-param *( "," auth-param ), or a parameter of the wrong form
  kNotDigest,             // another scheme (Basic, ...)
  kDuplicateParam,        // the same parameter twice
  kTooManyParams,         // more than kMaxDigestParams parameters
  kMissingParam,          // username, realm, nonce, uri or response absent, or cnonce/nc with qop
  kUnsupportedAlgorithm,  // MD5-sess, SHA-256-sess, SHA-512-256, ...
  kUnsupportedQop,        // qop other than "auth" (auth-int)
  kUnsupportedUserhash,   // userhash=true or username* (RFC 7616 section 3.4.4)
};

std::string_view digest_error_name(DigestError e);

struct DigestParseResult {
  DigestError error = DigestError::kNone;
  const char* detail = "";  // static text
  std::size_t offset = 0;   // into the header value
  bool ok() const { return error == DigestError::kNone; }
};

inline constexpr std::size_t kMaxDigestParams = 32;

// Views into the header value; quoted values without their quotes, escapes
// kept as written (unquoted() resolves them).
struct DigestCredentials {
  std::string_view username;
  std::string_view realm;
  std::string_view nonce;
  std::string_view uri;
  std::string_view response;  // hex, either case as sent
  std::string_view cnonce;
  std::string_view opaque;
  std::string_view nc_text;  // 8 hex digits as written (they are hashed as written)
  std::uint32_t nc = 0;
  DigestAlgorithm algorithm = DigestAlgorithm::kMd5;  // MD5 when absent (RFC 7616 section 3.3)
  bool has_algorithm = false;
  bool has_opaque = false;
  bool has_qop = false;  // qop=auth (the only one accepted)
};

// Parses a whole Authorization (or Proxy-Authorization) value with the
// Digest scheme. Unknown parameters are ignored (RFC 7616 section 3.4);
// algorithm and qop are accepted quoted as well as bare, since some phones
// quote them. No allocation.
DigestParseResult parse_digest_credentials(std::string_view value, DigestCredentials* out);

// The text of a quoted value's inside with its backslash escapes resolved.
std::string unquoted(std::string_view inner);

// Lowercase hex of H(data).
std::string digest_hex(DigestAlgorithm alg, std::string_view data);

// H(username ":" realm ":" password): what provisioning stores.
std::string compute_ha1(DigestAlgorithm alg, std::string_view username, std::string_view realm,
                        std::string_view password);

// The expected response for qop=auth from a stored HA1 (hex, either case).
// With an empty qop, the RFC 2069 form H(HA1 ":" nonce ":" HA2).
std::string compute_response(DigestAlgorithm alg, std::string_view ha1_hex, std::string_view nonce,
                             std::string_view nc_text, std::string_view cnonce,
                             std::string_view qop, std::string_view method, std::string_view uri);

// Whether `creds` (unquoted as needed) answers `method` for the stored HA1.
// The comparison runs in constant time (CRYPTO_memcmp); a response of the
// wrong length, or an empty HA1, never matches.
bool verify_response(const DigestCredentials& creds, std::string_view ha1_hex,
                     std::string_view method);

}  // namespace trunkline::registrar
