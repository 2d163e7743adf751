#include "control/sip/uri.h"

#include <gtest/gtest.h>

namespace trunkline::sip {
namespace {

Uri parsed(std::string_view text) {
  Uri u;
  SyntaxError e;
  EXPECT_TRUE(parse_uri(text, &u, &e)) << text << ": " << (e.detail ? e.detail : "");
  return u;
}

std::string failure(std::string_view text) {
  Uri u;
  SyntaxError e;
  EXPECT_FALSE(parse_uri(text, &u, &e)) << text;
  return e.detail != nullptr ? e.detail : "";
}

TEST(SipUri, SplitsEveryPart) {
  Uri u = parsed(
      "sips:alice:secret@atlanta.example.com:5061;transport=tcp;lr;maddr=10.1.1.1;x=y?subject=hi&"
      "priority=urgent");
  EXPECT_EQ(u.kind, UriScheme::kSips);
  EXPECT_TRUE(u.is_sip());
  EXPECT_EQ(u.user, "alice");
  EXPECT_TRUE(u.has_password);
  EXPECT_EQ(u.password, "secret");
  EXPECT_EQ(u.host.text, "atlanta.example.com");
  EXPECT_EQ(u.host.kind, HostKind::kName);
  EXPECT_EQ(u.port, 5061);
  EXPECT_EQ(u.transport_param, "tcp");
  EXPECT_TRUE(u.lr);
  EXPECT_EQ(u.maddr_param, "10.1.1.1");
  Param p;
  ASSERT_TRUE(u.params.find("X", &p));  // names compare case-insensitively
  EXPECT_EQ(p.value, "y");
  EXPECT_EQ(u.headers, "subject=hi&priority=urgent");
}

TEST(SipUri, TakesIpv6AndIpv4Hosts) {
  Uri v6 = parsed("sip:[2001:db8::10]:5070");
  EXPECT_EQ(v6.host.kind, HostKind::kIPv6);
  EXPECT_EQ(v6.host.address(), "2001:db8::10");
  EXPECT_EQ(v6.port, 5070);
  Uri mapped = parsed("sip:bob@[::ffff:192.0.2.1]");
  EXPECT_EQ(mapped.host.kind, HostKind::kIPv6);
  Uri v4 = parsed("sip:198.51.100.7");
  EXPECT_EQ(v4.host.kind, HostKind::kIPv4);
  EXPECT_FALSE(v4.has_user);
  EXPECT_FALSE(v4.has_port);
}

TEST(SipUri, KeepsEscapesAsWrittenAndUnescapesOnRequest) {
  Uri u = parsed("sip:%61lice%20smith@example.com");
  EXPECT_EQ(u.user, "%61lice%20smith");
  EXPECT_EQ(unescape(u.user), "alice smith");
  EXPECT_EQ(unescape("100%"), "100%");  // not an escape: kept
}

TEST(SipUri, SchemeIsCaseInsensitive) {
  EXPECT_EQ(parsed("SIP:a@b.example").kind, UriScheme::kSip);
}

TEST(SipUri, RefusesWhatTheGrammarDoesNot) {
  EXPECT_EQ(failure("sip:a@b.example:70000"), "port number above 65535");
  EXPECT_EQ(failure("sip:%4@b.example"), "invalid %-escape");
  EXPECT_EQ(failure("sip:@b.example"), "empty user part in URI");
  EXPECT_EQ(failure("sip:a b@c.example"), "invalid character in URI user part");
  EXPECT_EQ(failure("sip:a@b.example;"), "empty URI parameter");
  EXPECT_EQ(failure("sip:a@b.example;p="), "empty URI parameter value");
  EXPECT_EQ(failure("sip:a@-bad-.example"), "invalid host name");
  EXPECT_EQ(failure("sip:a@[2001:db8::zz]"), "invalid IPv6 reference");
  EXPECT_EQ(failure("sip:a@example.123"), "invalid host name");  // toplabel starts with a digit
  EXPECT_EQ(failure("sip:a@b.example?h"), "expected '=' in URI header");
  EXPECT_EQ(failure("sip:a@b.example>"), "unexpected character in SIP URI");
  EXPECT_EQ(failure("1sip:a"), "URI scheme must start with a letter");
  EXPECT_EQ(failure("sip"), "expected ':' after URI scheme");
}

TEST(TelUri, GlobalAndLocalNumbers) {
  Uri g = parsed("tel:+1-201-555-0123;ext=1234");
  EXPECT_EQ(g.kind, UriScheme::kTel);
  EXPECT_EQ(g.number, "+1-201-555-0123");
  Param ext;
  ASSERT_TRUE(g.params.find("ext", &ext));
  EXPECT_EQ(ext.value, "1234");
  Uri l = parsed("tel:7042;phone-context=example.com");
  EXPECT_EQ(l.number, "7042");
  EXPECT_EQ(failure("tel:7042"), "local telephone number without phone-context");
  EXPECT_EQ(failure("tel:+"), "telephone number has no digits");
  EXPECT_EQ(failure("tel:+12a"), "invalid character in telephone number");
}

TEST(OtherUri, KeptOpaque) {
  Uri u = parsed("urn:service:sos");
  EXPECT_EQ(u.kind, UriScheme::kOther);
  EXPECT_EQ(u.scheme, "urn");
  EXPECT_EQ(u.opaque, "service:sos");
  EXPECT_EQ(parsed("http://www.example.com/a?b=c").opaque, "//www.example.com/a?b=c");
  EXPECT_EQ(failure("mailto:"), "empty URI after scheme");
  EXPECT_EQ(failure("x:a\"b"), "invalid character in URI");
}

TEST(HostGrammar, AddressesAndNames) {
  EXPECT_TRUE(is_ipv4_address("0.0.0.0"));
  EXPECT_FALSE(is_ipv4_address("256.1.1.1"));
  EXPECT_FALSE(is_ipv4_address("1.2.3"));
  EXPECT_TRUE(is_ipv6_address("::"));
  EXPECT_TRUE(is_ipv6_address("fe80::1"));
  EXPECT_TRUE(is_ipv6_address("1:2:3:4:5:6:7:8"));
  EXPECT_TRUE(is_ipv6_address("::ffff:10.0.0.1"));
  EXPECT_FALSE(is_ipv6_address("1:2:3:4:5:6:7:8:9"));
  EXPECT_FALSE(is_ipv6_address("1::2::3"));
  EXPECT_FALSE(is_ipv6_address("1:2:3:4:5:6:7"));
  EXPECT_TRUE(is_hostname("example.com."));
  EXPECT_FALSE(is_hostname("a..b"));
}

// The one-pass SIP URI path: every URI length around 16, 32 and 48 octets,
// hosts of 31 to 33 octets, ports and known parameters in any case.
TEST(SipUri, UsualShapesOfEveryLength) {
  for (std::size_t len = 1; len <= 40; ++len) {
    std::string host(len, 'h');
    for (std::size_t i = 4; i + 1 < len; i += 5) host[i] = '.';
    for (std::string_view user : {"", "+81312345678@", "a@"}) {
      for (std::string_view tail : {"", ";lr", ":5060;transport=udp", ":65535;user=phone;x"}) {
        std::string text = "sip:" + std::string(user) + host + std::string(tail);
        Uri u = parsed(text);
        EXPECT_EQ(u.host.text, host) << text;
        EXPECT_EQ(u.has_user, !user.empty()) << text;
        EXPECT_EQ(u.lr, tail == ";lr") << text;
        EXPECT_EQ(u.has_port, tail.size() > 3) << text;
      }
    }
  }
}

TEST(SipUri, KnownParametersAndPortsAtTheirLimits) {
  Uri u =
      parsed("SIP:a@B.example:0005060;TRANSPORT=TCP;Lr;USER=phone;MADDR=x.example;METHOD=INVITE");
  EXPECT_EQ(u.kind, UriScheme::kSip);
  EXPECT_EQ(u.scheme, "SIP");
  EXPECT_EQ(u.port, 5060);
  EXPECT_EQ(u.transport_param, "TCP");
  EXPECT_TRUE(u.lr);
  EXPECT_EQ(u.user_param, "phone");
  EXPECT_EQ(u.maddr_param, "x.example");
  EXPECT_EQ(u.method_param, "INVITE");
  EXPECT_EQ(u.params.raw(), ";TRANSPORT=TCP;Lr;USER=phone;MADDR=x.example;METHOD=INVITE");
  EXPECT_EQ(parsed("sip:h:65535").port, 65535);
  EXPECT_EQ(failure("sip:h:65536"), "port number above 65535");
  EXPECT_EQ(failure("sip:h:"), "expected port number");
  EXPECT_EQ(failure("sip:h;"), "empty URI parameter");
  EXPECT_EQ(failure("sip:h;a="), "empty URI parameter value");
  EXPECT_EQ(failure("sip:h;a=%4"), "invalid %-escape");
  EXPECT_EQ(parsed("sip:h;a=%41;b").params.raw(), ";a=%41;b");
  EXPECT_EQ(parsed("sip:h?x=y").headers, "x=y");
  // Near-miss names are not the known ones.
  Uri near = parsed("sip:h;transporT=a;transpor=b;users=c;l=d");
  EXPECT_EQ(near.transport_param, "a");
  EXPECT_TRUE(near.user_param.empty());
  EXPECT_FALSE(near.lr);
}

}  // namespace
}  // namespace trunkline::sip
