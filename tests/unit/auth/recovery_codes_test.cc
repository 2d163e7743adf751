// Recovery codes: shape, randomness, hashed storage, single use.
#include "control/auth/recovery_codes.h"

#include <gtest/gtest.h>

#include <cctype>
#include <set>
#include <string>

namespace trunkline::auth {
namespace {

TEST(RecoveryCodes, TenCodesOfSixteenUnambiguousCharactersInGroupsOfFour) {
  RecoveryCodes rc;
  const auto codes = rc.regenerate();
  ASSERT_EQ(codes.size(), 10u);
  EXPECT_EQ(rc.remaining(), 10u);
  for (const std::string& c : codes) {
    ASSERT_EQ(c.size(), 19u) << c;
    for (std::size_t i = 0; i < c.size(); ++i) {
      if (i % 5 == 4) {
        EXPECT_EQ(c[i], '-') << c;
      } else {
        EXPECT_NE(kRecoveryAlphabet.find(c[i]), std::string_view::npos) << c;
      }
    }
    for (char ambiguous : {'0', 'O', '1', 'I'}) EXPECT_EQ(c.find(ambiguous), std::string::npos);
  }
  EXPECT_EQ(std::set<std::string>(codes.begin(), codes.end()).size(), 10u);
}

TEST(RecoveryCodes, OnlyHashesAreKept) {
  RecoveryCodes rc;
  const auto codes = rc.regenerate();
  for (const std::string& h : rc.hashes()) {
    EXPECT_EQ(h.size(), 64u);
    for (const std::string& c : codes) {
      EXPECT_EQ(h.find(c), std::string::npos);
      EXPECT_EQ(h.find(normalize_recovery_code(c)), std::string::npos);
    }
  }
}

TEST(RecoveryCodes, EachCodeWorksOnce) {
  RecoveryCodes rc;
  const auto codes = rc.regenerate();
  EXPECT_TRUE(rc.consume(codes[3]));
  EXPECT_EQ(rc.remaining(), 9u);
  EXPECT_FALSE(rc.consume(codes[3]));
  EXPECT_EQ(rc.remaining(), 9u);
  EXPECT_TRUE(rc.consume(codes[4]));
}

TEST(RecoveryCodes, TypingIsForgivingAboutCaseSpacesAndDashes) {
  RecoveryCodes rc;
  const auto codes = rc.regenerate();
  std::string typed;
  for (char c : codes[0])
    typed.push_back(c == '-' ? ' '
                             : static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  EXPECT_TRUE(rc.consume(typed));
  EXPECT_TRUE(rc.consume(normalize_recovery_code(codes[1])));
}

TEST(RecoveryCodes, WrongOrMalformedCodesAreRefused) {
  RecoveryCodes rc;
  const auto codes = rc.regenerate();
  std::string wrong = codes[0];
  wrong[0] = wrong[0] == 'A' ? 'B' : 'A';
  EXPECT_FALSE(rc.consume(wrong));
  EXPECT_FALSE(rc.consume(""));
  EXPECT_FALSE(rc.consume(codes[0].substr(0, 14)));
  EXPECT_FALSE(rc.consume(codes[0] + "A"));
  EXPECT_FALSE(rc.consume("0000-0000-0000-0000"));
  EXPECT_EQ(rc.remaining(), 10u);
}

TEST(RecoveryCodes, RegenerateInvalidatesTheOldSet) {
  RecoveryCodes rc;
  const auto old_codes = rc.regenerate();
  const auto new_codes = rc.regenerate();
  EXPECT_FALSE(rc.consume(old_codes[0]));
  EXPECT_TRUE(rc.consume(new_codes[0]));
}

TEST(RecoveryCodes, RestoredFromStoredHashes) {
  RecoveryCodes rc;
  const auto codes = rc.regenerate();
  RecoveryCodes loaded(rc.hashes());
  EXPECT_TRUE(loaded.consume(codes[9]));
  EXPECT_EQ(loaded.remaining(), 9u);
}

}  // namespace
}  // namespace trunkline::auth
