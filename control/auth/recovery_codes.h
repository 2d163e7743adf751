// Recovery codes: the way back in for an MFA user who lost the phone. Ten
// single-use codes are generated at enrolment and shown once; only their
// SHA-256 hashes are kept.
//
// A code is 16 characters from a 32-character alphabet with no look-alikes
// (no 0/O, 1/I), written in four groups of four: XXXX-XXXX-XXXX-XXXX.
// That is 80 random bits, so a plain SHA-256 is enough to store it: unlike
// a password there is no dictionary to try, and 2^80 guesses stay out of
// reach however fast the hash (a salted, memory-hard hash protects
// low-entropy secrets; it would only slow every login here).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace trunkline::auth {

inline constexpr std::size_t kRecoveryCodeCount = 10;
inline constexpr std::string_view kRecoveryAlphabet = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ";

// What an account keeps: the hashes (lowercase hex) of the codes not yet
// used.
class RecoveryCodes {
 public:
  RecoveryCodes() = default;
  explicit RecoveryCodes(std::vector<std::string> hashes_hex) : hashes_(std::move(hashes_hex)) {}

  // Replaces any previous set; returns the codes in clear, to show once.
  std::vector<std::string> regenerate();

  // Accepts a code once. Input is forgiving about how it is typed: case,
  // and spaces or dashes between characters, do not matter. Every stored
  // hash is compared in constant time.
  bool consume(std::string_view code);

  std::size_t remaining() const { return hashes_.size(); }
  const std::vector<std::string>& hashes() const { return hashes_; }

 private:
  std::vector<std::string> hashes_;
};

// Uppercase, without spaces and dashes; empty if any other character is
// outside the alphabet.
std::string normalize_recovery_code(std::string_view code);

}  // namespace trunkline::auth
