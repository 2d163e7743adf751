#include "control/api/initial_password.h"

#include <algorithm>
#include <string_view>

#include "control/auth/crypto.h"

namespace trunkline::api {

std::string initial_password(const auth::PasswordPolicy& policy, auth::Role role) {
  constexpr std::string_view kSets[] = {"ABCDEFGHJKLMNPQRSTUVWXYZ", "abcdefghijkmnopqrstuvwxyz",
                                        "23456789", "-_.!@#%"};
  const std::size_t length = std::min(std::max<std::size_t>(policy.min_length, 16),
                                      auth::max_password_length(policy, role));
  const auto bytes = auth::random_bytes(length * 2);
  std::string out;
  // One of each class first, then any class; then a random rotation so the
  // classes are not always in the same places.
  for (std::size_t i = 0; i < length; ++i) {
    const std::string_view set = i < 4 ? kSets[i] : kSets[bytes[2 * i] % 3];
    out += set[bytes[2 * i + 1] % set.size()];
  }
  std::rotate(out.begin(), out.begin() + (bytes[0] % length), out.end());
  return out;
}

}  // namespace trunkline::api
