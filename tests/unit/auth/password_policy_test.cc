// The password policy: validation of each configurable item, and one test
// per rule of check_password(), each with a password that breaks only that
// rule next to one that passes.
#include "control/auth/password_policy.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "control/auth/password_hash.h"
#include "tests/unit/auth/auth_test_support.h"

namespace trunkline::auth {
namespace {

using testing::kFastScrypt;

const std::vector<std::string> kNoHistory;

std::string check_error(const PasswordPolicy& p, Role role, std::string_view pw,
                        const std::vector<std::string>& history = kNoHistory) {
  Status s = check_password(p, role, pw, history);
  return s.ok() ? std::string("ok") : s.error().message;
}

std::string policy_error(const PasswordPolicy& p) {
  Status s = validate_policy(p);
  return s.ok() ? std::string("ok") : s.error().message;
}

TEST(PasswordPolicyValidate, DefaultsAreTheOriginalsStandardSettings) {
  PasswordPolicy p;
  EXPECT_EQ(policy_error(p), "ok");
  EXPECT_EQ(p.min_length, 8u);
  EXPECT_EQ(max_password_length(p, Role::kTenantAdmin), 64u);
  EXPECT_EQ(max_password_length(p, Role::kAgent), 20u);
  EXPECT_EQ(p.expiry_days, 0u);
  EXPECT_EQ(p.lock_after_failures, 0u);
  EXPECT_FALSE(p.require_upper || p.require_lower || p.require_digit || p.require_symbol);
  EXPECT_EQ(p.history_generations, 0u);
  EXPECT_TRUE(p.must_change_initial);
}

TEST(PasswordPolicyValidate, MinLengthFloorIs8) {
  PasswordPolicy p;
  p.min_length = 7;
  EXPECT_EQ(policy_error(p), "password policy: min_length must be 8 to 20, got 7");
  p.min_length = 8;
  EXPECT_EQ(policy_error(p), "ok");
}

TEST(PasswordPolicyValidate, MinLengthAtMostTheShortestMaximum) {
  PasswordPolicy p;
  p.min_length = 21;
  EXPECT_EQ(policy_error(p), "password policy: min_length must be 8 to 20, got 21");
  p.max_length_agent = 12;
  p.min_length = 13;
  EXPECT_EQ(policy_error(p), "password policy: min_length must be 8 to 12, got 13");
}

TEST(PasswordPolicyValidate, MaximumsNeverAboveTheRoleCeilings) {
  PasswordPolicy p;
  p.max_length_admin = 65;
  EXPECT_EQ(policy_error(p), "password policy: max_length_admin must be 8 to 64, got 65");
  p.max_length_admin = 64;
  p.max_length_agent = 21;
  EXPECT_EQ(policy_error(p), "password policy: max_length_agent must be 8 to 20, got 21");
}

TEST(PasswordPolicyValidate, ExpiryAtMost999Days) {
  PasswordPolicy p;
  p.expiry_days = 999;
  EXPECT_EQ(policy_error(p), "ok");
  p.expiry_days = 1000;
  EXPECT_EQ(policy_error(p), "password policy: expiry_days must be 0 to 999, got 1000");
}

TEST(PasswordPolicyValidate, HistoryAtMost10Generations) {
  PasswordPolicy p;
  p.history_generations = 10;
  EXPECT_EQ(policy_error(p), "ok");
  p.history_generations = 11;
  EXPECT_EQ(policy_error(p), "password policy: history_generations must be 0 to 10, got 11");
}

TEST(PasswordPolicyCheck, MinimumLength) {
  PasswordPolicy p;
  EXPECT_EQ(check_error(p, Role::kAgent, "abcdefg"),
            "password is too short: 7 characters, at least 8 required");
  EXPECT_EQ(check_error(p, Role::kAgent, "abcdefgh"), "ok");
  p.min_length = 12;
  EXPECT_EQ(check_error(p, Role::kAgent, "abcdefghijk"),
            "password is too short: 11 characters, at least 12 required");
}

TEST(PasswordPolicyCheck, MaximumLengthDependsOnRole) {
  PasswordPolicy p;
  const std::string twenty(20, 'a'), twenty_one(21, 'a'), sixty_four(64, 'a');
  EXPECT_EQ(check_error(p, Role::kAgent, twenty), "ok");
  EXPECT_EQ(check_error(p, Role::kAgent, twenty_one),
            "password is too long: 21 characters, at most 20 allowed for role agent");
  EXPECT_EQ(check_error(p, Role::kTenantAdmin, twenty_one), "ok");
  EXPECT_EQ(check_error(p, Role::kTenantAdmin, sixty_four), "ok");
  EXPECT_EQ(check_error(p, Role::kTenantAdmin, sixty_four + "a"),
            "password is too long: 65 characters, at most 64 allowed for role tenant_admin");
  p.max_length_admin = 30;
  EXPECT_EQ(check_error(p, Role::kSupervisor, std::string(31, 'a')),
            "password is too long: 31 characters, at most 30 allowed for role supervisor");
}

TEST(PasswordPolicyCheck, LengthCountsCodePointsNotBytes) {
  PasswordPolicy p;
  // Eight hiragana: 24 bytes, 8 characters.
  const std::string eight = "あいうえおかきく";
  ASSERT_EQ(eight.size(), 24u);
  EXPECT_EQ(check_error(p, Role::kAgent, eight), "ok");
  EXPECT_EQ(check_error(p, Role::kAgent, "あいうえおかき"),
            "password is too short: 7 characters, at least 8 required");
  std::string twenty_one;
  for (int i = 0; i < 21; ++i) twenty_one += "あ";
  EXPECT_EQ(check_error(p, Role::kAgent, twenty_one),
            "password is too long: 21 characters, at most 20 allowed for role agent");
}

TEST(PasswordPolicyCheck, RequireUpper) {
  PasswordPolicy p;
  p.require_upper = true;
  EXPECT_EQ(check_error(p, Role::kAgent, "abcdefgh"), "password needs an upper-case letter (A-Z)");
  EXPECT_EQ(check_error(p, Role::kAgent, "abcdefgH"), "ok");
}

TEST(PasswordPolicyCheck, RequireLower) {
  PasswordPolicy p;
  p.require_lower = true;
  EXPECT_EQ(check_error(p, Role::kAgent, "ABCDEFGH"), "password needs a lower-case letter (a-z)");
  EXPECT_EQ(check_error(p, Role::kAgent, "ABCDEFGh"), "ok");
}

TEST(PasswordPolicyCheck, RequireDigit) {
  PasswordPolicy p;
  p.require_digit = true;
  EXPECT_EQ(check_error(p, Role::kAgent, "abcdefgh"), "password needs a digit (0-9)");
  EXPECT_EQ(check_error(p, Role::kAgent, "abcdefg1"), "ok");
}

TEST(PasswordPolicyCheck, RequireSymbol) {
  PasswordPolicy p;
  p.require_symbol = true;
  const std::string msg =
      "password needs a symbol (a character other than a letter, digit or space)";
  EXPECT_EQ(check_error(p, Role::kAgent, "abcdefg1"), msg);
  EXPECT_EQ(check_error(p, Role::kAgent, "abcd efg1"), msg);  // a space is not a symbol
  EXPECT_EQ(check_error(p, Role::kAgent, "abcdefg!"), "ok");
  EXPECT_EQ(check_error(p, Role::kAgent, "abcdefgé"), "ok");
}

TEST(PasswordPolicyCheck, ClassesAreOffByDefault) {
  PasswordPolicy p;
  EXPECT_EQ(check_error(p, Role::kAgent, "aaaaaaaa"), "ok");
  EXPECT_EQ(check_error(p, Role::kAgent, "11111111"), "ok");
}

TEST(PasswordPolicyCheck, EachForbiddenCharacterIsRefusedEvenWithEveryRuleOff) {
  PasswordPolicy p;
  const std::string msg =
      "password contains a character that is never allowed (' \" , ; : < > * ( ))";
  for (char c : std::string("'\",;:<>*()")) {
    const std::string pw = std::string("abcdefg") + c;
    EXPECT_EQ(check_error(p, Role::kAgent, pw), msg) << c;
    EXPECT_EQ(check_error(p, Role::kSystemAdmin, std::string(1, c) + "abcdefgh"), msg) << c;
  }
  // The other ASCII symbols are fine.
  EXPECT_EQ(check_error(p, Role::kTenantAdmin, "!#$%&+-./=?@[]^_`{|}~"), "ok");
}

TEST(PasswordPolicyCheck, ControlCharactersAreRefused) {
  PasswordPolicy p;
  for (std::string bad : {std::string("abc\tdefgh"), std::string("abcdefgh\n"),
                          std::string("abc\x7f"
                                      "defgh"),
                          std::string("abcdefgh\xc2\x85"), std::string("abc\0defgh", 9)}) {
    Status s = check_password(p, Role::kAgent, bad, kNoHistory);
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.error().message.rfind("password contains a control character (character ", 0), 0u)
        << s.error().message;
  }
}

TEST(PasswordPolicyCheck, InvalidUtf8IsRefused) {
  PasswordPolicy p;
  const std::string cases[] = {
      "abcdefg\xff",              // not a lead byte
      "abcdefg\xc3",              // truncated
      "abcdefg\xc0\xaf",          // overlong '/'
      "abcdefg\xed\xa0\x80",      // a surrogate
      "abcdefg\xf4\x90\x80\x80",  // above U+10FFFF
      "abcdefg\x80",              // lone continuation byte
  };
  for (const std::string& bad : cases)
    EXPECT_EQ(check_error(p, Role::kAgent, bad), "password is not valid UTF-8 (at byte 7)");
}

TEST(PasswordPolicyCheck, MessagesNeverContainThePassword) {
  PasswordPolicy p;
  p.require_upper = p.require_digit = p.require_symbol = true;
  for (const char* pw : {"secretpw", "secret;pw", "secre", "secretpwsecretpwsecretpw"}) {
    Status s = check_password(p, Role::kAgent, pw, kNoHistory);
    ASSERT_FALSE(s.ok()) << pw;
    EXPECT_EQ(s.error().message.find("secre"), std::string::npos) << s.error().message;
  }
}

TEST(PasswordPolicyCheck, TheCurrentPasswordIsAlwaysRefused) {
  PasswordPolicy p;  // history_generations = 0
  const std::vector<std::string> history = {*hash_password("current-pw", kFastScrypt),
                                            *hash_password("older-pw1", kFastScrypt)};
  EXPECT_EQ(check_error(p, Role::kAgent, "current-pw", history),
            "password is the same as the current one");
  EXPECT_EQ(check_error(p, Role::kAgent, "older-pw1", history), "ok");
}

TEST(PasswordPolicyCheck, HistoryRefusesTheLastNGenerationsOnly) {
  PasswordPolicy p;
  p.history_generations = 2;
  std::vector<std::string> history;  // current, then older
  for (const char* pw : {"password-3", "password-2", "password-1", "password-0"})
    history.push_back(*hash_password(pw, kFastScrypt));
  const std::string used = "password was used before (one of the last 2 passwords)";
  EXPECT_EQ(check_error(p, Role::kAgent, "password-2", history), used);
  EXPECT_EQ(check_error(p, Role::kAgent, "password-1", history), used);
  EXPECT_EQ(check_error(p, Role::kAgent, "password-0", history), "ok");
  EXPECT_EQ(check_error(p, Role::kAgent, "password-9", history), "ok");
}

TEST(PasswordPolicyCheck, HistoryOfTenGenerations) {
  PasswordPolicy p;
  p.history_generations = 10;
  std::vector<std::string> history;
  for (int i = 11; i >= 0; --i)
    history.push_back(*hash_password("password-" + std::to_string(i), kFastScrypt));
  // history[0] is password-11 (current); password-1 is the 10th before it.
  EXPECT_NE(check_error(p, Role::kTenantAdmin, "password-1", history), "ok");
  EXPECT_EQ(check_error(p, Role::kTenantAdmin, "password-0", history), "ok");
}

TEST(PasswordPolicyCheck, Utf8LengthHelper) {
  EXPECT_EQ(*utf8_length(""), 0u);
  EXPECT_EQ(*utf8_length("aé€😀"), 4u);
  EXPECT_FALSE(utf8_length("\xe2\x82").ok());
}

}  // namespace
}  // namespace trunkline::auth
