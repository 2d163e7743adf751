// Accounts and password policies of the control API in the store
// (migration 6): the persistence of control/auth's pure logic.
//
// Tenant scope: every call names the scope it works in, a tenant's ID or
// std::nullopt for the appliance (system administrators), and every query
// carries it, so an account of tenant B asked for in tenant A's name is
// simply not found, and A's lists and counts never include B's accounts.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "control/auth/account.h"
#include "control/auth/password_policy.h"
#include "control/auth/secret_seal.h"
#include "control/store/sqlite_store.h"

namespace trunkline::api {

using Scope = std::optional<std::int64_t>;  // a tenant, or nullopt: the appliance

class AccountRepository {
 public:
  // `seal`: TOTP secrets are written sealed under it (and read either way);
  // null: written in base32, as when the appliance has no master key.
  explicit AccountRepository(store::SqliteStore& store, const auth::SecretSeal* seal = nullptr)
      : store_(store), seal_(seal) {}

  // The account of that name in the scope, if any.
  Result<std::optional<auth::AccountRecord>> load(Scope scope, std::string_view name);
  // Adds a new account; refused when the name is taken in its scope.
  Status insert(const auth::AccountRecord& record);
  // Writes back an existing account's state (principal.tenant + user name
  // it); an error when it does not exist.
  Status save(const auth::AccountRecord& record);
  // Every account of the scope, by name.
  Result<std::vector<auth::AccountRecord>> list(Scope scope);
  // Removes it; an error when there is no such account in the scope.
  Status remove(Scope scope, std::string_view name);

  // The scope's policy, or the defaults when none was set.
  Result<auth::PasswordPolicy> policy(Scope scope);
  // Validated first: an invalid policy changes nothing.
  Status put_policy(Scope scope, const auth::PasswordPolicy& policy);

 private:
  store::SqliteStore& store_;
  const auth::SecretSeal* seal_;
};

}  // namespace trunkline::api
