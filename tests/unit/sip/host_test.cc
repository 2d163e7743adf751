// parse_host() checks the label rules in the same pass that finds the end
// of the host; these tests hold it to the grammar as is_hostname() and
// is_ipv4_address() state it, over every length and many shapes.
#include <gtest/gtest.h>

#include <cstdint>
#include <string>

#include "control/sip/lex.h"

namespace trunkline::sip {
namespace {

struct Parsed {
  bool ok = false;
  Host host;
  std::size_t consumed = 0;
  std::string detail;
};

Parsed parse(std::string_view text) {
  Parsed r;
  Cursor c(text);
  SyntaxError e;
  r.ok = parse_host(c, &r.host, &e);
  r.consumed = static_cast<std::size_t>(c.pos() - text.data());
  if (!r.ok) r.detail = e.detail;
  return r;
}

// What the grammar says of `text` as the start of a host: the run of host
// characters, and whether it is a valid hostname or IPv4address.
bool expected_valid(std::string_view text, std::size_t* run) {
  std::size_t n = 0;
  bool name_chars = false;
  while (n < text.size() && is(text[n], kHostChar)) {
    name_chars = name_chars || is(text[n], kAlpha) || text[n] == '-';
    ++n;
  }
  *run = n;
  std::string_view host = text.substr(0, n);
  if (n == 0) return false;
  return name_chars ? is_hostname(host) : is_ipv4_address(host);
}

// A parameter with no value is an empty view with no data (found by
// fuzz_sip_parser: "maddr<..." under UBSan); it is no host, and nothing is read.
TEST(HostParse, AnEmptyViewWithoutDataIsNoHost) {
  Cursor c{std::string_view{}};
  Host host;
  SyntaxError e;
  EXPECT_FALSE(parse_host(c, &host, &e));
}

TEST(HostParse, NamesAndAddressesOfEveryLength) {
  for (std::size_t len = 1; len <= 80; ++len) {
    std::string name(len, 'a');
    for (std::size_t i = 3; i + 1 < len; i += 4) name[i] = '.';
    for (const std::string& text : {name, name + ";x", name + ":5060"}) {
      Parsed p = parse(text);
      ASSERT_TRUE(p.ok) << text << ": " << p.detail;
      EXPECT_EQ(p.host.text, name);
      EXPECT_EQ(p.host.kind, HostKind::kName);
      EXPECT_EQ(p.consumed, len);
    }
  }
  Parsed v4 = parse("198.51.100.10;branch=z");
  ASSERT_TRUE(v4.ok);
  EXPECT_EQ(v4.host.text, "198.51.100.10");
  EXPECT_EQ(v4.host.kind, HostKind::kIPv4);
  Parsed v4_exact = parse("255.255.255.255");
  ASSERT_TRUE(v4_exact.ok);
  EXPECT_EQ(v4_exact.host.kind, HostKind::kIPv4);
}

TEST(HostParse, RejectsBadLabelsAnywhere) {
  for (std::string_view bad :
       {"256.1.1.1", "1.2.3", "1.2.3.4.5", "1.2.3.4.", "1..2.3", "0001.2.3.4", ".example.com",
        "-example.com", "example-.com", "example.-com", "a..b", "example.com-", "example.1com",
        "1-2", "a.b.c.d.e.f.g.h.i.j.k.l.m.n.o.p.q.r.s.t.u.v.w.x.y.z.a.b.c.d.9"}) {
    Parsed p = parse(bad);
    EXPECT_FALSE(p.ok) << bad;
    EXPECT_EQ(p.detail, "invalid host name") << bad;
  }
  EXPECT_TRUE(parse("example.com.").ok);
  EXPECT_TRUE(parse("a-b.c-d.example.com").ok);
  EXPECT_EQ(parse(";x").detail, "expected host");
  EXPECT_EQ(parse("").detail, "expected host");
}

// Strings over a small alphabet that stresses the label rules, parsed the
// way the grammar says.
TEST(HostParse, AgreesWithTheGrammar) {
  constexpr std::string_view kAlphabet = "a9.-Z0;";
  std::uint64_t state = 0x9E3779B97F4A7C15ull;
  auto next = [&state] {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return state;
  };
  for (int trial = 0; trial < 20000; ++trial) {
    std::size_t len = 1 + next() % 90;
    std::string text;
    for (std::size_t i = 0; i < len; ++i) text.push_back(kAlphabet[next() % kAlphabet.size()]);
    std::size_t run = 0;
    bool valid = expected_valid(text, &run);
    Parsed p = parse(text);
    ASSERT_EQ(p.ok, valid) << text;
    if (valid) {
      EXPECT_EQ(p.host.text, text.substr(0, run)) << text;
      EXPECT_EQ(p.consumed, run) << text;
    } else {
      EXPECT_EQ(p.detail, run == 0 ? "expected host" : "invalid host name") << text;
    }
  }
}

// A host after other text in the same view (as in a URI) is classified from
// the 16 or 32 octets that end at the view's end when fewer are left; every
// offset and length around those boundaries must agree with the grammar.
TEST(HostParse, AfterOtherTextNearTheEndOfTheView) {
  const std::string hosts[] = {"a",
                               "example.com",
                               "carrier.example.net",
                               "a.b.c.d.e.f.g.h.i.j.k.l.m.n.o.p",    // 31
                               "aa.b.c.d.e.f.g.h.i.j.k.l.m.n.o.p",   // 32
                               "aaa.b.c.d.e.f.g.h.i.j.k.l.m.n.o.p",  // 33
                               "198.51.100.10",
                               "255.255.255.255",
                               "256.1.1.1",
                               "1.2.3.256",
                               "001.002.003.004",
                               "0.0.0.0",
                               "1.2.3.0255",
                               "1.2.3",
                               "1.2.3.4.",
                               "example-.com",
                               "example.com."};
  for (std::size_t prefix = 0; prefix <= 40; ++prefix) {
    for (const std::string& host : hosts) {
      for (std::string_view suffix : {"", ";x", ":5060", ">"}) {
        std::string text = std::string(prefix, '@') + host + std::string(suffix);
        Cursor c(text);
        c.set_pos(text.data() + prefix);
        Host h;
        SyntaxError e;
        bool ok = parse_host(c, &h, &e);
        std::size_t run = 0;
        bool valid = expected_valid(std::string_view(text).substr(prefix), &run);
        ASSERT_EQ(ok, valid) << text;
        if (valid) {
          EXPECT_EQ(h.text, host.substr(0, run)) << text;
          EXPECT_EQ(c.pos(), text.data() + prefix + run) << text;
        } else {
          EXPECT_STREQ(e.detail, "invalid host name") << text;
          EXPECT_EQ(e.at, text.data() + prefix) << text;
        }
      }
    }
  }
}

TEST(HostParse, DottedQuadLimits) {
  EXPECT_EQ(parse("255.255.255.255").host.kind, HostKind::kIPv4);
  EXPECT_EQ(parse("001.002.003.004").host.kind, HostKind::kIPv4);  // leading zeros allowed
  EXPECT_EQ(parse("0.0.0.0:5060").consumed, 7u);
  for (std::string_view bad : {"256.0.0.1", "1.256.0.1", "1.1.256.1", "1.1.1.256", "999.1.1.1",
                               "1.2.3.0001", "1234.1.1.1", "1.2..3", "1.2.3.4.5"})
    EXPECT_EQ(parse(bad).detail, "invalid host name") << bad;
}

TEST(Decimal, LimitsWithAndWithoutTheLongPath) {
  std::uint64_t v = 0;
  EXPECT_TRUE(parse_decimal("4294967295", 0xFFFFFFFFu, &v));
  EXPECT_EQ(v, 4294967295u);
  EXPECT_FALSE(parse_decimal("4294967296", 0xFFFFFFFFu, &v));
  EXPECT_TRUE(parse_decimal("9999999999999999999", ~std::uint64_t{0}, &v));  // 19 digits
  EXPECT_TRUE(parse_decimal("18446744073709551615", ~std::uint64_t{0}, &v));
  EXPECT_EQ(v, ~std::uint64_t{0});
  EXPECT_FALSE(parse_decimal("18446744073709551616", ~std::uint64_t{0}, &v));
  EXPECT_TRUE(parse_decimal("00000000000000000000042", 100, &v));  // leading zeros, 23 digits
  EXPECT_EQ(v, 42u);
  EXPECT_FALSE(parse_decimal("12a", 100, &v));
  EXPECT_FALSE(parse_decimal("", 100, &v));
  EXPECT_TRUE(is_ipv4_address("1.2.3.4"));
  EXPECT_TRUE(is_ipv4_address("255.255.255.255"));
  EXPECT_FALSE(is_ipv4_address("255.255.255.2555"));
  EXPECT_FALSE(is_ipv4_address("1.2.3"));
  EXPECT_FALSE(is_ipv4_address("1.2.3.4."));
  EXPECT_FALSE(is_ipv4_address("example"));
}

}  // namespace
}  // namespace trunkline::sip
