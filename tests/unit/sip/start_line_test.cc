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
