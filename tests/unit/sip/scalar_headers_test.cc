#include "control/sip/scalar_headers.h"

#include <gtest/gtest.h>

namespace trunkline::sip {
namespace {

TEST(CSeq, NumberAndMethod) {
  CSeq c;
  ASSERT_TRUE(parse_cseq("0009\r\n  INVITE", &c, nullptr));
  EXPECT_EQ(c.number, 9u);
  EXPECT_EQ(c.method_id, Method::kInvite);
  ASSERT_TRUE(parse_cseq("2147483647 FOO", &c, nullptr));
  EXPECT_EQ(c.method_id, Method::kUnknown);
  SyntaxError e;
  EXPECT_FALSE(parse_cseq("2147483648 INVITE", &c, &e));
  EXPECT_STREQ(e.detail, "CSeq number not below 2^31");
  EXPECT_FALSE(parse_cseq("1INVITE", &c, &e));
  EXPECT_STREQ(e.detail, "expected white space after CSeq number");
  EXPECT_FALSE(parse_cseq("1 INVITE x", &c, &e));
  EXPECT_FALSE(parse_cseq("INVITE", &c, &e));
}

TEST(ScalarHeaders, NumbersWithTheirRanges) {
  std::uint8_t mf = 0;
  EXPECT_TRUE(parse_max_forwards("0068", &mf, nullptr));
  EXPECT_EQ(mf, 68);
  EXPECT_FALSE(parse_max_forwards("256", &mf, nullptr));
  std::uint32_t v = 0;
  EXPECT_TRUE(parse_content_length("4294967295", &v, nullptr));
  EXPECT_FALSE(parse_content_length("-1", &v, nullptr));
  EXPECT_FALSE(parse_content_length("4294967296", &v, nullptr));
  EXPECT_FALSE(parse_delta_seconds("1e3", &v, nullptr));
  EXPECT_TRUE(parse_retry_after("120 (in a meeting);duration=60", &v, nullptr));
  EXPECT_EQ(v, 120u);
  EXPECT_FALSE(parse_retry_after("949302838503028349304023988", &v, nullptr));
  EXPECT_FALSE(parse_retry_after("5 (unclosed", &v, nullptr));
}

TEST(CallId, WordAtWord) {
  EXPECT_TRUE(parse_call_id("a84b4c76e66710@pc33.atlanta.example.com", nullptr));
  EXPECT_TRUE(parse_call_id("abc", nullptr));
  EXPECT_FALSE(parse_call_id("abc@", nullptr));
  EXPECT_FALSE(parse_call_id("a b", nullptr));
  EXPECT_FALSE(parse_call_id("a@b@c", nullptr));
}

TEST(Date, Rfc1123InGmtOnly) {
  SipDate d;
  ASSERT_TRUE(parse_date("Sat, 13 Nov 2010 23:29:00 GMT", &d, nullptr));
  EXPECT_EQ(d.year, 2010);
  EXPECT_EQ(d.month, 11);
  EXPECT_EQ(d.day, 13);
  EXPECT_EQ(d.hour, 23);
  SyntaxError e;
  EXPECT_FALSE(parse_date("Fri, 01 Jan 2010 16:00:00 EST", &d, &e));
  EXPECT_STREQ(e.detail, "Date time zone must be GMT");
  EXPECT_FALSE(parse_date("Fri, 01 Foo 2010 16:00:00 GMT", &d, &e));
  EXPECT_STREQ(e.detail, "expected month in Date");
  EXPECT_FALSE(parse_date("Fri, 01 Jan 2010 25:00:00 GMT", &d, &e));
}

}  // namespace
}  // namespace trunkline::sip

namespace trunkline::sip {
namespace {

TEST(CSeq, RangeEdgesAndLongLeadingZeros) {
  CSeq c;
  SyntaxError e;
  ASSERT_TRUE(parse_cseq("2147483647 ACK", &c, &e));
  EXPECT_EQ(c.number, 2147483647u);
  EXPECT_FALSE(parse_cseq("2147483648 ACK", &c, &e));
  EXPECT_STREQ(e.detail, "CSeq number not below 2^31");
  // More digits than the 18-digit fast path takes, in range and not.
  ASSERT_TRUE(parse_cseq("0000000000000000000000001 ACK", &c, &e));
  EXPECT_EQ(c.number, 1u);
  EXPECT_FALSE(parse_cseq("99999999999999999999999 ACK", &c, &e));
  EXPECT_STREQ(e.detail, "CSeq number not below 2^31");
  std::uint32_t v = 0;
  EXPECT_TRUE(parse_content_length("000000000000000000004294967295", &v, nullptr));
  EXPECT_EQ(v, 4294967295u);
  EXPECT_FALSE(parse_content_length("999999999999999999", &v, &e));
  EXPECT_STREQ(e.detail, "Content-Length above 2^32-1");
}

TEST(CallId, LengthsAroundTheSixteenOctetBlocks) {
  for (std::size_t n : {1u, 15u, 16u, 17u, 31u, 32u, 33u, 48u}) {
    std::string id(n, 'a');
    EXPECT_TRUE(parse_call_id(id, nullptr)) << n;
    EXPECT_TRUE(parse_call_id(id + "@" + id, nullptr)) << n;
    SyntaxError e;
    // A bad octet at each end and in the middle is found where it is.
    for (std::size_t at : {std::size_t{0}, n / 2, n - 1}) {
      std::string bad = id + "@" + id;
      bad[n + 1 + at] = ';';
      EXPECT_FALSE(parse_call_id(bad, &e)) << n << " " << at;
      EXPECT_EQ(e.at - bad.data(), static_cast<std::ptrdiff_t>(n + 1 + at));
    }
  }
  // Word characters beyond alphanumerics, '-' and '.' after a long run.
  EXPECT_TRUE(parse_call_id("0123456789abcdef!%*_+`'~()<>:\\\"/[]?{}@x", nullptr));
  EXPECT_FALSE(parse_call_id("0123456789abcdef0123\xC3\xA9", nullptr));
  EXPECT_FALSE(parse_call_id("0123456789abcdef0123 ", nullptr));
}

}  // namespace
}  // namespace trunkline::sip
