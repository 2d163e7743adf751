// Digest credentials parsing and the digest arithmetic, against the known
// vectors of RFC 2617 section 3.5 and RFC 7616 section 3.9.1.
#include "control/registrar/digest.h"

#include <gtest/gtest.h>

#include <string>

namespace trunkline::registrar {
namespace {

TEST(RegistrarDigest, Rfc2617VectorMd5) {
  const std::string ha1 =
      compute_ha1(DigestAlgorithm::kMd5, "Mufasa", "testrealm@host.com", "Circle Of Life");
  EXPECT_EQ(ha1, "939e7578ed9e3c518a452acee763bce9");
  EXPECT_EQ(compute_response(DigestAlgorithm::kMd5, ha1, "dcd98b7102dd2f0e8b11d0f600bfb0c093",
                             "00000001", "0a4f113b", "auth", "GET", "/dir/index.html"),
            "6629fae49393a05397450978507c4ef1");
}

constexpr const char* kRfc7616Nonce = "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v";
constexpr const char* kRfc7616Cnonce = "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ";

TEST(RegistrarDigest, Rfc7616VectorsMd5AndSha256) {
  const std::string md5_ha1 =
      compute_ha1(DigestAlgorithm::kMd5, "Mufasa", "http-auth@example.org", "Circle of Life");
  EXPECT_EQ(compute_response(DigestAlgorithm::kMd5, md5_ha1, kRfc7616Nonce, "00000001",
                             kRfc7616Cnonce, "auth", "GET", "/dir/index.html"),
            "8ca523f5e9506fed4657c9700eebdbec");
  const std::string sha_ha1 =
      compute_ha1(DigestAlgorithm::kSha256, "Mufasa", "http-auth@example.org", "Circle of Life");
  EXPECT_EQ(sha_ha1.size(), 64u);
  EXPECT_EQ(compute_response(DigestAlgorithm::kSha256, sha_ha1, kRfc7616Nonce, "00000001",
                             kRfc7616Cnonce, "auth", "GET", "/dir/index.html"),
            "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1");
}

// The Authorization of RFC 7616 section 3.9.1 (SHA-256), parsed and verified.
const std::string kRfc7616Sha256Header =
    std::string(
        "Digest username=\"Mufasa\",\r\n realm=\"http-auth@example.org\",\r\n"
        " uri=\"/dir/index.html\",\r\n algorithm=SHA-256,\r\n nonce=\"") +
    kRfc7616Nonce + "\",\r\n nc=00000001,\r\n cnonce=\"" + kRfc7616Cnonce +
    "\",\r\n qop=auth,\r\n"
    " response=\"753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1\",\r\n"
    " opaque=\"FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS\"";

TEST(RegistrarDigest, ParsesAndVerifiesRfc7616Header) {
  DigestCredentials c;
  DigestParseResult r = parse_digest_credentials(kRfc7616Sha256Header, &c);
  ASSERT_TRUE(r.ok()) << r.detail;
  EXPECT_EQ(c.username, "Mufasa");
  EXPECT_EQ(c.realm, "http-auth@example.org");
  EXPECT_EQ(c.uri, "/dir/index.html");
  EXPECT_EQ(c.algorithm, DigestAlgorithm::kSha256);
  EXPECT_TRUE(c.has_algorithm);
  EXPECT_EQ(c.nc, 1u);
  EXPECT_EQ(c.nc_text, "00000001");
  EXPECT_EQ(c.cnonce, kRfc7616Cnonce);
  EXPECT_TRUE(c.has_qop);
  EXPECT_TRUE(c.has_opaque);
  EXPECT_EQ(c.opaque, "FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS");

  const std::string ha1 =
      compute_ha1(DigestAlgorithm::kSha256, "Mufasa", "http-auth@example.org", "Circle of Life");
  EXPECT_TRUE(verify_response(c, ha1, "GET"));
  EXPECT_FALSE(verify_response(c, ha1, "POST"));
  const std::string wrong =
      compute_ha1(DigestAlgorithm::kSha256, "Mufasa", "http-auth@example.org", "Circle of life");
  EXPECT_FALSE(verify_response(c, wrong, "GET"));
  EXPECT_FALSE(verify_response(c, "", "GET"));
  // An MD5-sized digest for a SHA-256 response never matches.
  EXPECT_FALSE(verify_response(c, ha1.substr(0, 32), "GET"));
}

TEST(RegistrarDigest, UppercaseHexMatches) {
  std::string header = kRfc7616Sha256Header;
  const std::string lower = "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1";
  std::string upper = lower;
  for (char& ch : upper) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  header.replace(header.find(lower), lower.size(), upper);
  DigestCredentials c;
  ASSERT_TRUE(parse_digest_credentials(header, &c).ok());
  std::string ha1 =
      compute_ha1(DigestAlgorithm::kSha256, "Mufasa", "http-auth@example.org", "Circle of Life");
  EXPECT_TRUE(verify_response(c, ha1, "GET"));
  for (char& ch : ha1) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  EXPECT_TRUE(verify_response(c, ha1, "GET"));  // a stored digest in upper case too
}

const char* kMd5Ok =
    "Digest username=\"alice\", realm=\"a.example\", nonce=\"n\", uri=\"sip:a.example\", "
    "response=\"0123456789abcdef0123456789abcdef\", qop=auth, nc=0000000a, cnonce=\"c\"";

TEST(RegistrarDigest, DefaultsToMd5AndIgnoresUnknownParams) {
  std::string v = std::string(kMd5Ok) + ", x-vendor=\"whatever\", other=token";
  DigestCredentials c;
  ASSERT_TRUE(parse_digest_credentials(v, &c).ok());
  EXPECT_EQ(c.algorithm, DigestAlgorithm::kMd5);
  EXPECT_FALSE(c.has_algorithm);
  EXPECT_EQ(c.nc, 10u);
  EXPECT_FALSE(c.has_opaque);
}

TEST(RegistrarDigest, AcceptsQuotedAlgorithmAndQopAndCaseOfNames) {
  DigestCredentials c;
  ASSERT_TRUE(parse_digest_credentials(
                  "digest USERNAME=\"alice\",Realm=\"r\",NONCE=\"n\",uri=\"sip:r\","
                  "response=\"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\","
                  "algorithm=\"sha-256\",qop=\"auth\",nc=00000001,cnonce=\"c\"",
                  &c)
                  .ok());
  EXPECT_EQ(c.algorithm, DigestAlgorithm::kSha256);
  EXPECT_TRUE(c.has_qop);
}

TEST(RegistrarDigest, UnquotesEscapedUsername) {
  DigestCredentials c;
  ASSERT_TRUE(parse_digest_credentials(
                  "Digest username=\"al\\\"ice\", realm=\"r\", nonce=\"n\", uri=\"sip:r\", "
                  "response=\"0123456789abcdef0123456789abcdef\"",
                  &c)
                  .ok());
  EXPECT_EQ(c.username, "al\\\"ice");
  EXPECT_EQ(unquoted(c.username), "al\"ice");
  EXPECT_FALSE(c.has_qop);
}

struct BadCase {
  const char* value;
  DigestError error;
};

class RegistrarDigestRefuses : public ::testing::TestWithParam<BadCase> {};

TEST_P(RegistrarDigestRefuses, WithThePreciseError) {
  DigestCredentials c;
  DigestParseResult r = parse_digest_credentials(GetParam().value, &c);
  EXPECT_EQ(r.error, GetParam().error) << GetParam().value << " -> " << r.detail;
  EXPECT_LE(r.offset, std::string_view(GetParam().value).size());
  EXPECT_STRNE(r.detail, "");
}

#define R(x) "Digest username=\"a\", realm=\"r\", nonce=\"n\", uri=\"sip:r\", " x
#define RESP "response=\"0123456789abcdef0123456789abcdef\""

INSTANTIATE_TEST_SUITE_P(
    RegistrarDigest, RegistrarDigestRefuses,
    ::testing::Values(
        BadCase{"", DigestError::kSyntax},
        BadCase{"Basic YWxhZGRpbjpvcGVuc2VzYW1l", DigestError::kNotDigest},
        BadCase{"Digest", DigestError::kSyntax}, BadCase{"Digest ", DigestError::kSyntax},
        BadCase{"Digest username", DigestError::kSyntax},
        BadCase{"Digest username=", DigestError::kSyntax},
        BadCase{"Digest username=\"a", DigestError::kSyntax},
        BadCase{R(RESP ",,"), DigestError::kSyntax}, BadCase{R(RESP " x=y"), DigestError::kSyntax},
        BadCase{"Digest username=a, realm=\"r\", nonce=\"n\", uri=\"u\", " RESP,
                DigestError::kSyntax},
        BadCase{R("response=\"0123\""), DigestError::kSyntax},
        BadCase{R("response=\"0123456789abcdef0123456789abcdeg\""), DigestError::kSyntax},
        BadCase{R("response=0123456789abcdef0123456789abcdef"), DigestError::kSyntax},
        BadCase{R(RESP ", algorithm=SHA-256"), DigestError::kSyntax},  // 32 hex for SHA-256
        BadCase{R(RESP ", realm=\"again\""), DigestError::kDuplicateParam},
        BadCase{R(RESP ", X=1, x=2"), DigestError::kDuplicateParam},
        BadCase{"Digest realm=\"r\", nonce=\"n\", uri=\"u\", " RESP, DigestError::kMissingParam},
        BadCase{"Digest username=\"a\", nonce=\"n\", uri=\"u\", " RESP, DigestError::kMissingParam},
        BadCase{"Digest username=\"a\", realm=\"r\", uri=\"u\", " RESP, DigestError::kMissingParam},
        BadCase{"Digest username=\"a\", realm=\"r\", nonce=\"n\", " RESP,
                DigestError::kMissingParam},
        BadCase{R("qop=auth"), DigestError::kMissingParam},
        BadCase{R(RESP ", qop=auth, nc=00000001"), DigestError::kMissingParam},
        BadCase{R(RESP ", qop=auth, cnonce=\"c\""), DigestError::kMissingParam},
        BadCase{R(RESP ", nc=00000001, cnonce=\"c\""), DigestError::kSyntax},
        BadCase{R(RESP ", qop=auth, nc=0001, cnonce=\"c\""), DigestError::kSyntax},
        BadCase{R(RESP ", qop=auth, nc=\"00000001\", cnonce=\"c\""), DigestError::kSyntax},
        BadCase{R(RESP ", qop=auth, nc=0000000g, cnonce=\"c\""), DigestError::kSyntax},
        BadCase{R(RESP ", algorithm=MD5-sess"), DigestError::kUnsupportedAlgorithm},
        BadCase{R(RESP ", algorithm=SHA-512-256"), DigestError::kUnsupportedAlgorithm},
        BadCase{R(RESP ", qop=auth-int"), DigestError::kUnsupportedQop},
        BadCase{R(RESP ", userhash=true"), DigestError::kUnsupportedUserhash},
        BadCase{"Digest username*=UTF-8''a, realm=\"r\"", DigestError::kUnsupportedUserhash}));

#undef R
#undef RESP

TEST(RegistrarDigest, TooManyParametersAreRefused) {
  std::string v = kMd5Ok;
  for (int i = 0; i < 40; ++i) v += ", p" + std::to_string(i) + "=x";
  DigestCredentials c;
  EXPECT_EQ(parse_digest_credentials(v, &c).error, DigestError::kTooManyParams);
}

TEST(RegistrarDigest, ErrorOffsetPointsAtTheParameter) {
  const std::string v = R"(Digest username="a", nc=zz)";
  DigestCredentials c;
  DigestParseResult r = parse_digest_credentials(v, &c);
  EXPECT_EQ(r.error, DigestError::kSyntax);
  EXPECT_EQ(r.offset, v.find("nc="));
}

}  // namespace
}  // namespace trunkline::registrar
