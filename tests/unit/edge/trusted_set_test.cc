#include "dataplane/edge/trusted_set.h"

#include <gtest/gtest.h>

namespace trunkline::edge {
namespace {

bool has4(const TrustedSet& s, const char* a) {
  return s.contains_v4(reinterpret_cast<const std::uint8_t*>(&net::Ip4::parse(a)->be));
}
bool has6(const TrustedSet& s, const char* a) {
  return s.contains_v6(net::Ip6::parse(a)->b.data());
}

TEST(TrustedSet, EmptyTrustsNobody) {
  TrustedSet s;
  EXPECT_FALSE(has4(s, "198.51.100.10"));
  EXPECT_FALSE(has6(s, "2001:db8::1"));
}

TEST(TrustedSet, HostsAndPrefixesWithExactBoundaries) {
  TrustedSet s({*net::Prefix4::parse("198.51.100.10/32"), *net::Prefix4::parse("198.51.100.64/26"),
                *net::Prefix4::parse("203.0.113.7/24")},  // host bits ignored: the /24
               {});
  EXPECT_TRUE(has4(s, "198.51.100.10"));
  EXPECT_FALSE(has4(s, "198.51.100.9"));
  EXPECT_FALSE(has4(s, "198.51.100.11"));
  EXPECT_FALSE(has4(s, "198.51.100.63"));
  EXPECT_TRUE(has4(s, "198.51.100.64"));
  EXPECT_TRUE(has4(s, "198.51.100.127"));
  EXPECT_FALSE(has4(s, "198.51.100.128"));
  EXPECT_TRUE(has4(s, "203.0.113.0"));
  EXPECT_TRUE(has4(s, "203.0.113.255"));
  EXPECT_FALSE(has4(s, "203.0.114.0"));
  EXPECT_EQ(s.ranges_v4(), 3u);
}

TEST(TrustedSet, OverlappingAndAdjacentPrefixesMerge) {
  TrustedSet s({*net::Prefix4::parse("198.51.100.0/25"), *net::Prefix4::parse("198.51.100.128/25"),
                *net::Prefix4::parse("198.51.100.20/32"), *net::Prefix4::parse("198.51.101.0/24")},
               {});
  EXPECT_EQ(s.ranges_v4(), 1u);  // 198.51.100.0 - 198.51.101.255
  EXPECT_TRUE(has4(s, "198.51.101.200"));
  EXPECT_FALSE(has4(s, "198.51.102.0"));
}

TEST(TrustedSet, WholeSpaceAndTopOfTheSpace) {
  TrustedSet all({*net::Prefix4::parse("0.0.0.0/0")}, {*net::Prefix6::parse("::/0")});
  EXPECT_TRUE(has4(all, "255.255.255.255"));
  EXPECT_TRUE(has6(all, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"));
  TrustedSet top({*net::Prefix4::parse("255.255.255.255/32")}, {});
  EXPECT_TRUE(has4(top, "255.255.255.255"));
  EXPECT_FALSE(has4(top, "255.255.255.254"));
}

TEST(TrustedSet, Ipv6PrefixesOfAnyLength) {
  TrustedSet s({},
               {*net::Prefix6::parse("2001:db8:1::/48"), *net::Prefix6::parse("2001:db8:2::5/128"),
                *net::Prefix6::parse("2001:db8:3::/96")});
  EXPECT_TRUE(has6(s, "2001:db8:1:ffff::1"));
  EXPECT_FALSE(has6(s, "2001:db8:0:ffff::1"));
  EXPECT_TRUE(has6(s, "2001:db8:2::5"));
  EXPECT_FALSE(has6(s, "2001:db8:2::6"));
  EXPECT_TRUE(has6(s, "2001:db8:3::ffff:ffff"));
  EXPECT_FALSE(has6(s, "2001:db8:3::1:0:0"));
  EXPECT_EQ(s.ranges_v6(), 3u);
  // An IPv4 list does not leak into IPv6 lookups or back.
  EXPECT_FALSE(has4(s, "198.51.100.1"));
}

TEST(TrustedSet, Ipv6RangesThatTouchAcrossTheLowWordMerge) {
  TrustedSet s({},
               {*net::Prefix6::parse("2001:db8::/64"), *net::Prefix6::parse("2001:db8:0:1::/64")});
  EXPECT_EQ(s.ranges_v6(), 1u);
  EXPECT_TRUE(has6(s, "2001:db8:0:1::9"));
}

}  // namespace
}  // namespace trunkline::edge
