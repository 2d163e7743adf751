// Binary-to-text encodings of RFC 4648 used by the auth library:
// base32 (TOTP secrets, section 6), base64 (password hashes, section 4) and
// base64url (session tokens, section 5), all written without padding.
// Decoders accept exactly what the encoders write: no padding, no
// whitespace, no lowercase base32, and no non-zero bits left over in the
// last character (so each byte string has one text form).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace trunkline::auth {

std::string base32_encode(std::span<const std::uint8_t> data);
Result<std::vector<std::uint8_t>> base32_decode(std::string_view text);

std::string base64_encode(std::span<const std::uint8_t> data);
Result<std::vector<std::uint8_t>> base64_decode(std::string_view text);

std::string base64url_encode(std::span<const std::uint8_t> data);
Result<std::vector<std::uint8_t>> base64url_decode(std::string_view text);

}  // namespace trunkline::auth
