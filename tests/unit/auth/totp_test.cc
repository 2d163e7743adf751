// TOTP: every RFC 6238 Appendix B vector, the RFC 4226 Appendix D HOTP
// vectors, the ±1 step window, replay refusal, and enrolment.
#include "control/auth/totp.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "control/auth/encoding.h"
#include "tests/unit/auth/auth_test_support.h"

namespace trunkline::auth {
namespace {

using testing::at;

std::vector<std::uint8_t> seed(std::string_view s) { return {s.begin(), s.end()}; }

const std::vector<std::uint8_t> kSeed20 = seed("12345678901234567890");
const std::vector<std::uint8_t> kSeed32 = seed("12345678901234567890123456789012");
const std::vector<std::uint8_t> kSeed64 =
    seed("1234567890123456789012345678901234567890123456789012345678901234");

struct Rfc6238Vector {
  std::int64_t time;
  const char* sha1;
  const char* sha256;
  const char* sha512;
};
// RFC 6238 Appendix B: T0 = 0, X = 30, 8 digits.
constexpr Rfc6238Vector kRfc6238[] = {
    {59, "94287082", "46119246", "90693936"},
    {1111111109, "07081804", "68084774", "25091201"},
    {1111111111, "14050471", "67062674", "99943326"},
    {1234567890, "89005924", "91819424", "93441116"},
    {2000000000, "69279037", "90698825", "38618901"},
    {20000000000, "65353130", "77737706", "47863826"},
};

TEST(Totp, Rfc6238AppendixBSha1) {
  for (const auto& v : kRfc6238)
    EXPECT_EQ(totp_code(kSeed20, at(v.time), {TotpAlgorithm::kSha1, 8, 30}), v.sha1) << v.time;
}

TEST(Totp, Rfc6238AppendixBSha256) {
  for (const auto& v : kRfc6238)
    EXPECT_EQ(totp_code(kSeed32, at(v.time), {TotpAlgorithm::kSha256, 8, 30}), v.sha256) << v.time;
}

TEST(Totp, Rfc6238AppendixBSha512) {
  for (const auto& v : kRfc6238)
    EXPECT_EQ(totp_code(kSeed64, at(v.time), {TotpAlgorithm::kSha512, 8, 30}), v.sha512) << v.time;
}

TEST(Totp, Rfc6238StepsOfTheVectors) {
  EXPECT_EQ(totp_step(at(59), 30), 1u);
  EXPECT_EQ(totp_step(at(1111111109), 30), 0x23523ECu);
  EXPECT_EQ(totp_step(at(20000000000), 30), 0x27BC86AAu);
  EXPECT_EQ(totp_step(at(-5), 30), 0u);
}

TEST(Totp, Rfc4226AppendixDHotpSixDigits) {
  const char* expected[] = {"755224", "287082", "359152", "969429", "338314",
                            "254676", "287922", "162583", "399871", "520489"};
  for (std::uint64_t c = 0; c < 10; ++c)
    EXPECT_EQ(hotp(kSeed20, c, TotpAlgorithm::kSha1, 6), expected[c]) << c;
}

TotpState state_for() { return TotpState{kSeed20, TotpParams{}, std::nullopt}; }

TEST(TotpVerify, AcceptsCurrentAndOneStepEitherSide) {
  const std::int64_t now = 1'700'000'000;
  for (std::int64_t delta : {-30, 0, 30}) {
    TotpState s = state_for();
    const std::string code = totp_code(kSeed20, at(now + delta), s.params);
    EXPECT_EQ(verify_totp(s, code, at(now)), TotpVerdict::kAccepted) << delta;
  }
}

TEST(TotpVerify, RefusesTwoStepsAway) {
  const std::int64_t now = 1'700'000'010;
  for (std::int64_t delta : {-60, 60}) {
    TotpState s = state_for();
    const std::string code = totp_code(kSeed20, at(now + delta), s.params);
    EXPECT_EQ(verify_totp(s, code, at(now)), TotpVerdict::kWrongCode) << delta;
  }
}

TEST(TotpVerify, ACodeIsAcceptedOnlyOnce) {
  TotpState s = state_for();
  const std::string code = totp_code(kSeed20, at(1'700'000'000), s.params);
  EXPECT_EQ(verify_totp(s, code, at(1'700'000'000)), TotpVerdict::kAccepted);
  EXPECT_EQ(verify_totp(s, code, at(1'700'000'001)), TotpVerdict::kReplayed);
  // Still within the window a step later: still a replay.
  EXPECT_EQ(verify_totp(s, code, at(1'700'000'030)), TotpVerdict::kReplayed);
  // The next step's code is fresh.
  const std::string next = totp_code(kSeed20, at(1'700'000'030), s.params);
  EXPECT_EQ(verify_totp(s, next, at(1'700'000'030)), TotpVerdict::kAccepted);
}

TEST(TotpVerify, AnEarlierStepIsRefusedAfterALaterOneWasUsed) {
  TotpState s = state_for();
  const std::string later = totp_code(kSeed20, at(1'700'000'030), s.params);
  const std::string earlier = totp_code(kSeed20, at(1'700'000'000), s.params);
  EXPECT_EQ(verify_totp(s, later, at(1'700'000'015)), TotpVerdict::kAccepted);
  EXPECT_EQ(verify_totp(s, earlier, at(1'700'000'015)), TotpVerdict::kReplayed);
}

TEST(TotpVerify, MalformedCodes) {
  TotpState s = state_for();
  for (const char* bad : {"", "12345", "1234567", "12345a", " 123456", "１２３４５６"})
    EXPECT_EQ(verify_totp(s, bad, at(1'700'000'000)), TotpVerdict::kMalformed) << bad;
  EXPECT_FALSE(s.last_accepted_step.has_value());
}

TEST(TotpVerify, EightDigitsAndSha256) {
  TotpState s{kSeed32, {TotpAlgorithm::kSha256, 8, 30}, std::nullopt};
  EXPECT_EQ(verify_totp(s, "91819424", at(1234567890)), TotpVerdict::kAccepted);
  EXPECT_EQ(verify_totp(s, "9181942", at(1234567890)), TotpVerdict::kMalformed);
}

TEST(TotpVerify, WrongCodeIsRefused) {
  TotpState s = state_for();
  const std::string code = totp_code(kSeed20, at(1'700'000'000), s.params);
  std::string wrong = code;
  wrong[0] = wrong[0] == '9' ? '0' : static_cast<char>(wrong[0] + 1);
  EXPECT_EQ(verify_totp(s, wrong, at(1'700'000'000)), TotpVerdict::kWrongCode);
}

TEST(TotpParamsValidate, DigitsAndStep) {
  EXPECT_TRUE(validate_totp_params({}).ok());
  Status s = validate_totp_params({TotpAlgorithm::kSha1, 7, 30});
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().message, "totp digits must be 6 or 8, got 7");
  s = validate_totp_params({TotpAlgorithm::kSha1, 6, 0});
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().message, "totp step must be 1 to 300 seconds, got 0");
}

TEST(TotpEnrolment, RandomTwentyByteSecretAndItsBase32) {
  TotpEnrolment a = new_totp_enrolment("Trunkline", "alice@acme");
  TotpEnrolment b = new_totp_enrolment("Trunkline", "alice@acme");
  EXPECT_EQ(a.state.secret.size(), 20u);
  EXPECT_NE(a.state.secret, b.state.secret);
  EXPECT_EQ(a.secret_base32.size(), 32u);
  auto decoded = base32_decode(a.secret_base32);
  ASSERT_TRUE(decoded.ok());
  EXPECT_EQ(*decoded, a.state.secret);
}

TEST(TotpEnrolment, ProvisioningUriEncodesLabelAndIssuer) {
  const std::string uri = totp_provisioning_uri("ACME Calls", "alice@acme.example", kSeed20,
                                                {TotpAlgorithm::kSha256, 8, 30});
  EXPECT_EQ(uri,
            "otpauth://totp/ACME%20Calls:alice%40acme.example"
            "?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=ACME%20Calls"
            "&algorithm=SHA256&digits=8&period=30");
  const std::string tricky = totp_provisioning_uri("a:b&c", "é/?", kSeed20, {});
  EXPECT_EQ(tricky.rfind("otpauth://totp/a%3Ab%26c:%C3%A9%2F%3F?secret=", 0), 0u) << tricky;
}

}  // namespace
}  // namespace trunkline::auth
