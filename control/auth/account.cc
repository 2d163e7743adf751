#include "control/auth/account.h"

#include <algorithm>
#include <utility>

namespace trunkline::auth {
namespace {

constexpr std::size_t kKeptPreviousHashes = kMaxHistoryGenerations;

bool digits_only(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

std::string_view login_outcome_name(LoginOutcome o) {
  switch (o) {
    case LoginOutcome::kOk:
      return "ok";
    case LoginOutcome::kOkMustChange:
      return "ok_must_change";
    case LoginOutcome::kExpiredMustChange:
      return "expired_must_change";
    case LoginOutcome::kMfaRequired:
      return "mfa_required";
    case LoginOutcome::kMfaEnrolmentRequired:
      return "mfa_enrolment_required";
    case LoginOutcome::kBadCredentials:
      return "bad_credentials";
    case LoginOutcome::kLocked:
      return "locked";
  }
  return "unknown";
}

Result<Account> Account::create(Principal principal, std::string_view initial_password,
                                const PasswordPolicy& policy, std::chrono::sys_seconds now,
                                AccountOptions options) {
  if (principal.user.empty()) return Error{"account: user name is empty"};
  if (is_tenant_scoped(principal.role) != principal.tenant.has_value())
    return Error{"account: role " + std::string(role_name(principal.role)) +
                 (principal.tenant ? " must not belong to a tenant" : " needs a tenant")};
  if (Status s = validate_policy(policy); !s) return s.error();
  AccountRecord record;
  record.principal = std::move(principal);
  Account account(std::move(record), options);
  if (Status s = account.replace_password(initial_password, policy, now, /*by_admin=*/true); !s)
    return s.error();
  return account;
}

Account::Account(AccountRecord record, AccountOptions options)
    : record_(std::move(record)), options_(options) {}

bool Account::password_expired(const PasswordPolicy& policy, std::chrono::sys_seconds now) const {
  if (policy.expiry_days == 0) return false;
  return now >= record_.password_changed_at + std::chrono::days(policy.expiry_days);
}

std::string Account::fail(const PasswordPolicy& policy, std::chrono::sys_seconds now,
                          std::string_view what) {
  ++record_.failed_attempts;
  std::string reason = std::string(what) + " (failure " + std::to_string(record_.failed_attempts);
  if (policy.lock_after_failures != 0) {
    reason += " of " + std::to_string(policy.lock_after_failures);
    if (record_.failed_attempts >= policy.lock_after_failures) {
      record_.locked = true;
      record_.locked_at = now;
      record_.password_verified_at.reset();
      reason += "; account locked";
    }
  }
  return reason + ")";
}

LoginResult Account::finish(const PasswordPolicy& policy, std::chrono::sys_seconds now,
                            std::string reason) {
  record_.failed_attempts = 0;
  record_.password_verified_at.reset();
  record_.last_login_at = now;
  if (record_.must_change_password)
    return {LoginOutcome::kOkMustChange, reason + "; password set by an administrator"};
  if (password_expired(policy, now))
    return {LoginOutcome::kExpiredMustChange,
            reason + "; password expired after " + std::to_string(policy.expiry_days) + " days"};
  return {LoginOutcome::kOk, std::move(reason)};
}

LoginResult Account::login(std::string_view password, const PasswordPolicy& policy,
                           std::chrono::sys_seconds now) {
  // The hash is checked first, locked or not, so every answer costs the
  // same scrypt work.
  auto right = verify_password(password, record_.password_hash);
  if (!right)
    return {LoginOutcome::kBadCredentials, "stored hash unusable: " + right.error().message};
  if (record_.locked)
    return *right ? LoginResult{LoginOutcome::kLocked, "account locked; password right"}
                  : LoginResult{LoginOutcome::kBadCredentials, "account locked; wrong password"};
  if (!*right) return {LoginOutcome::kBadCredentials, fail(policy, now, "wrong password")};

  // Upgrade a hash made with weaker parameters while the password is at
  // hand; its age (for expiry) does not change.
  if (needs_rehash(record_.password_hash, options_.scrypt))
    if (auto fresh = hash_password(password, options_.scrypt); fresh.ok())
      record_.password_hash = std::move(*fresh);

  if (record_.totp) {
    record_.password_verified_at = now;
    return {LoginOutcome::kMfaRequired, "password right; second factor required"};
  }
  if (requires_mfa(record_.principal.role)) {
    LoginResult r = finish(policy, now, "password right");
    return {LoginOutcome::kMfaEnrolmentRequired,
            r.audit_reason + "; role " + std::string(role_name(record_.principal.role)) +
                " needs a second factor, none enrolled"};
  }
  return finish(policy, now, "password right");
}

LoginResult Account::login_second_factor(std::string_view code, const PasswordPolicy& policy,
                                         std::chrono::sys_seconds now) {
  if (!record_.password_verified_at || !record_.totp)
    return {LoginOutcome::kBadCredentials, "second factor without a password step"};
  if (now > *record_.password_verified_at + options_.mfa_step_window) {
    record_.password_verified_at.reset();
    return {LoginOutcome::kBadCredentials, "second factor too late after the password step"};
  }
  if (record_.locked) return {LoginOutcome::kLocked, "account locked"};

  // A recovery code is 16 characters, never a TOTP code's 6 or 8.
  if (digits_only(code) && code.size() == record_.totp->params.digits) {
    const TotpVerdict v = verify_totp(*record_.totp, code, now);
    if (v == TotpVerdict::kAccepted) return finish(policy, now, "password and totp right");
    return {LoginOutcome::kBadCredentials,
            fail(policy, now, "totp " + std::string(totp_verdict_name(v)))};
  }
  if (record_.recovery_codes.consume(code))
    return finish(policy, now,
                  "password and recovery code right (" +
                      std::to_string(record_.recovery_codes.remaining()) + " codes left)");
  return {LoginOutcome::kBadCredentials, fail(policy, now, "wrong recovery code")};
}

Status Account::replace_password(std::string_view password, const PasswordPolicy& policy,
                                 std::chrono::sys_seconds now, bool by_admin) {
  std::vector<std::string> history;
  if (!record_.password_hash.empty()) history.push_back(record_.password_hash);
  history.insert(history.end(), record_.previous_hashes.begin(), record_.previous_hashes.end());
  if (Status s = check_password(policy, record_.principal.role, password, history); !s) return s;
  auto hash = hash_password(password, options_.scrypt);
  if (!hash) return hash.error();

  if (!record_.password_hash.empty()) {
    record_.previous_hashes.insert(record_.previous_hashes.begin(), record_.password_hash);
    if (record_.previous_hashes.size() > kKeptPreviousHashes)
      record_.previous_hashes.resize(kKeptPreviousHashes);
  }
  record_.password_hash = std::move(*hash);
  record_.password_changed_at = now;
  record_.must_change_password = by_admin && policy.must_change_initial;
  record_.failed_attempts = 0;
  return Status::Ok();
}

Status Account::change_password(std::string_view current, std::string_view next,
                                const PasswordPolicy& policy, std::chrono::sys_seconds now) {
  if (record_.locked) return Error{"account is locked; an administrator must unlock it"};
  auto right = verify_password(current, record_.password_hash);
  if (!right) return Error{"stored password hash is unusable: " + right.error().message};
  if (!*right) {
    fail(policy, now, "wrong current password at change");
    return Error{"current password is wrong"};
  }
  return replace_password(next, policy, now, /*by_admin=*/false);
}

Status Account::set_password_by_admin(std::string_view password, const PasswordPolicy& policy,
                                      std::chrono::sys_seconds now) {
  if (Status s = replace_password(password, policy, now, /*by_admin=*/true); !s) return s;
  unlock();
  return Status::Ok();
}

void Account::unlock() {
  record_.locked = false;
  record_.locked_at.reset();
  record_.failed_attempts = 0;
}

Result<std::vector<std::string>> Account::enrol_totp(TotpState pending, std::string_view code,
                                                     std::chrono::sys_seconds now) {
  if (Status s = validate_totp_params(pending.params); !s) return s.error();
  if (pending.secret.size() < 16)
    return Error{"totp secret must be at least 16 bytes, got " +
                 std::to_string(pending.secret.size())};
  pending.last_accepted_step.reset();
  const TotpVerdict v = verify_totp(pending, code, now);
  if (v != TotpVerdict::kAccepted)
    return Error{"totp confirmation code refused: " + std::string(totp_verdict_name(v))};
  record_.totp = std::move(pending);
  return record_.recovery_codes.regenerate();
}

void Account::reset_mfa() {
  record_.totp.reset();
  record_.recovery_codes = RecoveryCodes();
  record_.password_verified_at.reset();
}

LoginResult login_unknown_user(std::string_view password, const ScryptParams& params) {
  // Same work as verifying a real hash: one scrypt derivation.
  (void)hash_password(password, params);
  return {LoginOutcome::kBadCredentials, "no such user"};
}

}  // namespace trunkline::auth
