// The few OpenSSL primitives the auth library shares: random bytes, SHA-256
// and a constant-time comparison. Randomness is the only I/O in control/auth.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

namespace trunkline::auth {

using Sha256Digest = std::array<std::uint8_t, 32>;

// Bytes from OpenSSL's CSPRNG. A failing RNG is an environment error that no
// caller could handle sensibly (every secret would be predictable), so it
// logs and aborts, as the registrar's nonce secret does.
std::vector<std::uint8_t> random_bytes(std::size_t n);

Sha256Digest sha256(std::span<const std::uint8_t> data);
Sha256Digest sha256(std::string_view text);

// CRYPTO_memcmp: the time taken does not depend on where a and b differ.
// Different sizes compare unequal (sizes are not secret here).
bool constant_time_equal(std::span<const std::uint8_t> a, std::span<const std::uint8_t> b);

}  // namespace trunkline::auth
