#include "control/sip/refusal.h"

#include <gtest/gtest.h>

#include <string>

#include "control/sip/message.h"

namespace trunkline::sip {
namespace {

std::string request(const std::string& method, const std::string& extra = "",
                    const std::string& body = "", const std::string& ruri = "sip:svc@203.0.113.5") {
  return method + " " + ruri +
         " SIP/2.0\r\n"
         "Via: SIP/2.0/UDP 198.51.100.10:5060;branch=z9hG4bK77\r\n"
         "Max-Forwards: 70\r\n"
         "To: <sip:svc@203.0.113.5>\r\n"
         "From: <sip:caller@198.51.100.10>;tag=f1\r\n"
         "Call-ID: r1@198.51.100.10\r\n"
         "CSeq: 1 " +
         method + "\r\n" + extra + "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" +
         body;
}

Verdict ua(const std::string& d) { return judge_datagram(d, RefusalPolicy::appliance()); }
Verdict proxy(const std::string& d) {
  return judge_datagram(d, RefusalPolicy::appliance(Role::kProxy));
}

TEST(Refusal, AcceptsAnOrdinaryCall) {
  Verdict v =
      ua(request("INVITE", "Content-Type: application/sdp\r\nSupported: timer\r\n", "v=0\r\n"));
  EXPECT_TRUE(v.accept);
  EXPECT_EQ(v.code, 0);
  EXPECT_TRUE(v.reason.empty());
}

TEST(Refusal, KnownMethodNotTakenIs405WithAllow) {
  Verdict v = ua(request("PUBLISH"));
  EXPECT_FALSE(v.accept);
  EXPECT_EQ(v.code, 405);
  EXPECT_NE(v.allow.find("INVITE"), std::string::npos);
  EXPECT_EQ(v.allow.find("PUBLISH"), std::string::npos);
  EXPECT_TRUE(proxy(request("PUBLISH")).accept);
}

TEST(Refusal, AckIsNeverAnswered) {
  Verdict v = ua(request("ACK", "Require: nothing\r\n"));
  EXPECT_TRUE(v.accept);  // Require is not checked on ACK
  std::string bad = request("ACK");
  bad.replace(bad.find("Max-Forwards: 70"), 16, "Max-Forwards: 7x");
  v = ua(bad);
  EXPECT_FALSE(v.accept);
  EXPECT_EQ(v.code, 0);
  EXPECT_EQ(v.reason.substr(0, 19), "malformed ACK dropp");
}

TEST(Refusal, UnknownRequireIs420ListingOnlyTheUnknown) {
  Verdict v = ua(request("INVITE", "Require: timer, foo\r\nRequire: bar\r\n"));
  EXPECT_EQ(v.code, 420);
  EXPECT_EQ(v.unsupported, "foo, bar");
  EXPECT_TRUE(ua(request("CANCEL", "Require: foo\r\n")).accept);
  EXPECT_EQ(proxy(request("INVITE", "Proxy-Require: foo\r\n")).code, 420);
  EXPECT_TRUE(ua(request("INVITE", "Proxy-Require: foo\r\n")).accept);
}

TEST(Refusal, BodiesItCannotRead) {
  EXPECT_EQ(ua(request("INVITE", "", "v=0\r\n")).code, 400);  // no Content-Type
  Verdict v =
      ua(request("INVITE", "Content-Type: application/sdp\r\nContent-Encoding: gzip\r\n", "x"));
  EXPECT_EQ(v.code, 415);
  EXPECT_EQ(v.accept_encodings, "identity");
  EXPECT_TRUE(
      ua(request("INVITE", "Content-Type: application/sdp\r\nContent-Encoding: identity\r\n",
                 "v=0\r\n"))
          .accept);
  EXPECT_TRUE(
      ua(request("INFO", "Content-Type: application/dtmf-relay\r\n", "Signal=1\r\n")).accept);
  // An empty body says nothing about its type.
  EXPECT_TRUE(ua(request("INVITE", "Content-Type: application/unknown\r\n")).accept);
}

TEST(Refusal, AcceptMustLetAnSdpAnswerThrough) {
  EXPECT_TRUE(ua(request("INVITE", "Accept: application/sdp\r\n")).accept);
  EXPECT_TRUE(ua(request("INVITE", "Accept: text/plain, application/*\r\n")).accept);
  EXPECT_TRUE(ua(request("INVITE", "Accept: */*\r\n")).accept);
  EXPECT_EQ(ua(request("INVITE", "Accept: text/plain\r\n")).code, 406);
  EXPECT_EQ(ua(request("INVITE", "Accept:\r\n")).code, 406);
  EXPECT_EQ(ua(request("INVITE", "Accept: application/sdp;q=0, */*\r\n")).code, 406);
  EXPECT_TRUE(ua(request("INVITE", "Accept: */*;q=0, application/sdp\r\n")).accept);
  EXPECT_TRUE(
      ua(request("OPTIONS", "Accept: text/plain\r\n")).accept);  // 200 to OPTIONS needs no SDP
}

TEST(Refusal, RequestUriSchemes) {
  EXPECT_TRUE(ua(request("INVITE", "", "", "tel:+815012345678")).accept);
  EXPECT_TRUE(ua(request("INVITE", "", "", "sips:svc@203.0.113.5")).accept);
  Verdict v = ua(request("INVITE", "", "", "mailto:a@b.example"));
  EXPECT_EQ(v.code, 416);
  EXPECT_EQ(v.reason, "Unsupported URI Scheme (mailto in Request-URI)");
}

TEST(Refusal, MaxForwardsZeroOnlyStopsAProxy) {
  std::string zero = request("INVITE");
  zero.replace(zero.find("Max-Forwards: 70"), 16, "Max-Forwards: 0");
  EXPECT_TRUE(ua(zero).accept);
  EXPECT_EQ(proxy(zero).code, 483);
}

TEST(Refusal, RegistrarRules) {
  EXPECT_TRUE(ua(request("REGISTER", "Contact: <sip:1001@203.0.113.41>\r\n")).accept);
  EXPECT_EQ(ua(request("REGISTER", "Contact: *\r\n")).code, 400);
  EXPECT_EQ(ua(request("REGISTER", "Contact: *\r\nExpires: 60\r\n")).code, 400);
  EXPECT_TRUE(ua(request("REGISTER", "Contact: *\r\nExpires: 0\r\n")).accept);
  Verdict v = ua(request("REGISTER", "Authorization: Basic realm=x\r\n"));
  EXPECT_EQ(v.code, 401);
  EXPECT_EQ(v.reason, "Unauthorized (unknown authorization scheme Basic)");
  EXPECT_TRUE(ua(request("REGISTER",
                         "Authorization: Digest username=\"1001\", realm=\"r\", nonce=\"n\", "
                         "uri=\"sip:r\", response=\"0123456789abcdef0123456789abcdef\"\r\n"))
                  .accept);
}

TEST(Refusal, MalformedRequestsAnswered400OrDroppedWhenUnaddressable) {
  std::string bad_via = request("OPTIONS");
  bad_via.replace(bad_via.find(";branch"), 7, ";;branch");
  Verdict v = ua(bad_via);
  EXPECT_EQ(v.code, 400);
  EXPECT_EQ(v.error.header, HeaderId::kVia);
  EXPECT_NE(v.reason.find("Via at byte"), std::string::npos);
  EXPECT_TRUE(can_answer(bad_via));  // sent-by still reads

  std::string no_via = request("OPTIONS");
  no_via.erase(no_via.find("Via:"), no_via.find("Max-Forwards") - no_via.find("Via:"));
  v = ua(no_via);
  EXPECT_FALSE(v.accept);
  EXPECT_EQ(v.code, 0);
  EXPECT_FALSE(can_answer(no_via));

  v = ua("garbage without line ends");
  EXPECT_EQ(v.code, 0);
}

TEST(Refusal, WriteRefusalBuildsTheResponse) {
  std::string d = request("INVITE", "Require: foo\r\n");
  Verdict v = ua(d);
  ASSERT_EQ(v.code, 420);
  std::string out;
  write_refusal(d, v, "t0", &out);
  Message resp;
  ParseError err = parse_message(out, &resp);
  ASSERT_TRUE(err.ok()) << err.describe() << out;
  EXPECT_EQ(resp.status_line().code, 420);
  EXPECT_EQ(resp.to().tag, "t0");
  EXPECT_EQ(resp.from().tag, "f1");
  EXPECT_EQ(resp.call_id(), "r1@198.51.100.10");
  EXPECT_EQ(resp.top_via().branch, "z9hG4bK77");
  ASSERT_NE(resp.find(HeaderId::kUnsupported), nullptr);
  EXPECT_EQ(resp.find(HeaderId::kUnsupported)->value, "foo");
  std::string none;
  write_refusal(d, Verdict{}, "t0", &none);
  EXPECT_TRUE(none.empty());
}

}  // namespace
}  // namespace trunkline::sip
