// One user account's authentication state and the rules that move it:
// password set and change (policy, history), failed-attempt counting and
// lockout, unlock by an administrator, expiry, the change forced at first
// login, and the second factor. Pure logic: the time is always passed in,
// the caller persists record() (store), and authorization of whoever calls
// the administrator functions is authorize()'s job (kAdministerTenant).
//
// Login answers must not tell a stranger whether a user exists, or whether
// a password they guessed was close. So:
//   - an unknown user and a wrong password give the same outcome,
//     kBadCredentials, after the same scrypt work (login_unknown_user);
//   - a locked account answers kLocked only to the right password; a wrong
//     one gets kBadCredentials as usual (a locked account therefore reveals
//     nothing to someone who does not know its password);
//   - what actually happened goes into audit_reason, for the audit log only.
//
// After the right password, a user with a second factor enrolled (or whose
// role requires one) gets kMfaRequired (or kMfaEnrolmentRequired), and
// login_second_factor() must follow within mfa_step_window. Then, in this
// order: a password set by an administrator must be changed
// (kOkMustChange), an expired one too (kExpiredMustChange), else kOk. The
// caller gives a restricted session for the *MustChange and enrolment
// outcomes (after an enrolment it asks record().must_change_password and
// password_expired() whether a change is due too), and revokes the user's
// sessions when the password changes or the account locks.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "control/auth/password_hash.h"
#include "control/auth/password_policy.h"
#include "control/auth/recovery_codes.h"
#include "control/auth/role.h"
#include "control/auth/totp.h"

namespace trunkline::auth {

// The persistent state, as plain data for the store.
struct AccountRecord {
  Principal principal;
  std::string password_hash;
  // Hashes of earlier passwords, most recent first; at most 10 kept, so a
  // policy that raises history_generations later has them.
  std::vector<std::string> previous_hashes;
  std::chrono::sys_seconds password_changed_at{};
  bool must_change_password = false;
  std::uint32_t failed_attempts = 0;
  bool locked = false;
  std::optional<std::chrono::sys_seconds> locked_at;
  std::optional<std::chrono::sys_seconds> last_login_at;
  std::optional<TotpState> totp;
  RecoveryCodes recovery_codes;
  // When the password step of a login that awaits its second factor
  // succeeded; not worth persisting (a restart just asks again).
  std::optional<std::chrono::sys_seconds> password_verified_at;
};

enum class LoginOutcome : std::uint8_t {
  kOk,
  kOkMustChange,          // password set by an administrator: change it now
  kExpiredMustChange,     // password older than expiry_days: change it now
  kMfaRequired,           // password right; send the second factor
  kMfaEnrolmentRequired,  // password right; the role needs a second factor: enrol one now
  kBadCredentials,        // unknown user, wrong password or wrong second factor
  kLocked,                // right password, but the account is locked
};
std::string_view login_outcome_name(LoginOutcome outcome);

struct LoginResult {
  LoginOutcome outcome = LoginOutcome::kBadCredentials;
  // For the audit log only (never shown to the client); never contains a
  // password or code.
  std::string audit_reason;
};

struct AccountOptions {
  // For new hashes; tests pass cheaper ones.
  ScryptParams scrypt = kScryptProduction;
  // How long after the password step the second factor may come.
  std::chrono::seconds mfa_step_window{5 * 60};
};

class Account {
 public:
  // A new account with an initial password set by an administrator.
  static Result<Account> create(Principal principal, std::string_view initial_password,
                                const PasswordPolicy& policy, std::chrono::sys_seconds now,
                                AccountOptions options = {});
  // An account loaded from the store.
  explicit Account(AccountRecord record, AccountOptions options = {});

  LoginResult login(std::string_view password, const PasswordPolicy& policy,
                    std::chrono::sys_seconds now);
  // A TOTP code or a recovery code, after login() answered kMfaRequired.
  LoginResult login_second_factor(std::string_view code, const PasswordPolicy& policy,
                                  std::chrono::sys_seconds now);

  // The user changes their own password (also how an expired or initial
  // password is replaced). A wrong current password counts as a failed
  // attempt. Errors are the policy's messages or say what else is wrong.
  Status change_password(std::string_view current, std::string_view next,
                         const PasswordPolicy& policy, std::chrono::sys_seconds now);
  // An administrator sets a new password (a reset): the policy and history
  // apply, the account is unlocked, and the user must change it at the next
  // login when policy.must_change_initial.
  Status set_password_by_admin(std::string_view password, const PasswordPolicy& policy,
                               std::chrono::sys_seconds now);
  // By an administrator: unlocks and resets the failure count.
  void unlock();

  // Confirms a new TOTP secret (new_totp_enrolment()) with one code from
  // it, makes it the account's second factor and returns fresh recovery
  // codes, to show once.
  Result<std::vector<std::string>> enrol_totp(TotpState pending, std::string_view code,
                                              std::chrono::sys_seconds now);
  // By an administrator, for a user who lost both phone and codes.
  void reset_mfa();

  bool password_expired(const PasswordPolicy& policy, std::chrono::sys_seconds now) const;
  bool mfa_needed() const {
    return record_.totp.has_value() || requires_mfa(record_.principal.role);
  }
  const AccountRecord& record() const { return record_; }

 private:
  // Counts a failure and locks at the policy's limit; returns the reason.
  std::string fail(const PasswordPolicy& policy, std::chrono::sys_seconds now,
                   std::string_view what);
  // The password or second factor was the last step: the final outcome.
  LoginResult finish(const PasswordPolicy& policy, std::chrono::sys_seconds now,
                     std::string reason);
  Status replace_password(std::string_view password, const PasswordPolicy& policy,
                          std::chrono::sys_seconds now, bool by_admin);

  AccountRecord record_;
  AccountOptions options_;
};

// The answer for a user name that matches no account: kBadCredentials,
// after hashing the password once so that it takes as long as a real check.
LoginResult login_unknown_user(std::string_view password,
                               const ScryptParams& params = kScryptProduction);

}  // namespace trunkline::auth
