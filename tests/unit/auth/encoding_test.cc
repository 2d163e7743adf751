// RFC 4648 section 10 test vectors for base32 and base64 (without padding),
// base64url's two different characters, and strict decoding.
#include "control/auth/encoding.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace trunkline::auth {
namespace {

std::vector<std::uint8_t> bytes(std::string_view s) { return {s.begin(), s.end()}; }

struct Vector {
  const char* plain;
  const char* encoded;
};

TEST(EncodingBase32, Rfc4648Vectors) {
  const Vector vectors[] = {{"", ""},
                            {"f", "MY"},
                            {"fo", "MZXQ"},
                            {"foo", "MZXW6"},
                            {"foob", "MZXW6YQ"},
                            {"fooba", "MZXW6YTB"},
                            {"foobar", "MZXW6YTBOI"}};
  for (const Vector& v : vectors) {
    EXPECT_EQ(base32_encode(bytes(v.plain)), v.encoded) << v.plain;
    auto decoded = base32_decode(v.encoded);
    ASSERT_TRUE(decoded.ok()) << v.encoded << ": " << decoded.error().message;
    EXPECT_EQ(*decoded, bytes(v.plain)) << v.encoded;
  }
}

TEST(EncodingBase64, Rfc4648Vectors) {
  const Vector vectors[] = {
      {"", ""},           {"f", "Zg"},          {"fo", "Zm8"},         {"foo", "Zm9v"},
      {"foob", "Zm9vYg"}, {"fooba", "Zm9vYmE"}, {"foobar", "Zm9vYmFy"}};
  for (const Vector& v : vectors) {
    EXPECT_EQ(base64_encode(bytes(v.plain)), v.encoded) << v.plain;
    auto decoded = base64_decode(v.encoded);
    ASSERT_TRUE(decoded.ok()) << v.encoded;
    EXPECT_EQ(*decoded, bytes(v.plain)) << v.encoded;
  }
}

TEST(EncodingBase64Url, UsesDashAndUnderscore) {
  const std::vector<std::uint8_t> data = {0xFB, 0xFF, 0xBF};
  EXPECT_EQ(base64_encode(data), "+/+/");
  EXPECT_EQ(base64url_encode(data), "-_-_");
  auto decoded = base64url_decode("-_-_");
  ASSERT_TRUE(decoded.ok());
  EXPECT_EQ(*decoded, data);
  EXPECT_FALSE(base64url_decode("+/+/").ok());
}

TEST(EncodingBase32, RefusesPaddingLowercaseAndImpossibleLengths) {
  EXPECT_FALSE(base32_decode("MY======").ok());
  EXPECT_FALSE(base32_decode("my").ok());
  EXPECT_FALSE(base32_decode("M").ok());    // 5 bits: no whole byte
  EXPECT_FALSE(base32_decode("MZX").ok());  // 15 bits: a whole leftover character
  EXPECT_FALSE(base32_decode("MZ").ok());   // "f" is MY: the last 2 bits of Z are not zero
  auto e = base32_decode("MZ1W");
  ASSERT_FALSE(e.ok());
  EXPECT_EQ(e.error().message, "base32: invalid character at offset 2");
}

TEST(EncodingBase64, RefusesPaddingAndNonZeroTrailingBits) {
  EXPECT_FALSE(base64_decode("Zg==").ok());
  EXPECT_FALSE(base64_decode("Zh").ok());  // "f" is Zg
  EXPECT_FALSE(base64_decode("Z").ok());
  EXPECT_FALSE(base64_decode("Zm9 v").ok());
}

}  // namespace
}  // namespace trunkline::auth
