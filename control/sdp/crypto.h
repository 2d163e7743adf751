// a=crypto (RFC 4568, SDES for SRTP):
//   a=crypto:<tag> <crypto-suite> <key-params> [<session-params>]
//   key-params = "inline:" <key||salt base64> ["|" lifetime] ["|" MKI ":" length]
// The key is checked to decode to the length its suite needs.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace trunkline::sdp {

struct CryptoKey {
  std::string_view method = "inline";
  std::string_view key_salt;   // base64 as written
  std::string_view lifetime;   // "2^31" or decimal; empty when absent
  std::string_view mki_value;  // empty when absent
  std::uint32_t mki_length = 0;
  bool operator==(const CryptoKey&) const = default;
};

struct Crypto {
  std::uint32_t tag = 0;
  std::string_view suite;  // "AES_CM_128_HMAC_SHA1_80", ...
  std::vector<CryptoKey> keys;
  std::vector<std::string_view> session_params;  // "UNENCRYPTED_SRTCP", "KDR=1", ...
  bool operator==(const Crypto&) const = default;
};

bool parse_crypto(std::string_view value, Crypto* out, const char** error);
std::string format_crypto(const Crypto& crypto);

// Octets of key||salt for the SRTP suites of RFC 4568, 6188 and 7714;
// nullopt for a suite not known here.
std::optional<std::size_t> srtp_key_salt_length(std::string_view suite);

// Standard base64 (RFC 4648), padding optional.
bool decode_base64(std::string_view text, std::vector<std::uint8_t>* out);
std::string encode_base64(std::span<const std::uint8_t> bytes);

}  // namespace trunkline::sdp
