// Wrapping one 256-bit key under another with AES-256-GCM. The additional
// data binds the wrapped key to its owner (tenant, recording), so a wrapped
// key copied into another context does not unwrap.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "common/result.h"
#include "recorder/crypto/aes_gcm.h"
#include "recorder/crypto/secret_key.h"

namespace trunkline::recorder {

// nonce (12) | encrypted key (32) | tag (16)
inline constexpr std::size_t kWrappedKeySize = kGcmNonceSize + SecretKey::kSize + kGcmTagSize;

Result<std::vector<std::uint8_t>> wrap_key(AesGcm& gcm, const SecretKey& wrapping_key,
                                           const SecretKey& key,
                                           std::span<const std::uint8_t> context);

Result<SecretKey> unwrap_key(AesGcm& gcm, const SecretKey& wrapping_key,
                             std::span<const std::uint8_t> wrapped,
                             std::span<const std::uint8_t> context);

}  // namespace trunkline::recorder
