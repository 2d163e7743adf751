// Shared by the auth tests: cheap scrypt parameters and an injected clock.
#pragma once

#include <chrono>
#include <cstdint>

#include "control/auth/password_hash.h"

namespace trunkline::auth::testing {

// N=2^4: microseconds per hash instead of ~100 ms. Only the production
// parameter test and the rehash tests use anything else.
inline constexpr ScryptParams kFastScrypt{4, 8, 1};

inline std::chrono::sys_seconds at(std::int64_t unix_seconds) {
  return std::chrono::sys_seconds{std::chrono::seconds{unix_seconds}};
}

}  // namespace trunkline::auth::testing
