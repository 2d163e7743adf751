// Sealed secrets: they open with the same key and context only, and any
// change to the stored text is refused.
#include "control/auth/secret_seal.h"

#include <gtest/gtest.h>

namespace trunkline::auth {
namespace {

std::vector<std::uint8_t> key(std::uint8_t fill) { return std::vector<std::uint8_t>(32, fill); }
const std::vector<std::uint8_t> kSecret = {1,  2,  3,  4,  5,  6,  7,  8,  9,  10,
                                           11, 12, 13, 14, 15, 16, 17, 18, 19, 20};

TEST(SecretSeal, OpensWithTheSameKeyAndContextOnly) {
  auto seal = SecretSeal::derive(key(7));
  ASSERT_TRUE(seal.ok()) << seal.error().message;
  const std::string s = seal->seal(kSecret, "totp/1/ann");
  EXPECT_TRUE(SecretSeal::is_sealed(s));
  EXPECT_EQ(s.rfind("seal1:", 0), 0u);
  auto back = seal->open(s, "totp/1/ann");
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(*back, kSecret);
  EXPECT_NE(seal->seal(kSecret, "totp/1/ann"), s) << "a fresh nonce each time";

  EXPECT_FALSE(seal->open(s, "totp/2/ann").ok()) << "moved to another account";
  auto other = SecretSeal::derive(key(8));
  ASSERT_TRUE(other.ok());
  EXPECT_FALSE(other->open(s, "totp/1/ann").ok()) << "another appliance's key";
}

TEST(SecretSeal, AlteredOrMalformedTextIsRefused) {
  auto seal = SecretSeal::derive(key(7));
  ASSERT_TRUE(seal.ok());
  std::string s = seal->seal(kSecret, "c");
  std::string altered = s;
  altered[10] = altered[10] == 'A' ? 'B' : 'A';
  EXPECT_FALSE(seal->open(altered, "c").ok());
  EXPECT_FALSE(seal->open(s.substr(0, s.size() - 4), "c").ok()) << "truncated";
  EXPECT_FALSE(seal->open("seal1:", "c").ok());
  EXPECT_FALSE(seal->open("seal1:!!!", "c").ok());
  EXPECT_FALSE(seal->open("JBSWY3DPEHPK3PXP", "c").ok()) << "not sealed at all";
  EXPECT_FALSE(SecretSeal::is_sealed("JBSWY3DPEHPK3PXP"));
}

TEST(SecretSeal, MasterKeyMustBe32Bytes) {
  EXPECT_FALSE(SecretSeal::derive(std::vector<std::uint8_t>(16, 1)).ok());
  EXPECT_FALSE(SecretSeal::derive({}).ok());
}

}  // namespace
}  // namespace trunkline::auth
