#include <gtest/gtest.h>

#include "control/sip/auth.h"
#include "control/sip/lists.h"
#include "control/sip/message.h"

namespace trunkline::sip {
namespace {

TEST(Authorization, DigestCredentials) {
  AuthField a;
  ASSERT_TRUE(parse_credentials(
      "Digest username=\"bob\", realm=\"biloxi.example.com\", "
      "nonce=\"dcd98b7102dd2f0e8b11d0f600bfb0c093\",\r\n"
      " uri=\"sip:bob@biloxi.example.com\", qop=auth, nc=00000001, cnonce=\"0a4f113b\",\r\n"
      " response=\"6629fae49393a05397450978507c4ef1\", opaque=\"5ccc069c403ebaf9f0171e9517f40e41\"",
      &a, nullptr));
  EXPECT_TRUE(a.is_digest());
  EXPECT_EQ(a.get("username"), "bob");
  EXPECT_EQ(a.get("URI"), "sip:bob@biloxi.example.com");
  EXPECT_EQ(a.get("qop"), "auth");
  EXPECT_EQ(a.get("nc"), "00000001");
  EXPECT_EQ(a.param_count, 9);
}

TEST(Authorization, DigestParameterFormsAreChecked) {
  AuthField a;
  SyntaxError e;
  EXPECT_FALSE(parse_credentials("Digest username=bob", &a, &e));
  EXPECT_STREQ(e.detail, "Digest parameter has the wrong form");
  EXPECT_FALSE(parse_credentials("Digest response=\"123\"", &a, &e));
  // MD5 responses are 32 hex digits, SHA-256 ones (RFC 8760) 64; nothing else.
  EXPECT_TRUE(parse_credentials(
      "Digest algorithm=SHA-256, response=\"" + std::string(64, 'a') + "\"", &a, &e));
  EXPECT_FALSE(parse_credentials("Digest response=\"" + std::string(48, 'a') + "\"", &a, &e));
  EXPECT_FALSE(parse_credentials("Digest response=\"" + std::string(64, 'g') + "\"", &a, &e));
  EXPECT_FALSE(parse_credentials("Digest nc=1", &a, &e));
  EXPECT_FALSE(parse_credentials("Digest realm=\"a\", realm=\"b\"", &a, &e));
  EXPECT_STREQ(e.detail, "repeated authentication parameter");
  EXPECT_FALSE(parse_credentials("Digest", &a, &e));
  EXPECT_FALSE(parse_credentials("Digest realm=\"a\",", &a, &e));
}

TEST(Authorization, OtherSchemesParseGenerically) {
  AuthField a;
  ASSERT_TRUE(parse_credentials("NoOneKnowsThisScheme opaque-data=here", &a, nullptr));
  EXPECT_FALSE(a.is_digest());
  EXPECT_EQ(a.get("opaque-data"), "here");
}

TEST(WwwAuthenticate, DigestChallenge) {
  AuthField a;
  ASSERT_TRUE(
      parse_challenge("Digest realm=\"atlanta.example.com\", qop=\"auth,auth-int\", "
                      "nonce=\"84a4cc6f3082121f32b42a2187831a9e\", stale=FALSE, algorithm=MD5",
                      &a, nullptr));
  EXPECT_EQ(a.get("realm"), "atlanta.example.com");
  EXPECT_EQ(a.get("qop"), "auth,auth-int");
  EXPECT_EQ(a.get("stale"), "FALSE");
  SyntaxError e;
  EXPECT_FALSE(parse_challenge("Digest stale=maybe", &a, &e));
  EXPECT_FALSE(parse_challenge("Digest qop=auth", &a, &e));  // quoted in a challenge
}

TEST(TokenLists, RequireSupportedAllow) {
  std::vector<std::string_view> tags;
  SyntaxError e;
  ASSERT_TRUE(parse_comma_list("100rel ,\r\n timer,replaces", false, &e, [&](Cursor& c) {
    std::string_view t;
    if (!parse_list_token(c, &t, &e)) return false;
    tags.push_back(t);
    return true;
  }));
  EXPECT_EQ(tags, (std::vector<std::string_view>{"100rel", "timer", "replaces"}));
  auto one = [&](Cursor& c) {
    std::string_view t;
    return parse_list_token(c, &t, &e);
  };
  EXPECT_TRUE(parse_comma_list("", true, &e, one));  // "Supported:" may be empty
  EXPECT_FALSE(parse_comma_list("", false, &e, one));
  EXPECT_FALSE(parse_comma_list("a,,b", false, &e, one));
  EXPECT_STREQ(e.detail, "empty element in list");
  EXPECT_FALSE(parse_comma_list("a b", false, &e, one));
  EXPECT_STREQ(e.detail, "expected ',' or end of value");
}

TEST(MediaTypes, ContentTypeAndAcceptRanges) {
  MediaType mt;
  Cursor c("multipart/mixed;boundary=\"7a9c\"");
  ASSERT_TRUE(parse_media_type(c, &mt, nullptr));
  EXPECT_TRUE(mt.matches("MULTIPART", "Mixed"));
  Param b;
  ASSERT_TRUE(mt.params.find("boundary", &b));
  EXPECT_EQ(b.value, "7a9c");
  SyntaxError e;
  Cursor range("application/*;q=0.5");
  ASSERT_TRUE(parse_media_range(range, &mt, nullptr));
  EXPECT_EQ(mt.subtype, "*");
  Cursor bad_q("application/sdp;q=2");
  EXPECT_FALSE(parse_media_range(bad_q, &mt, &e));
  Cursor half("*/sdp");
  EXPECT_FALSE(parse_media_range(half, &mt, &e));
  Cursor novalue("text/plain;charset");
  EXPECT_FALSE(parse_media_type(novalue, &mt, &e));
  EXPECT_STREQ(e.detail, "media type parameter needs a value");
}

}  // namespace
}  // namespace trunkline::sip

namespace trunkline::sip {
namespace {

TEST(Authorization, RepeatsAndRulesAreMatchedWithoutRegardToCase) {
  AuthField a;
  SyntaxError e;
  // Same length, first and last letter: only iequals() tells these apart.
  ASSERT_TRUE(parse_credentials("Digest realm=\"a\", rxxlm=\"b\", RealM=x", &a, &e) == false);
  EXPECT_STREQ(e.detail, "Digest parameter has the wrong form");
  ASSERT_TRUE(parse_credentials("Digest realm=\"a\", rxxlm=\"b\"", &a, &e));
  EXPECT_EQ(a.param_count, 2);
  EXPECT_FALSE(parse_credentials("Digest realm=\"a\", rxxlm=\"b\", REALM=\"c\"", &a, &e));
  EXPECT_STREQ(e.detail, "repeated authentication parameter");
  EXPECT_FALSE(parse_credentials("Other a=1, b=2, c=3, d=4, e=5, A=6", &a, &e));
  EXPECT_STREQ(e.detail, "repeated authentication parameter");
  // Up to the limit of parameters, and one past it.
  std::string many = "Other p0=0";
  for (int i = 1; i < 24; ++i) many += ", p" + std::to_string(i) + "=0";
  ASSERT_TRUE(parse_credentials(many, &a, &e));
  EXPECT_EQ(a.param_count, 24);
  EXPECT_FALSE(parse_credentials(many + ", p0=1", &a, &e));
  EXPECT_STREQ(e.detail, "repeated authentication parameter");
  EXPECT_FALSE(parse_credentials(many + ", q=1", &a, &e));
  EXPECT_STREQ(e.detail, "too many authentication parameters");
  // Hex checks at every position of a 32- and 64-digit response.
  for (std::size_t len : {32u, 64u}) {
    for (std::size_t at = 0; at < len; at += 7) {
      std::string hex(len, 'F');
      hex[at] = 'g';
      EXPECT_FALSE(parse_credentials("Digest response=\"" + hex + "\"", &a, &e)) << at;
      hex[at] = '9';
      EXPECT_TRUE(parse_credentials("Digest response=\"" + hex + "\"", &a, &e)) << at;
    }
  }
  EXPECT_FALSE(parse_credentials("Digest nc=0000000G", &a, &e));
  EXPECT_TRUE(parse_credentials("Digest NC=abcdef01", &a, &e));
}

TEST(TokenLists, ReaderWalksAllowTokenByToken) {
  std::string msg =
      "OPTIONS sip:a@example.com SIP/2.0\r\n"
      "Via: SIP/2.0/UDP a.example.com;branch=z9hG4bK1\r\n"
      "From: <sip:a@example.com>;tag=1\r\nTo: <sip:b@example.com>\r\n"
      "Call-ID: x\r\nCSeq: 1 OPTIONS\r\n"
      "Allow: INVITE, ACK ,CANCEL,\r\n BYE\r\nAllow: OPTIONS\r\n\r\n";
  Message m;
  ASSERT_TRUE(parse_message(msg, &m).ok());
  ListReader<std::string_view> r(m, HeaderId::kAllow, parse_list_token);
  std::string all;
  std::string_view t;
  while (r.next(&t)) all += std::string(t) + "|";
  EXPECT_TRUE(r.error().ok());
  EXPECT_EQ(all, "INVITE|ACK|CANCEL|BYE|OPTIONS|");
}

}  // namespace
}  // namespace trunkline::sip
