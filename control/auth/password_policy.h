// A tenant's password policy and the check of a candidate password against
// it. Every item is configurable per tenant; the defaults are the original
// product's standard settings.
//
// Length counts Unicode code points of the UTF-8 text, not bytes, so a
// 20-character limit means the same to a user typing Japanese as to one
// typing ASCII. The text is hashed as given (no normalisation): type it the
// same way and it matches.
//
// Always refused, whatever the policy: text that is not valid UTF-8
// (including overlong forms and surrogates), control characters (U+0000 to
// U+001F, U+007F to U+009F), and the characters ' " , ; : < > * ( ) that the
// original product forbids because its tools passed them unescaped.
//
// Character classes for the require_* items: upper = A-Z, lower = a-z,
// digit = 0-9 (ASCII only, so the rules are the same on every keyboard),
// symbol = any other character except the space.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "common/result.h"
#include "control/auth/role.h"

namespace trunkline::auth {

inline constexpr std::size_t kMinLengthFloor = 8;
inline constexpr std::uint32_t kMaxExpiryDays = 999;
inline constexpr std::uint32_t kMaxHistoryGenerations = 10;
inline constexpr std::string_view kForbiddenPasswordChars = "'\",;:<>*()";

struct PasswordPolicy {
  // At least 8 (the floor), and at most the agents' maximum, since one
  // policy covers every role of the tenant.
  std::size_t min_length = 8;
  // Maximum lengths for administrator roles (at most 64) and for agents (at
  // most 20); see password_length_ceiling(). Each at least min_length.
  std::size_t max_length_admin = 64;
  std::size_t max_length_agent = 20;
  // Days a password stays valid after it was set; 0 = never expires.
  std::uint32_t expiry_days = 0;
  // Consecutive failed logins that lock the account; 0 = never locks.
  std::uint32_t lock_after_failures = 0;
  bool require_upper = false;
  bool require_lower = false;
  bool require_digit = false;
  bool require_symbol = false;
  // How many passwords before the current one may not be reused (0 to 10).
  // The current password itself can never be "changed" to itself.
  std::uint32_t history_generations = 0;
  // A password set by an administrator (the initial one, or a reset) must be
  // changed by the user at the next login.
  bool must_change_initial = true;
};

// Ok, or an error naming the field and its allowed range.
Status validate_policy(const PasswordPolicy& policy);

// The maximum length for this role under this policy.
std::size_t max_password_length(const PasswordPolicy& policy, Role role);

// Code points in valid UTF-8 text; an error for invalid UTF-8.
Result<std::size_t> utf8_length(std::string_view text);

// Checks the candidate against every rule, in the order: UTF-8, control
// characters, forbidden characters, minimum and maximum length, upper,
// lower, digit, symbol, history. Returns the first rule broken; messages
// never contain the password or any character of it.
//
// history_hashes are stored password hashes, most recent first, the first
// being the current password: the candidate is refused if it matches the
// first 1 + policy.history_generations of them. Each comparison is a full
// scrypt verification (tens of milliseconds), so history is checked last.
Status check_password(const PasswordPolicy& policy, Role role, std::string_view candidate,
                      std::span<const std::string> history_hashes);

}  // namespace trunkline::auth
