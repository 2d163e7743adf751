// scrypt hashes: format, salting, verification, parameters, parse errors,
// rehash detection, and one hash with the production parameters.
#include "control/auth/password_hash.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <string>

#include "tests/unit/auth/auth_test_support.h"

namespace trunkline::auth {
namespace {

using testing::kFastScrypt;

TEST(PasswordHash, FormatIsSelfDescribing) {
  auto h = hash_password("correct horse", kFastScrypt);
  ASSERT_TRUE(h.ok()) << h.error().message;
  EXPECT_EQ(h->rfind("$scrypt$ln=4,r=8,p=1$", 0), 0u) << *h;
  auto parsed = parse_password_hash(*h);
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  EXPECT_EQ(parsed->salt.size(), kSaltBytes);
  EXPECT_EQ(parsed->hash.size(), kHashBytes);
  EXPECT_EQ(format_password_hash(*parsed), *h);
  EXPECT_EQ(h->find("correct"), std::string::npos);
}

TEST(PasswordHash, VerifiesTheRightPasswordOnly) {
  auto h = hash_password("correct horse", kFastScrypt);
  ASSERT_TRUE(h.ok());
  auto right = verify_password("correct horse", *h);
  ASSERT_TRUE(right.ok());
  EXPECT_TRUE(*right);
  for (const char* wrong : {"correct horsE", "correct hors", "correct horse ", ""}) {
    auto r = verify_password(wrong, *h);
    ASSERT_TRUE(r.ok());
    EXPECT_FALSE(*r) << wrong;
  }
}

TEST(PasswordHash, SaltMakesEveryHashDifferent) {
  auto a = hash_password("same", kFastScrypt);
  auto b = hash_password("same", kFastScrypt);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_NE(*a, *b);
  EXPECT_NE(parse_password_hash(*a)->salt, parse_password_hash(*b)->salt);
}

TEST(PasswordHash, KnownAnswerFromRfc7914) {
  // RFC 7914 section 12, third vector: P="pleaseletmein",
  // S="SodiumChloride", N=16384, r=8, p=1, 64-byte output.
  const std::string salt = "SodiumChloride";
  PasswordHash h;
  h.params = {14, 8, 1};
  h.salt.assign(salt.begin(), salt.end());
  h.hash = {0x70, 0x23, 0xbd, 0xcb, 0x3a, 0xfd, 0x73, 0x48, 0x46, 0x1c, 0x06, 0xcd, 0x81,
            0xfd, 0x38, 0xeb, 0xfd, 0xa8, 0xfb, 0xba, 0x90, 0x4f, 0x8e, 0x3e, 0xa9, 0xb5,
            0x43, 0xf6, 0x54, 0x5d, 0xa1, 0xf2, 0xd5, 0x43, 0x29, 0x55, 0x61, 0x3f, 0x0f,
            0xcf, 0x62, 0xd4, 0x97, 0x05, 0x24, 0x2a, 0x9a, 0xf9, 0xe6, 0x1e, 0x85, 0xdc,
            0x0d, 0x65, 0x1e, 0x40, 0xdf, 0xcf, 0x01, 0x7b, 0x45, 0x57, 0x58, 0x87};
  const std::string encoded = format_password_hash(h);
  auto right = verify_password("pleaseletmein", encoded);
  ASSERT_TRUE(right.ok()) << right.error().message;
  EXPECT_TRUE(*right);
  auto wrong = verify_password("pleaseletmeout", encoded);
  ASSERT_TRUE(wrong.ok());
  EXPECT_FALSE(*wrong);
}

TEST(PasswordHash, ParseErrorsNameThePart) {
  auto h = hash_password("pw", kFastScrypt);
  ASSERT_TRUE(h.ok());
  const std::string salt_and_hash = h->substr(h->find("$", 10));
  const struct {
    std::string text;
    std::string message;
  } cases[] = {
      {"$argon2id$v=19$x$y", "password hash: does not start with '$scrypt$'"},
      {"$scrypt$ln=15,r=8,p=1$abc", "password hash: expected 4 '$'-separated fields"},
      {"$scrypt$n=15,r=8,p=1" + salt_and_hash, "password hash: expected parameter 'ln'"},
      {"$scrypt$ln=15,p=1" + salt_and_hash, "password hash: expected parameter 'r'"},
      {"$scrypt$ln=x,r=8,p=1" + salt_and_hash,
       "password hash: parameter 'ln' is not a decimal number"},
      {"$scrypt$ln=015,r=8,p=1" + salt_and_hash,
       "password hash: parameter 'ln' is not a decimal number"},
      {"$scrypt$ln=15,r=8,p=1,q=2" + salt_and_hash, "password hash: unexpected parameters after p"},
      {"$scrypt$ln=25,r=8,p=1" + salt_and_hash, "password hash: scrypt ln must be 1 to 24, got 25"},
      {"$scrypt$ln=20,r=8,p=1" + salt_and_hash,
       "password hash: scrypt parameters need 1024 MiB, above the limit of 256 MiB"},
      {"$scrypt$ln=4,r=8,p=1$AAAA$" + std::string(43, 'A'),
       "password hash: salt must be 8 to 64 bytes, got 3"},
      {"$scrypt$ln=4,r=8,p=1$" + std::string(22, 'A') + "$AA*A",
       "password hash: hash: base64: invalid character at offset 2"},
  };
  for (const auto& c : cases) {
    auto r = parse_password_hash(c.text);
    ASSERT_FALSE(r.ok()) << c.text;
    EXPECT_EQ(r.error().message, c.message) << c.text;
    auto v = verify_password("pw", c.text);
    EXPECT_FALSE(v.ok()) << c.text;
  }
}

TEST(PasswordHash, RefusesParametersOutOfRange) {
  EXPECT_FALSE(hash_password("pw", {0, 8, 1}).ok());
  EXPECT_FALSE(hash_password("pw", {4, 0, 1}).ok());
  EXPECT_FALSE(hash_password("pw", {4, 8, 17}).ok());
  auto r = hash_password("pw", {20, 8, 1});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, "scrypt parameters need 1024 MiB, above the limit of 256 MiB");
}

TEST(PasswordHash, NeedsRehashWhenWeakerThanCurrent) {
  auto weak = hash_password("pw", kFastScrypt);
  ASSERT_TRUE(weak.ok());
  EXPECT_TRUE(needs_rehash(*weak));
  EXPECT_FALSE(needs_rehash(*weak, kFastScrypt));
  EXPECT_TRUE(needs_rehash(*weak, {4, 9, 1}));
  EXPECT_TRUE(needs_rehash(*weak, {4, 8, 2}));
  EXPECT_TRUE(needs_rehash("not a hash", kFastScrypt));
}

TEST(PasswordHash, ProductionParametersHashAndVerify) {
  const auto start = std::chrono::steady_clock::now();
  auto h = hash_password("Tr0ub4dor&3");
  const auto took = std::chrono::steady_clock::now() - start;
  ASSERT_TRUE(h.ok()) << h.error().message;
  EXPECT_EQ(h->rfind("$scrypt$ln=15,r=8,p=1$", 0), 0u) << *h;
  EXPECT_FALSE(needs_rehash(*h));
  auto right = verify_password("Tr0ub4dor&3", *h);
  ASSERT_TRUE(right.ok()) << right.error().message;
  EXPECT_TRUE(*right);
  auto wrong = verify_password("Tr0ub4dor&4", *h);
  ASSERT_TRUE(wrong.ok());
  EXPECT_FALSE(*wrong);
  std::printf(
      "production scrypt hash took %lld ms\n",
      static_cast<long long>(std::chrono::duration_cast<std::chrono::milliseconds>(took).count()));
}

}  // namespace
}  // namespace trunkline::auth
