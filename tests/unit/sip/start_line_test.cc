#include "control/sip/start_line.h"

#include <gtest/gtest.h>

namespace trunkline::sip {
namespace {

std::string request_error(std::string_view line, bool* wrong_version = nullptr) {
  RequestLine rl;
  SyntaxError e;
  bool wv = false;
  EXPECT_FALSE(parse_request_line(line, &rl, &e, &wv)) << line;
  if (wrong_version != nullptr) *wrong_version = wv;
  return e.detail != nullptr ? e.detail : "";
}

TEST(RequestLine, ParsesMethodUriAndVersion) {
  RequestLine rl;
  bool wv = false;
  ASSERT_TRUE(parse_request_line("INVITE sip:bob@biloxi.example.com SIP/2.0", &rl, nullptr, &wv));
  EXPECT_EQ(rl.method, "INVITE");
  EXPECT_EQ(rl.method_id, Method::kInvite);
  EXPECT_EQ(rl.uri.host.text, "biloxi.example.com");
  EXPECT_EQ(rl.version, "SIP/2.0");
  ASSERT_TRUE(parse_request_line("invite sip:x@y.example sip/2.0", &rl, nullptr, &wv));
  EXPECT_EQ(rl.method_id, Method::kUnknown);  // methods are case-sensitive
}

TEST(RequestLine, EachMalformationHasItsOwnError) {
  EXPECT_EQ(request_error("INVITE  sip:a@b.example SIP/2.0"),
            "more than one SP between method and Request-URI");
  EXPECT_EQ(request_error("INVITE sip:a@b.example  SIP/2.0"),
            "more than one SP between Request-URI and SIP version");
  EXPECT_EQ(request_error("INVITE sip:a@b.example SIP/2.0 "), "white space after SIP version");
  EXPECT_EQ(request_error("INVITE sip:a@b.example; lr SIP/2.0"), "white space inside Request-URI");
  EXPECT_EQ(request_error("INVITE <sip:a@b.example> SIP/2.0"), "Request-URI enclosed in '<' '>'");
  EXPECT_EQ(request_error("INVITE sip:a@b.example?Route=x SIP/2.0"), "headers in Request-URI");
  EXPECT_EQ(request_error("INVITE sip:a@b.example"),
            "expected SP and SIP version after Request-URI");
  EXPECT_EQ(request_error("INV\"ITE sip:a@b.example SIP/2.0"),
            "invalid character in request method");
  EXPECT_EQ(request_error("INVITE sip:a@b.example SIP/2"), "invalid SIP version");
  bool wrong_version = false;
  EXPECT_EQ(request_error("INVITE sip:a@b.example SIP/3.0", &wrong_version),
            "SIP version not supported");
  EXPECT_TRUE(wrong_version);
}

TEST(StatusLine, ParsesCodeAndReason) {
  StatusLine sl;
  ASSERT_TRUE(parse_status_line("SIP/2.0 486 Busy Here", &sl, nullptr));
  EXPECT_EQ(sl.code, 486);
  EXPECT_EQ(sl.reason, "Busy Here");
  ASSERT_TRUE(parse_status_line("SIP/2.0 100 ", &sl, nullptr));
  EXPECT_EQ(sl.reason, "");
  EXPECT_TRUE(looks_like_status_line("SIP/2.0 200 OK"));
  EXPECT_FALSE(looks_like_status_line("SIPX sip:a SIP/2.0"));
}

TEST(StatusLine, RefusesBadCodes) {
  StatusLine sl;
  SyntaxError e;
  EXPECT_FALSE(parse_status_line("SIP/2.0 4294967301 big", &sl, &e));
  EXPECT_STREQ(e.detail, "status code is not three digits");
  EXPECT_FALSE(parse_status_line("SIP/2.0 099 low", &sl, &e));
  EXPECT_STREQ(e.detail, "status code outside 100-699");
  EXPECT_FALSE(parse_status_line("SIP/2.0 200", &sl, &e));
  EXPECT_STREQ(e.detail, "expected SP after status code");
  EXPECT_FALSE(parse_status_line("SIP/2.0 200 O\x01K", &sl, &e));
  EXPECT_STREQ(e.detail, "control character in reason phrase");
  EXPECT_FALSE(parse_status_line("SIP/3.0 200 OK", &sl, &e));
  EXPECT_STREQ(e.detail, "SIP version not supported");
}

}  // namespace
}  // namespace trunkline::sip

namespace trunkline::sip {
namespace {

TEST(RequestLine, WhiteSpaceInsideLongAndShortUris) {
  for (std::size_t n : {1u, 14u, 15u, 16u, 17u, 40u}) {
    std::string uri = "sip:" + std::string(n, 'a') + "@h.example";
    RequestLine rl;
    bool wv = false;
    EXPECT_TRUE(parse_request_line("OPTIONS " + uri + " SIP/2.0", &rl, nullptr, &wv)) << n;
    for (char ws : {' ', '\t'}) {
      std::string line = "OPTIONS " + uri + " SIP/2.0";
      std::size_t at = 8 + 4 + n / 2;
      line.insert(at, 1, ws);
      SyntaxError e;
      EXPECT_FALSE(parse_request_line(line, &rl, &e, &wv)) << line;
      if (ws == ' ') continue;  // an SP splits off the version instead
      EXPECT_STREQ(e.detail, "white space inside Request-URI");
      EXPECT_EQ(e.at - line.data(), static_cast<std::ptrdiff_t>(at));
    }
  }
}

TEST(RequestLine, VersionFastPathAndOthers) {
  RequestLine rl;
  bool wv = false;
  ASSERT_TRUE(parse_request_line("ACK sip:a@b SIP/2.0", &rl, nullptr, &wv));
  ASSERT_TRUE(parse_request_line("ACK sip:a@b Sip/2.0", &rl, nullptr, &wv));
  EXPECT_EQ(rl.version, "Sip/2.0");
  EXPECT_EQ(request_error("ACK sip:a@b SIP/2.00", &wv), "SIP version not supported");
  EXPECT_TRUE(wv);
  EXPECT_EQ(request_error("ACK sip:a@b SIP/2.x"), "invalid SIP version");
}

TEST(StatusLine, LooksLikeOneInAnyCase) {
  EXPECT_TRUE(looks_like_status_line("SIP/2.0 200 OK"));
  EXPECT_TRUE(looks_like_status_line("sIp/2.0 200 OK"));
  EXPECT_FALSE(looks_like_status_line("SIP/"));
  EXPECT_FALSE(looks_like_status_line("SIP/x.0 200 OK"));
  EXPECT_FALSE(looks_like_status_line("SIPS2.0 200 OK"));
}

TEST(StatusLine, ControlCharactersAnywhereInTheReason) {
  std::string reason(40, 'r');
  reason += "\xC3\xA9\t";  // UTF-8 and HTAB are fine
  StatusLine sl;
  ASSERT_TRUE(parse_status_line("SIP/2.0 200 " + reason, &sl, nullptr));
  for (std::size_t at : {0u, 1u, 15u, 16u, 17u, 30u, 41u}) {
    for (char bad : {'\x01', '\x1F', '\x7F', '\0'}) {
      std::string line = "SIP/2.0 200 " + reason;
      line[12 + at] = bad;
      SyntaxError e;
      EXPECT_FALSE(parse_status_line(line, &sl, &e)) << at;
      EXPECT_STREQ(e.detail, "control character in reason phrase");
      EXPECT_EQ(e.at - line.data(), static_cast<std::ptrdiff_t>(12 + at));
    }
  }
  SyntaxError e;
  EXPECT_FALSE(parse_status_line("sip/3.0 200 OK", &sl, &e));
  EXPECT_STREQ(e.detail, "SIP version not supported");
  ASSERT_TRUE(parse_status_line("sip/2.0 200 OK", &sl, &e));
  EXPECT_EQ(sl.version, "sip/2.0");
}

}  // namespace
}  // namespace trunkline::sip
