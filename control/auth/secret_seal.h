// Secrets the appliance has to read back, not just verify (TOTP seeds), kept
// in the store sealed: AES-256-GCM under a key derived by HKDF-SHA256 from
// the appliance master key, with the account's name as associated data. A
// copy of the store (or of a backup) then gives nobody a second factor, and
// a sealed value copied onto another account's row does not open.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace trunkline::auth {

class SecretSeal {
 public:
  // `master_key`: the appliance's 32-byte master key ([recorder] master_key_file).
  static Result<SecretSeal> derive(std::span<const std::uint8_t> master_key);

  // "seal1:" then base64 of nonce (12) | ciphertext | tag (16). `context`
  // names what the secret belongs to ("totp/system/admin").
  std::string seal(std::span<const std::uint8_t> secret, std::string_view context) const;
  // The secret back; an error when it was not sealed by this key for this
  // context, or was altered.
  Result<std::vector<std::uint8_t>> open(std::string_view sealed, std::string_view context) const;

  static bool is_sealed(std::string_view stored);

 private:
  std::array<std::uint8_t, 32> key_{};
};

}  // namespace trunkline::auth
