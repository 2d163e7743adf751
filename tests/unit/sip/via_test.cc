#include "control/sip/via.h"

#include <gtest/gtest.h>

#include <type_traits>

#include "control/sip/message.h"

namespace trunkline::sip {
namespace {

bool parse_one(std::string_view text, Via* via, SyntaxError* err = nullptr) {
  Cursor c(text);
  return parse_via(c, via, err) && (c.skip_lws(), c.done());
}

TEST(Via, ParsesEveryParameterTheStackReads) {
  Via v;
  ASSERT_TRUE(
      parse_one("SIP/2.0/UDP "
                "pc33.atlanta.example.com:5066;branch=z9hG4bK776asdhds;received=192.0.2.1;rport="
                "5066;maddr=239.1.1.1;ttl=16;x-extra=\"q\"",
                &v));
  EXPECT_EQ(v.protocol_name, "SIP");
  EXPECT_EQ(v.protocol_version, "2.0");
  EXPECT_EQ(v.transport, "UDP");
  EXPECT_EQ(v.host.text, "pc33.atlanta.example.com");
  EXPECT_EQ(v.port, 5066);
  EXPECT_EQ(v.branch, "z9hG4bK776asdhds");
  EXPECT_TRUE(v.has_rfc3261_branch());
  EXPECT_EQ(v.received, "192.0.2.1");
  EXPECT_TRUE(v.has_rport);
  EXPECT_EQ(v.rport, 5066);
  EXPECT_EQ(v.maddr, "239.1.1.1");
  EXPECT_EQ(v.ttl, 16);
  Param extra;
  ASSERT_TRUE(v.params.find("x-extra", &extra));
  EXPECT_TRUE(extra.quoted);
}

TEST(Via, Ipv6SentByAndReceived) {
  Via v;
  ASSERT_TRUE(
      parse_one("SIP/2.0/TCP [2001:db8::9]:5060;received=2001:db8::9;rport;branch=z9hG4bKx", &v));
  EXPECT_EQ(v.host.kind, HostKind::kIPv6);
  EXPECT_EQ(v.port, 5060);
  EXPECT_EQ(v.received, "2001:db8::9");
  EXPECT_TRUE(v.has_rport);
  EXPECT_EQ(v.rport, 0);
  EXPECT_TRUE(v.params.has("branch"));  // the walk gets past the bare IPv6 address
}

TEST(Via, WhiteSpaceAndFoldsAroundSeparators) {
  Via v;
  ASSERT_TRUE(
      parse_one("SIP  /  2.0 /\r\n UDP\r\n  host.example.com : 5060 ;\r\n branch = z9hG4bKa", &v));
  EXPECT_EQ(v.transport, "UDP");
  EXPECT_EQ(v.port, 5060);
  EXPECT_EQ(v.branch, "z9hG4bKa");
}

TEST(Via, BranchWithoutCookieIsRfc2543) {
  Via v;
  ASSERT_TRUE(parse_one("SIP/2.0/UDP h.example.com;branch=xyz", &v));
  EXPECT_FALSE(v.has_rfc3261_branch());
  ASSERT_TRUE(parse_one("SIP/2.0/UDP h.example.com", &v));
  EXPECT_FALSE(v.has_branch);
}

TEST(Via, PreciseErrors) {
  Via v;
  SyntaxError e;
  std::string_view text = "SIP/2.0/UDP 192.0.2.15;;";
  EXPECT_FALSE(parse_one(text, &v, &e));
  EXPECT_STREQ(e.detail, "empty Via parameter");
  EXPECT_EQ(e.at - text.data(), 23);
  EXPECT_FALSE(parse_one("SIP/2.0/UDPhost", &v, &e));
  EXPECT_FALSE(parse_one("SIP/2.0 host", &v, &e));
  EXPECT_STREQ(e.detail, "expected '/' after protocol version in Via");
  EXPECT_FALSE(parse_one("SIP/2.0/UDP h.example.com;ttl=256", &v, &e));
  EXPECT_STREQ(e.detail, "ttl is not a number 0-255");
  EXPECT_FALSE(parse_one("SIP/2.0/UDP h.example.com;received=host.example.com", &v, &e));
  EXPECT_STREQ(e.detail, "received is not an IP address");
  EXPECT_FALSE(parse_one("SIP/2.0/UDP h.example.com;branch", &v, &e));
  EXPECT_STREQ(e.detail, "branch parameter needs a token value");
  EXPECT_FALSE(parse_one("SIP/2.0/UDP h.example.com:99999", &v, &e));
  EXPECT_STREQ(e.detail, "port number above 65535");
}

TEST(Via, SeveralPerHeaderAndRepeatedHeadersInOrder) {
  std::string msg =
      "SIP/2.0 200 OK\r\n"
      "Via: SIP/2.0/UDP a.example.com;branch=z9hG4bK1, SIP/2.0/TCP "
      "b.example.com;branch=z9hG4bK2\r\n"
      "v: SIP/2.0/UDP c.example.com;branch=z9hG4bK3\r\n"
      "From: <sip:a@example.com>;tag=1\r\nTo: <sip:b@example.com>;tag=2\r\n"
      "Call-ID: x\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n";
  Message m;
  ASSERT_TRUE(parse_message(msg, &m).ok());
  EXPECT_EQ(m.top_via().branch, "z9hG4bK1");
  ListReader<Via> r(m, HeaderId::kVia, parse_via);
  Via v;
  std::string branches;
  while (r.next(&v)) branches += std::string(v.branch) + " ";
  EXPECT_TRUE(r.error().ok());
  EXPECT_EQ(branches, "z9hG4bK1 z9hG4bK2 z9hG4bK3 ");
}

TEST(Via, ListReaderReportsTheBrokenElementWithItsOffset) {
  std::string msg =
      "SIP/2.0 200 OK\r\n"
      "Via: SIP/2.0/UDP a.example.com;branch=z9hG4bK1,, SIP/2.0/UDP b\r\n"
      "From: <sip:a@example.com>;tag=1\r\nTo: <sip:b@example.com>;tag=2\r\n"
      "Call-ID: x\r\nCSeq: 1 INVITE\r\n\r\n";
  Message m;
  ASSERT_TRUE(parse_message(msg, &m).ok());  // only the top one is parsed on receipt
  ListReader<Via> r(m, HeaderId::kVia, parse_via);
  Via v;
  EXPECT_TRUE(r.next(&v));
  EXPECT_FALSE(r.next(&v));
  EXPECT_EQ(r.error().kind, ParseErrorKind::kHeaderValue);
  EXPECT_EQ(r.error().header, HeaderId::kVia);
  EXPECT_EQ(r.error().offset, msg.find(",,") + 1);
  ParseError all = validate_message(m);
  EXPECT_EQ(all.header, HeaderId::kVia);
  EXPECT_EQ(all.offset, msg.find(",,") + 1);
}

}  // namespace
}  // namespace trunkline::sip

namespace trunkline::sip {
namespace {

TEST(Via, ReaderGoesOnAfterTheTopViaWithoutParsingItAgain) {
  std::string msg =
      "SIP/2.0 200 OK\r\n"
      "Via: SIP/2.0/UDP a.example.com;branch=z9hG4bK1 , SIP/2.0/TCP "
      "b.example.com;branch=z9hG4bK2\r\n"
      "Via: SIP/2.0/UDP c.example.com;branch=z9hG4bK3\r\n"
      "From: <sip:a@example.com>;tag=1\r\nTo: <sip:b@example.com>;tag=2\r\n"
      "Call-ID: x\r\nCSeq: 1 INVITE\r\n\r\n";
  Message m;
  ASSERT_TRUE(parse_message(msg, &m).ok());
  ListReader<Via> rest(m, m.find(HeaderId::kVia), m.top_via_end(), parse_via);
  Via v;
  ASSERT_TRUE(rest.next(&v));
  EXPECT_EQ(v.branch, "z9hG4bK2");
  ASSERT_TRUE(rest.next(&v));
  EXPECT_EQ(v.branch, "z9hG4bK3");
  EXPECT_FALSE(rest.next(&v));
  EXPECT_TRUE(rest.error().ok());
}

}  // namespace
}  // namespace trunkline::sip

namespace trunkline::sip {
namespace {

// The sent-protocol fast path ("SIP/2.0/UDP ") and the shapes it leaves to
// the general parser must give the same fields.
TEST(Via, SentProtocolFastPathAndItsNeighbours) {
  Via v;
  ASSERT_TRUE(parse_one("SIP / 2.0 / UDP 192.0.2.1;branch=z9hG4bK1", &v));
  EXPECT_EQ(v.protocol_name, "SIP");
  EXPECT_EQ(v.protocol_version, "2.0");
  EXPECT_EQ(v.transport, "UDP");
  EXPECT_EQ(v.text, "SIP / 2.0 / UDP 192.0.2.1;branch=z9hG4bK1");
  ASSERT_TRUE(parse_one("sip/2.0/udp 192.0.2.1", &v));
  EXPECT_EQ(v.protocol_name, "sip");
  EXPECT_EQ(v.transport, "udp");
  ASSERT_TRUE(parse_one("SIP/2.0/SCTP h.example.com", &v));
  EXPECT_EQ(v.transport, "SCTP");
  ASSERT_TRUE(parse_one("SIP/2.0/TLS\t \th.example.com", &v));
  EXPECT_EQ(v.transport, "TLS");
  EXPECT_EQ(v.host.text, "h.example.com");
  SyntaxError e;
  EXPECT_FALSE(parse_one("SIP/2.0/UDP", &v, &e));
  EXPECT_STREQ(e.detail, "expected white space before Via sent-by");
  EXPECT_FALSE(parse_one("SIP/2.0/UDP ", &v, &e));
  EXPECT_STREQ(e.detail, "expected host");
}

TEST(Via, Ipv4SentByFastPathAgreesWithParseHost) {
  Via v;
  ASSERT_TRUE(parse_one("SIP/2.0/UDP 198.51.100.10:5060;rport", &v));
  EXPECT_EQ(v.host.text, "198.51.100.10");
  EXPECT_EQ(v.host.kind, HostKind::kIPv4);
  EXPECT_EQ(v.port, 5060);
  ASSERT_TRUE(parse_one("SIP/2.0/UDP 1.2.3.4.example.com", &v));  // a name, not an address
  EXPECT_EQ(v.host.kind, HostKind::kName);
  EXPECT_EQ(v.host.text, "1.2.3.4.example.com");
  SyntaxError e;
  EXPECT_FALSE(parse_one("SIP/2.0/UDP 1.2.3.256", &v, &e));
  EXPECT_STREQ(e.detail, "invalid host name");
  EXPECT_FALSE(parse_one("SIP/2.0/UDP 1.2.3.4444", &v, &e));
  ASSERT_TRUE(parse_one("SIP/2.0/UDP 001.002.003.004", &v));
  EXPECT_EQ(v.host.kind, HostKind::kIPv4);
}

TEST(Via, ParameterFastPathLeavesUnusualShapesToTheGeneralParser) {
  Via v;
  ASSERT_TRUE(parse_one("SIP/2.0/UDP h;BRANCH=z9hG4bKa ; rport = 5060 ;Received=::1", &v));
  EXPECT_EQ(v.branch, "z9hG4bKa");
  EXPECT_EQ(v.rport, 5060);
  EXPECT_EQ(v.received, "::1");
  ASSERT_TRUE(parse_one("SIP/2.0/UDP h;branch=\"x\"y;rport", &v) == false);
  SyntaxError e;
  EXPECT_FALSE(parse_one("SIP/2.0/UDP h;branch=\"x\"", &v, &e));
  EXPECT_STREQ(e.detail, "branch parameter needs a token value");
  EXPECT_FALSE(parse_one("SIP/2.0/UDP h;received=1.2.3", &v, &e));
  EXPECT_STREQ(e.detail, "received is not an IP address");
  EXPECT_FALSE(parse_one("SIP/2.0/UDP h;branch=", &v, &e));
  EXPECT_STREQ(e.detail, "expected parameter value");
  EXPECT_FALSE(parse_one("SIP/2.0/UDP h;=x", &v, &e));
  EXPECT_STREQ(e.detail, "empty Via parameter");
  // Names that fold onto the known ones only by case.
  ASSERT_TRUE(parse_one("SIP/2.0/UDP h;bRaNcH=z9hG4bKb;TTL=3;mAdDr=h2", &v));
  EXPECT_EQ(v.branch, "z9hG4bKb");
  EXPECT_EQ(v.ttl, 3);
  EXPECT_EQ(v.maddr, "h2");
  ASSERT_TRUE(parse_one("SIP/2.0/UDP h;branch=x", &v));  // "branch=" with one octet after
  EXPECT_EQ(v.branch, "x");
  ASSERT_TRUE(parse_one("SIP/2.0/UDP h;branchy=x;branch=yy", &v));
  EXPECT_EQ(v.branch, "yy");
  ASSERT_TRUE(parse_one("SIP/2.0/UDP 10.0.0.1:65535;rport=0", &v));
  EXPECT_EQ(v.port, 65535);
  EXPECT_EQ(v.rport, 0);
  EXPECT_FALSE(parse_one("SIP/2.0/UDP 10.0.0.1:65536", &v, &e));
  EXPECT_STREQ(e.detail, "port number above 65535");
  ASSERT_TRUE(parse_one("SIP/2.0/UDP 10.0.0.1:0000005060", &v));
  EXPECT_EQ(v.port, 5060);
  ASSERT_TRUE(parse_one("SIP/2.0/UDP h;branc!=x;rpor_=1", &v));
  EXPECT_FALSE(v.has_branch);
  EXPECT_FALSE(v.has_rport);
}

TEST(Via, ReaderCanDeduceItsElementType) {
  std::string msg =
      "SIP/2.0 200 OK\r\n"
      "Via: SIP/2.0/UDP a.example.com;branch=z9hG4bK1, SIP/2.0/TCP b.example.com\r\n"
      "From: <sip:a@example.com>;tag=1\r\nTo: <sip:b@example.com>;tag=2\r\n"
      "Call-ID: x\r\nCSeq: 1 INVITE\r\n\r\n";
  Message m;
  ASSERT_TRUE(parse_message(msg, &m).ok());
  ListReader r(m, HeaderId::kVia, parse_via);
  static_assert(std::is_same_v<decltype(r), ListReader<Via>>);
  Via v;
  int n = 0;
  while (r.next(&v)) ++n;
  EXPECT_EQ(n, 2);
  EXPECT_TRUE(r.error().ok());
}

}  // namespace
}  // namespace trunkline::sip
