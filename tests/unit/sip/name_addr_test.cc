#include "control/sip/name_addr.h"

#include <gtest/gtest.h>

#include "control/sip/lex.h"

namespace trunkline::sip {
namespace {

std::string from_to_error(std::string_view value, std::ptrdiff_t* at = nullptr) {
  FromTo ft;
  SyntaxError e;
  EXPECT_FALSE(parse_from_to(value, &ft, &e)) << value;
  if (at != nullptr) *at = e.at - value.data();
  return e.detail != nullptr ? e.detail : "";
}

TEST(FromTo, QuotedDisplayNameWithEscapes) {
  FromTo ft;
  ASSERT_TRUE(parse_from_to("\"A \\\"quoted\\\" name\" <sip:a@example.com>;tag=abc;x=\"y z\"", &ft,
                            nullptr));
  EXPECT_TRUE(ft.addr.display_name_quoted);
  EXPECT_EQ(unquote(ft.addr.display_name), "A \"quoted\" name");
  EXPECT_TRUE(ft.addr.bracketed);
  EXPECT_EQ(ft.addr.uri.user, "a");
  EXPECT_TRUE(ft.has_tag);
  EXPECT_EQ(ft.tag, "abc");
  Param x;
  ASSERT_TRUE(ft.addr.params.find("x", &x));
  EXPECT_EQ(x.value, "y z");
}

TEST(FromTo, TokenDisplayNameWithAndWithoutSpaceBeforeBracket) {
  FromTo ft;
  ASSERT_TRUE(parse_from_to("Bob  Smith <sip:bob@example.com>", &ft, nullptr));
  EXPECT_EQ(ft.addr.display_name, "Bob  Smith");
  EXPECT_FALSE(ft.addr.display_name_quoted);
  ASSERT_TRUE(parse_from_to("bob<sip:bob@example.com>", &ft, nullptr));
  EXPECT_EQ(ft.addr.display_name, "bob");
  EXPECT_FALSE(ft.has_tag);
}

TEST(FromTo, AddrSpecParametersBelongToTheHeader) {
  FromTo ft;
  ASSERT_TRUE(parse_from_to("sip:+1555@gw.example.com;user=phone;tag=9", &ft, nullptr));
  EXPECT_FALSE(ft.addr.bracketed);
  EXPECT_TRUE(ft.addr.uri.params.empty());
  EXPECT_TRUE(ft.addr.params.has("user"));
  EXPECT_EQ(ft.tag, "9");
  ASSERT_TRUE(parse_from_to("<sip:+1555@gw.example.com;user=phone>;tag=9", &ft, nullptr));
  EXPECT_EQ(ft.addr.uri.user_param, "phone");
  ASSERT_TRUE(parse_from_to("tel:+1-555-0100;tag=t", &ft, nullptr));
  EXPECT_EQ(ft.addr.uri.kind, UriScheme::kTel);
}

TEST(FromTo, PreciseErrors) {
  std::ptrdiff_t at = 0;
  EXPECT_EQ(from_to_error("\"unterminated <sip:a@b.example>", &at), "unterminated quoted string");
  EXPECT_EQ(at, 0);
  EXPECT_EQ(from_to_error("< sip:a@b.example>"), "white space after '<'");
  EXPECT_EQ(from_to_error("<sip:a@b.example >"), "white space before '>'");
  EXPECT_EQ(from_to_error("<sip:a@b.example"), "'<' without matching '>'");
  EXPECT_EQ(from_to_error("Bell, Alexander <sip:a@b.example>", &at),
            "unquoted display name with non-token characters");
  EXPECT_EQ(at, 4);
  EXPECT_EQ(from_to_error("sip:a@b.example?x=y"), "URI with headers must be enclosed in '<' '>'");
  EXPECT_EQ(from_to_error("<sip:a@b.example>;tag=1;tag=2"), "more than one tag parameter");
  EXPECT_EQ(from_to_error("<sip:a@b.example>;tag=\"q\""), "tag parameter needs a token value");
  EXPECT_EQ(from_to_error("<sip:a@b.example>, <sip:c@d.example>"),
            "more than one address in a single-address header");
  EXPECT_EQ(from_to_error("<sip:a@b.example>;;"), "expected parameter name");
  EXPECT_EQ(from_to_error("\"x\" sip:a@b.example"), "expected '<' after display name");
}

TEST(Contact, ListWithQAndExpires) {
  Cursor c("<sip:a@192.0.2.1>;q=0.7;expires=3600, \"B\" <sip:b@192.0.2.2;transport=tcp>;q=1.0");
  Contact first, second;
  ASSERT_TRUE(parse_contact(c, &first, nullptr));
  EXPECT_EQ(first.q, "0.7");
  EXPECT_TRUE(first.has_expires);
  EXPECT_EQ(first.expires, 3600u);
  ASSERT_TRUE(c.consume_separator(','));
  ASSERT_TRUE(parse_contact(c, &second, nullptr));
  EXPECT_EQ(unquote(second.addr.display_name), "B");
  EXPECT_EQ(second.addr.uri.transport_param, "tcp");
  EXPECT_FALSE(second.has_expires);
  EXPECT_TRUE(c.done());
}

TEST(Contact, RefusesBadQAndExpires) {
  Contact ct;
  SyntaxError e;
  Cursor q("<sip:a@b.example>;q=1.5");
  EXPECT_FALSE(parse_contact(q, &ct, &e));
  EXPECT_STREQ(e.detail, "q is not a qvalue");
  Cursor big("<sip:a@b.example>;expires=280297596632815");
  EXPECT_FALSE(parse_contact(big, &ct, &e));
  EXPECT_STREQ(e.detail, "expires is not delta-seconds (0 to 2^32-1)");
  EXPECT_TRUE(is_qvalue("0"));
  EXPECT_TRUE(is_qvalue("0.123"));
  EXPECT_TRUE(is_qvalue("1.000"));
  EXPECT_FALSE(is_qvalue("1.001"));
  EXPECT_FALSE(is_qvalue("0.1234"));
}

TEST(Route, NeedsBracketsAndKeepsLr) {
  NameAddr r;
  Cursor ok("<sip:p1.example.com;lr>;foo=bar");
  ASSERT_TRUE(parse_route(ok, &r, nullptr));
  EXPECT_TRUE(r.uri.lr);
  EXPECT_TRUE(r.params.has("foo"));
  Cursor bare("sip:p1.example.com;lr");
  SyntaxError e;
  EXPECT_FALSE(parse_route(bare, &r, &e));
  EXPECT_STREQ(e.detail, "expected '<' URI '>'");
}

// The one-pass From/To path gives up on white space in front; the general
// path then skips it. Both must agree on every field and every error.
TEST(FromTo, UsualShapeAgreesWithTheGeneralPath) {
  for (std::string_view v :
       {"\"+81 3 1234 5678\" <sip:+81312345678@carrier.example.net;user=phone>;tag=8c2a7f31",
        "<sip:+81501234567@trunk.example.com;user=phone>",
        "<sip:a@b>;tag=x;foo;bar=baz",
        "\"A\"<sip:a@b>;TAG=x",
        "<sip:a@b>;tag",
        "<sip:a@b>;tag=x;tag=y",
        "<sip:a@b>;tag=\"x\"",
        "<sip:a@b>;tag=x ",
        "<sip:a@b>;tag=x,",
        "<sip:a@b> ;tag=x",
        "<sip:a@b>;received=::1",
        "<sip:a@b>;tag=",
        "< sip:a@b>",
        "<sip:a@b >",
        "<>",
        "<sip:a@b",
        "\"x\" <sip:a@b;lr>x",
        "<sips:a@b>;tag=1",
        "<tel:+1-212-555-0101>;tag=1",
        "<sip:a@%41>"}) {
    std::string spaced = " " + std::string(v);
    FromTo fast, general;
    SyntaxError e1, e2;
    bool ok1 = parse_from_to(v, &fast, &e1);
    bool ok2 = parse_from_to(spaced, &general, &e2);
    ASSERT_EQ(ok1, ok2) << v;
    if (!ok1) {
      EXPECT_STREQ(e1.detail, e2.detail) << v;
      EXPECT_EQ(e1.at - v.data(), e2.at - spaced.data() - 1) << v;
      continue;
    }
    EXPECT_EQ(fast.addr.text, general.addr.text) << v;
    EXPECT_EQ(fast.addr.display_name, general.addr.display_name) << v;
    EXPECT_EQ(fast.addr.display_name_quoted, general.addr.display_name_quoted) << v;
    EXPECT_EQ(fast.addr.bracketed, general.addr.bracketed) << v;
    EXPECT_EQ(fast.addr.uri.text, general.addr.uri.text) << v;
    EXPECT_EQ(fast.addr.uri.host.text, general.addr.uri.host.text) << v;
    EXPECT_EQ(fast.addr.params.raw(), general.addr.params.raw()) << v;
    EXPECT_EQ(fast.tag, general.tag) << v;
    EXPECT_EQ(fast.has_tag, general.has_tag) << v;
  }
}

TEST(Contact, ElementsEndAtCommaOrGoTheGeneralWay) {
  Cursor c("<sip:a@192.0.2.1:5060;transport=udp>;expires=60,<sip:b@c>;q=0.5 , \"C\" <sip:c@d>");
  Contact a, b, d;
  ASSERT_TRUE(parse_contact(c, &a, nullptr));
  EXPECT_EQ(a.addr.text, "<sip:a@192.0.2.1:5060;transport=udp>;expires=60");
  EXPECT_EQ(a.expires, 60u);
  EXPECT_EQ(a.addr.uri.port, 5060);
  ASSERT_TRUE(c.consume_separator(','));
  ASSERT_TRUE(parse_contact(c, &b, nullptr));
  EXPECT_EQ(b.addr.text, "<sip:b@c>;q=0.5");
  EXPECT_EQ(b.q, "0.5");
  EXPECT_FALSE(b.has_expires);
  ASSERT_TRUE(c.consume_separator(','));
  ASSERT_TRUE(parse_contact(c, &d, nullptr));
  EXPECT_EQ(d.addr.display_name, "C");
  EXPECT_FALSE(d.has_q);
  EXPECT_TRUE(c.done());
  Contact bad;
  SyntaxError e;
  Cursor q("<sip:a@b>;q");
  EXPECT_FALSE(parse_contact(q, &bad, &e));
  EXPECT_STREQ(e.detail, "q is not a qvalue");
}

TEST(Route, ListElementsOfTheUsualShape) {
  Cursor c("<sip:p1.example.com;lr>,<sip:p2.example.com;lr>;x=y");
  NameAddr r1, r2;
  ASSERT_TRUE(parse_route(c, &r1, nullptr));
  EXPECT_EQ(r1.text, "<sip:p1.example.com;lr>");
  ASSERT_TRUE(c.consume_separator(','));
  ASSERT_TRUE(parse_route(c, &r2, nullptr));
  EXPECT_EQ(r2.params.raw(), ";x=y");
  EXPECT_TRUE(r2.uri.lr);
  EXPECT_TRUE(c.done());
}

}  // namespace
}  // namespace trunkline::sip
