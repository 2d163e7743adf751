// A random initial password an administrator hands to a new user (or after
// a reset): it satisfies every rule of the tenant's policy, so it is always
// accepted, and the policy's must_change_initial makes the user replace it.
#pragma once

#include <string>

#include "control/auth/password_policy.h"
#include "control/auth/role.h"

namespace trunkline::api {

// max(min_length, 16) characters (at most the role's maximum) with at least
// one upper, lower, digit and symbol ('-', '_', '.', '!', '@', '#', '%').
std::string initial_password(const auth::PasswordPolicy& policy, auth::Role role);

}  // namespace trunkline::api
