#include "control/tenant/digest.h"

#include <gtest/gtest.h>

namespace trunkline::tenant {
namespace {

// Expected values computed independently:
//   printf 'Mufasa:http-auth@example.org:Circle of Life' | md5sum / sha256sum
//   printf 'Mufasa:testrealm@host.com:Circle Of Life' | md5sum   (RFC 2617 §3.5)
TEST(DigestTest, Rfc7616ExampleHa1ForMd5AndSha256) {
  EXPECT_EQ(ha1(DigestAlgorithm::kMd5, "Mufasa", "http-auth@example.org", "Circle of Life"),
            "3d78807defe7de2157e2b0b6573a855f");
  EXPECT_EQ(ha1(DigestAlgorithm::kSha256, "Mufasa", "http-auth@example.org", "Circle of Life"),
            "7987c64c30e25f1b74be53f966b49b90f2808aa92faf9a00262392d7b4794232");
}

TEST(DigestTest, Rfc2617ExampleHa1) {
  EXPECT_EQ(ha1(DigestAlgorithm::kMd5, "Mufasa", "testrealm@host.com", "Circle Of Life"),
            "939e7578ed9e3c518a452acee763bce9");
}

TEST(DigestTest, HexOfEmptyInput) {
  EXPECT_EQ(digest_hex(DigestAlgorithm::kMd5, ""), "d41d8cd98f00b204e9800998ecf8427e");
  EXPECT_EQ(digest_hex(DigestAlgorithm::kSha256, ""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

}  // namespace
}  // namespace trunkline::tenant
