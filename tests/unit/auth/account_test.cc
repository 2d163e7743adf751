// Accounts: creation, first-login change, lockout and unlock, expiry with
// an injected clock, history on change, second factor, and answers that do
// not reveal whether a user exists.
#include "control/auth/account.h"

#include <gtest/gtest.h>

#include <string>

#include "tests/unit/auth/auth_test_support.h"

namespace trunkline::auth {
namespace {

using testing::at;
using testing::kFastScrypt;
using O = LoginOutcome;

constexpr std::int64_t kT0 = 1'700'000'000;
constexpr std::int64_t kDay = 86'400;
const AccountOptions kFast{kFastScrypt, std::chrono::seconds(300)};

Account make(Role role, const PasswordPolicy& policy, const char* pw = "Initial-pw1") {
  std::optional<TenantId> tenant;
  if (is_tenant_scoped(role)) tenant = 7;
  auto a = Account::create({"bob", role, tenant}, pw, policy, at(kT0), kFast);
  EXPECT_TRUE(a.ok()) << a.error().message;
  return std::move(*a);
}

PasswordPolicy no_forced_change() {
  PasswordPolicy p;
  p.must_change_initial = false;
  return p;
}

TEST(AccountCreate, InitialPasswordMustMeetThePolicy) {
  PasswordPolicy p;
  auto a = Account::create({"bob", Role::kAgent, 7}, "short", p, at(kT0), kFast);
  ASSERT_FALSE(a.ok());
  EXPECT_EQ(a.error().message, "password is too short: 5 characters, at least 8 required");
}

TEST(AccountCreate, RefusesABadPrincipalOrPolicy) {
  PasswordPolicy p;
  auto a = Account::create({"bob", Role::kAgent, std::nullopt}, "Initial-pw1", p, at(kT0), kFast);
  ASSERT_FALSE(a.ok());
  EXPECT_EQ(a.error().message, "account: role agent needs a tenant");
  a = Account::create({"", Role::kAgent, 7}, "Initial-pw1", p, at(kT0), kFast);
  ASSERT_FALSE(a.ok());
  EXPECT_EQ(a.error().message, "account: user name is empty");
  p.expiry_days = 1000;
  a = Account::create({"bob", Role::kAgent, 7}, "Initial-pw1", p, at(kT0), kFast);
  ASSERT_FALSE(a.ok());
  EXPECT_EQ(a.error().message, "password policy: expiry_days must be 0 to 999, got 1000");
}

TEST(AccountCreate, StoresOnlyAHash) {
  Account a = make(Role::kAgent, PasswordPolicy{});
  EXPECT_EQ(a.record().password_hash.rfind("$scrypt$", 0), 0u);
  EXPECT_EQ(a.record().password_hash.find("Initial-pw1"), std::string::npos);
}

TEST(AccountFirstLogin, InitialPasswordMustBeChanged) {
  PasswordPolicy p;
  Account a = make(Role::kAgent, p);
  EXPECT_EQ(a.login("Initial-pw1", p, at(kT0 + 10)).outcome, O::kOkMustChange);
  // Until it is changed, every login says so.
  EXPECT_EQ(a.login("Initial-pw1", p, at(kT0 + 20)).outcome, O::kOkMustChange);
  ASSERT_TRUE(a.change_password("Initial-pw1", "Chosen-pw2", p, at(kT0 + 30)).ok());
  EXPECT_EQ(a.login("Chosen-pw2", p, at(kT0 + 40)).outcome, O::kOk);
}

TEST(AccountFirstLogin, NotForcedWhenThePolicySaysSo) {
  PasswordPolicy p = no_forced_change();
  Account a = make(Role::kAgent, p);
  EXPECT_EQ(a.login("Initial-pw1", p, at(kT0 + 10)).outcome, O::kOk);
}

TEST(AccountFirstLogin, AnAdministratorResetMustBeChangedToo) {
  PasswordPolicy p;
  Account a = make(Role::kAgent, p);
  ASSERT_TRUE(a.change_password("Initial-pw1", "Chosen-pw2", p, at(kT0 + 30)).ok());
  ASSERT_TRUE(a.set_password_by_admin("Reset-pw3", p, at(kT0 + 60)).ok());
  EXPECT_EQ(a.login("Reset-pw3", p, at(kT0 + 70)).outcome, O::kOkMustChange);
}

TEST(AccountLogin, WrongPasswordIsBadCredentials) {
  PasswordPolicy p = no_forced_change();
  Account a = make(Role::kAgent, p);
  LoginResult r = a.login("Initial-pw2", p, at(kT0 + 10));
  EXPECT_EQ(r.outcome, O::kBadCredentials);
  EXPECT_EQ(r.audit_reason, "wrong password (failure 1)");
  EXPECT_EQ(a.record().failed_attempts, 1u);
}

TEST(AccountLogin, UnknownUserGetsTheSameOutcomeAsAWrongPassword) {
  PasswordPolicy p = no_forced_change();
  Account a = make(Role::kAgent, p);
  const LoginResult wrong = a.login("nope-nope", p, at(kT0));
  const LoginResult unknown = login_unknown_user("nope-nope", kFastScrypt);
  EXPECT_EQ(unknown.outcome, wrong.outcome);
  EXPECT_EQ(unknown.outcome, O::kBadCredentials);
  // The difference is only in what the audit log is told.
  EXPECT_EQ(unknown.audit_reason, "no such user");
  EXPECT_NE(wrong.audit_reason, unknown.audit_reason);
}

TEST(AccountLogin, RecordsLastLoginAndResetsFailures) {
  PasswordPolicy p = no_forced_change();
  Account a = make(Role::kAgent, p);
  EXPECT_FALSE(a.record().last_login_at.has_value());
  (void)a.login("wrong-one", p, at(kT0 + 5));
  EXPECT_EQ(a.login("Initial-pw1", p, at(kT0 + 10)).outcome, O::kOk);
  EXPECT_EQ(a.record().last_login_at, at(kT0 + 10));
  EXPECT_EQ(a.record().failed_attempts, 0u);
}

TEST(AccountLockout, UnlimitedByDefault) {
  PasswordPolicy p = no_forced_change();
  Account a = make(Role::kAgent, p);
  for (int i = 0; i < 50; ++i) (void)a.login("wrong-one", p, at(kT0 + i));
  EXPECT_FALSE(a.record().locked);
  EXPECT_EQ(a.login("Initial-pw1", p, at(kT0 + 60)).outcome, O::kOk);
}

TEST(AccountLockout, LocksAfterNFailures) {
  PasswordPolicy p = no_forced_change();
  p.lock_after_failures = 3;
  Account a = make(Role::kAgent, p);
  EXPECT_EQ(a.login("wrong-1", p, at(kT0 + 1)).audit_reason, "wrong password (failure 1 of 3)");
  EXPECT_FALSE(a.record().locked);
  (void)a.login("wrong-2", p, at(kT0 + 2));
  EXPECT_FALSE(a.record().locked);
  LoginResult third = a.login("wrong-3", p, at(kT0 + 3));
  EXPECT_EQ(third.outcome, O::kBadCredentials);
  EXPECT_EQ(third.audit_reason, "wrong password (failure 3 of 3; account locked)");
  EXPECT_TRUE(a.record().locked);
  EXPECT_EQ(a.record().locked_at, at(kT0 + 3));
}

TEST(AccountLockout, ALockedAccountRevealsItselfOnlyToTheRightPassword) {
  PasswordPolicy p = no_forced_change();
  p.lock_after_failures = 1;
  Account a = make(Role::kAgent, p);
  (void)a.login("wrong-1", p, at(kT0 + 1));
  ASSERT_TRUE(a.record().locked);
  LoginResult wrong = a.login("wrong-2", p, at(kT0 + 2));
  EXPECT_EQ(wrong.outcome, O::kBadCredentials);
  EXPECT_EQ(wrong.audit_reason, "account locked; wrong password");
  EXPECT_EQ(a.login("Initial-pw1", p, at(kT0 + 3)).outcome, O::kLocked);
}

TEST(AccountLockout, SuccessResetsTheCount) {
  PasswordPolicy p = no_forced_change();
  p.lock_after_failures = 3;
  Account a = make(Role::kAgent, p);
  (void)a.login("wrong-1", p, at(kT0 + 1));
  (void)a.login("wrong-2", p, at(kT0 + 2));
  EXPECT_EQ(a.login("Initial-pw1", p, at(kT0 + 3)).outcome, O::kOk);
  (void)a.login("wrong-3", p, at(kT0 + 4));
  (void)a.login("wrong-4", p, at(kT0 + 5));
  EXPECT_FALSE(a.record().locked);
}

TEST(AccountLockout, UnlockByAdministratorResetsTheCounter) {
  PasswordPolicy p = no_forced_change();
  p.lock_after_failures = 2;
  Account a = make(Role::kAgent, p);
  (void)a.login("wrong-1", p, at(kT0 + 1));
  (void)a.login("wrong-2", p, at(kT0 + 2));
  ASSERT_TRUE(a.record().locked);
  a.unlock();
  EXPECT_FALSE(a.record().locked);
  EXPECT_EQ(a.record().failed_attempts, 0u);
  // A fresh count: one failure does not lock again.
  (void)a.login("wrong-3", p, at(kT0 + 3));
  EXPECT_FALSE(a.record().locked);
  EXPECT_EQ(a.login("Initial-pw1", p, at(kT0 + 4)).outcome, O::kOk);
}

TEST(AccountLockout, WrongCurrentPasswordAtChangeCountsAndLockedAccountCannotChange) {
  PasswordPolicy p = no_forced_change();
  p.lock_after_failures = 2;
  Account a = make(Role::kAgent, p);
  Status s = a.change_password("wrong-1", "Chosen-pw2", p, at(kT0 + 1));
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().message, "current password is wrong");
  (void)a.change_password("wrong-2", "Chosen-pw2", p, at(kT0 + 2));
  EXPECT_TRUE(a.record().locked);
  s = a.change_password("Initial-pw1", "Chosen-pw2", p, at(kT0 + 3));
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().message, "account is locked; an administrator must unlock it");
}

TEST(AccountLockout, AdministratorResetUnlocks) {
  PasswordPolicy p = no_forced_change();
  p.lock_after_failures = 1;
  Account a = make(Role::kAgent, p);
  (void)a.login("wrong-1", p, at(kT0 + 1));
  ASSERT_TRUE(a.record().locked);
  ASSERT_TRUE(a.set_password_by_admin("Reset-pw3", p, at(kT0 + 2)).ok());
  EXPECT_FALSE(a.record().locked);
  EXPECT_EQ(a.login("Reset-pw3", p, at(kT0 + 3)).outcome, O::kOk);
}

TEST(AccountExpiry, NeverByDefault) {
  PasswordPolicy p = no_forced_change();
  Account a = make(Role::kAgent, p);
  EXPECT_EQ(a.login("Initial-pw1", p, at(kT0 + 5000 * kDay)).outcome, O::kOk);
}

TEST(AccountExpiry, ExpiresAfterExpiryDaysSinceTheLastChange) {
  PasswordPolicy p = no_forced_change();
  p.expiry_days = 90;
  Account a = make(Role::kAgent, p);
  EXPECT_EQ(a.login("Initial-pw1", p, at(kT0 + 90 * kDay - 1)).outcome, O::kOk);
  LoginResult r = a.login("Initial-pw1", p, at(kT0 + 90 * kDay));
  EXPECT_EQ(r.outcome, O::kExpiredMustChange);
  EXPECT_EQ(r.audit_reason, "password right; password expired after 90 days");
}

TEST(AccountExpiry, ChangingRestartsTheClock) {
  PasswordPolicy p = no_forced_change();
  p.expiry_days = 30;
  Account a = make(Role::kAgent, p);
  ASSERT_EQ(a.login("Initial-pw1", p, at(kT0 + 31 * kDay)).outcome, O::kExpiredMustChange);
  ASSERT_TRUE(a.change_password("Initial-pw1", "Chosen-pw2", p, at(kT0 + 31 * kDay)).ok());
  EXPECT_EQ(a.login("Chosen-pw2", p, at(kT0 + 60 * kDay)).outcome, O::kOk);
  EXPECT_EQ(a.login("Chosen-pw2", p, at(kT0 + 61 * kDay)).outcome, O::kExpiredMustChange);
}

TEST(AccountExpiry, AWrongPasswordOnAnExpiredAccountIsStillBadCredentials) {
  PasswordPolicy p = no_forced_change();
  p.expiry_days = 1;
  Account a = make(Role::kAgent, p);
  EXPECT_EQ(a.login("wrong-one", p, at(kT0 + 10 * kDay)).outcome, O::kBadCredentials);
}

TEST(AccountHistory, ChangeMustDifferFromTheCurrentPassword) {
  PasswordPolicy p = no_forced_change();
  Account a = make(Role::kAgent, p);
  Status s = a.change_password("Initial-pw1", "Initial-pw1", p, at(kT0 + 1));
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().message, "password is the same as the current one");
}

TEST(AccountHistory, TheLastNPasswordsCannotBeReused) {
  PasswordPolicy p = no_forced_change();
  p.history_generations = 2;
  Account a = make(Role::kAgent, p, "password-0");
  ASSERT_TRUE(a.change_password("password-0", "password-1", p, at(kT0 + 1)).ok());
  ASSERT_TRUE(a.change_password("password-1", "password-2", p, at(kT0 + 2)).ok());
  ASSERT_TRUE(a.change_password("password-2", "password-3", p, at(kT0 + 3)).ok());
  // Current: 3; the two before: 2 and 1; 0 is three generations back.
  EXPECT_FALSE(a.change_password("password-3", "password-2", p, at(kT0 + 4)).ok());
  EXPECT_FALSE(a.change_password("password-3", "password-1", p, at(kT0 + 4)).ok());
  EXPECT_TRUE(a.change_password("password-3", "password-0", p, at(kT0 + 4)).ok());
}

TEST(AccountHistory, AtMostTenPreviousHashesAreKept) {
  PasswordPolicy p = no_forced_change();
  Account a = make(Role::kAgent, p, "password-0");
  for (int i = 1; i <= 13; ++i)
    ASSERT_TRUE(a.change_password("password-" + std::to_string(i - 1),
                                  "password-" + std::to_string(i), p, at(kT0 + i))
                    .ok());
  EXPECT_EQ(a.record().previous_hashes.size(), 10u);
}

TEST(AccountHistory, PolicyErrorsPassThrough) {
  PasswordPolicy p = no_forced_change();
  p.require_digit = true;
  Account a = make(Role::kAgent, p);
  Status s = a.change_password("Initial-pw1", "no-digits-here", p, at(kT0 + 1));
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().message, "password needs a digit (0-9)");
  // The refused change left the old password in place.
  EXPECT_EQ(a.login("Initial-pw1", p, at(kT0 + 2)).outcome, O::kOk);
}

TEST(AccountRehash, AWeakHashIsUpgradedAtLogin) {
  PasswordPolicy p = no_forced_change();
  Account weak = make(Role::kAgent, p);
  AccountRecord rec = weak.record();
  const ScryptParams stronger{5, 8, 1};
  Account a(rec, AccountOptions{stronger, std::chrono::seconds(300)});
  ASSERT_TRUE(needs_rehash(a.record().password_hash, stronger));
  EXPECT_EQ(a.login("Initial-pw1", p, at(kT0 + 1)).outcome, O::kOk);
  EXPECT_FALSE(needs_rehash(a.record().password_hash, stronger));
  EXPECT_EQ(a.record().password_changed_at, at(kT0));
  EXPECT_EQ(a.login("Initial-pw1", p, at(kT0 + 2)).outcome, O::kOk);
}

// --- second factor -------------------------------------------------------

struct Enrolled {
  Account account;
  std::vector<std::uint8_t> secret;
  std::vector<std::string> recovery;
};

Enrolled enrolled_admin(const PasswordPolicy& p) {
  Account a = make(Role::kTenantAdmin, p);
  TotpEnrolment e = new_totp_enrolment("Trunkline", "bob");
  auto codes = a.enrol_totp(e.state, totp_code(e.state.secret, at(kT0), e.state.params), at(kT0));
  EXPECT_TRUE(codes.ok()) << codes.error().message;
  return {std::move(a), e.state.secret, codes.ok() ? *codes : std::vector<std::string>{}};
}

TEST(AccountMfa, RoleThatNeedsMfaMustEnrolFirst) {
  PasswordPolicy p = no_forced_change();
  Account a = make(Role::kComplianceOfficer, p);
  EXPECT_EQ(a.login("Initial-pw1", p, at(kT0 + 1)).outcome, O::kMfaEnrolmentRequired);
  Account agent = make(Role::kAgent, p);
  EXPECT_EQ(agent.login("Initial-pw1", p, at(kT0 + 1)).outcome, O::kOk);
}

TEST(AccountMfa, EnrolmentNeedsAValidConfirmationCode) {
  PasswordPolicy p = no_forced_change();
  Account a = make(Role::kTenantAdmin, p);
  TotpEnrolment e = new_totp_enrolment("Trunkline", "bob");
  // A code that is none of the three the window accepts.
  std::string wrong = "000000";
  for (char d = '0'; d <= '9'; ++d) {
    wrong.back() = d;
    bool in_window = false;
    for (std::int64_t dt : {-30, 0, 30})
      in_window |= wrong == totp_code(e.state.secret, at(kT0 + dt), e.state.params);
    if (!in_window) break;
  }
  auto r = a.enrol_totp(e.state, wrong, at(kT0));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, "totp confirmation code refused: wrong_code");
  EXPECT_FALSE(a.record().totp.has_value());
  auto bad = a.enrol_totp(e.state, "12ab56", at(kT0));
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().message, "totp confirmation code refused: malformed");
}

TEST(AccountMfa, PasswordThenTotp) {
  PasswordPolicy p = no_forced_change();
  Enrolled e = enrolled_admin(p);
  EXPECT_EQ(e.recovery.size(), 10u);
  EXPECT_EQ(e.account.login("Initial-pw1", p, at(kT0 + 60)).outcome, O::kMfaRequired);
  const std::string code = totp_code(e.secret, at(kT0 + 61), {});
  LoginResult r = e.account.login_second_factor(code, p, at(kT0 + 61));
  EXPECT_EQ(r.outcome, O::kOk);
  EXPECT_EQ(r.audit_reason, "password and totp right");
  EXPECT_EQ(e.account.record().last_login_at, at(kT0 + 61));
}

TEST(AccountMfa, SecondFactorWithoutPasswordStepIsRefused) {
  PasswordPolicy p = no_forced_change();
  Enrolled e = enrolled_admin(p);
  const std::string code = totp_code(e.secret, at(kT0 + 61), {});
  LoginResult r = e.account.login_second_factor(code, p, at(kT0 + 61));
  EXPECT_EQ(r.outcome, O::kBadCredentials);
  EXPECT_EQ(r.audit_reason, "second factor without a password step");
}

TEST(AccountMfa, SecondFactorTooLateIsRefused) {
  PasswordPolicy p = no_forced_change();
  Enrolled e = enrolled_admin(p);
  ASSERT_EQ(e.account.login("Initial-pw1", p, at(kT0 + 60)).outcome, O::kMfaRequired);
  const std::string code = totp_code(e.secret, at(kT0 + 400), {});
  EXPECT_EQ(e.account.login_second_factor(code, p, at(kT0 + 400)).outcome, O::kBadCredentials);
}

TEST(AccountMfa, ACodeCannotBeReplayedForASecondLogin) {
  PasswordPolicy p = no_forced_change();
  Enrolled e = enrolled_admin(p);
  const std::string code = totp_code(e.secret, at(kT0 + 90), {});
  ASSERT_EQ(e.account.login("Initial-pw1", p, at(kT0 + 90)).outcome, O::kMfaRequired);
  ASSERT_EQ(e.account.login_second_factor(code, p, at(kT0 + 90)).outcome, O::kOk);
  ASSERT_EQ(e.account.login("Initial-pw1", p, at(kT0 + 95)).outcome, O::kMfaRequired);
  LoginResult r = e.account.login_second_factor(code, p, at(kT0 + 95));
  EXPECT_EQ(r.outcome, O::kBadCredentials);
  EXPECT_EQ(r.audit_reason, "totp replayed (failure 1)");
}

TEST(AccountMfa, RecoveryCodeWorksOnce) {
  PasswordPolicy p = no_forced_change();
  Enrolled e = enrolled_admin(p);
  ASSERT_EQ(e.account.login("Initial-pw1", p, at(kT0 + 60)).outcome, O::kMfaRequired);
  LoginResult r = e.account.login_second_factor(e.recovery[0], p, at(kT0 + 61));
  EXPECT_EQ(r.outcome, O::kOk);
  EXPECT_EQ(r.audit_reason, "password and recovery code right (9 codes left)");
  ASSERT_EQ(e.account.login("Initial-pw1", p, at(kT0 + 70)).outcome, O::kMfaRequired);
  EXPECT_EQ(e.account.login_second_factor(e.recovery[0], p, at(kT0 + 71)).outcome,
            O::kBadCredentials);
}

TEST(AccountMfa, WrongSecondFactorsCountTowardsLockout) {
  PasswordPolicy p = no_forced_change();
  p.lock_after_failures = 2;
  Enrolled e = enrolled_admin(p);
  ASSERT_EQ(e.account.login("Initial-pw1", p, at(kT0 + 60)).outcome, O::kMfaRequired);
  (void)e.account.login_second_factor("AAAA-AAAA-AAAA-AAAA", p, at(kT0 + 61));
  (void)e.account.login_second_factor("BBBB-BBBB-BBBB-BBBB", p, at(kT0 + 62));
  EXPECT_TRUE(e.account.record().locked);
  EXPECT_EQ(e.account.login("Initial-pw1", p, at(kT0 + 63)).outcome, O::kLocked);
}

TEST(AccountMfa, MustChangeComesAfterTheSecondFactor) {
  PasswordPolicy p;  // must_change_initial
  Enrolled e = enrolled_admin(p);
  ASSERT_EQ(e.account.login("Initial-pw1", p, at(kT0 + 60)).outcome, O::kMfaRequired);
  const std::string code = totp_code(e.secret, at(kT0 + 61), {});
  EXPECT_EQ(e.account.login_second_factor(code, p, at(kT0 + 61)).outcome, O::kOkMustChange);
}

TEST(AccountMfa, ResetByAdministratorRemovesTheFactor) {
  PasswordPolicy p = no_forced_change();
  Enrolled e = enrolled_admin(p);
  e.account.reset_mfa();
  EXPECT_FALSE(e.account.record().totp.has_value());
  EXPECT_EQ(e.account.record().recovery_codes.remaining(), 0u);
  EXPECT_EQ(e.account.login("Initial-pw1", p, at(kT0 + 60)).outcome, O::kMfaEnrolmentRequired);
}

}  // namespace
}  // namespace trunkline::auth
