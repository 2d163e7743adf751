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
