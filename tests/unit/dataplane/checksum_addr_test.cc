#include <gtest/gtest.h>

#include "dataplane/net/addr.h"
#include "dataplane/net/checksum.h"

namespace trunkline::net {
namespace {

TEST(Checksum, Ipv4HeaderMatchesAWorkedExample) {
  // A header whose checksum is well known: 0xb861.
  const std::uint8_t h[20] = {0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11,
                              0x00, 0x00, 0xc0, 0xa8, 0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7};
  const std::uint16_t sum = ipv4_header_checksum(h, 20);
  const auto* b = reinterpret_cast<const std::uint8_t*>(&sum);
  EXPECT_EQ(b[0], 0xb8);
  EXPECT_EQ(b[1], 0x61);
}

TEST(Checksum, StoredChecksumVerifiesAndAFlippedBitDoesNot) {
  std::uint8_t d[9] = {8, 0, 0, 0, 1, 2, 3, 4, 5};  // odd length on purpose
  const std::uint16_t sum = internet_checksum(d, sizeof d);
  std::memcpy(&d[2], &sum, 2);
  EXPECT_TRUE(checksum_ok(d, sizeof d));
  d[8] ^= 0x10;
  EXPECT_FALSE(checksum_ok(d, sizeof d));
}

TEST(Checksum, Ipv6PseudoHeaderCoversAddresses) {
  std::uint8_t ip6[40] = {0x60};
  ip6[8] = 0x20;  // some source byte
  std::uint8_t l4[8] = {128, 0, 0, 0, 0, 1, 0, 1};
  const std::uint16_t sum = ipv6_l4_checksum(ip6, l4, 8, 58);
  std::memcpy(&l4[2], &sum, 2);
  EXPECT_TRUE(ipv6_l4_checksum_ok(ip6, l4, 8, 58));
  ip6[39] = 1;  // a different destination must not verify
  EXPECT_FALSE(ipv6_l4_checksum_ok(ip6, l4, 8, 58));
}

TEST(Addr, ParsesAndPrintsEveryKind) {
  EXPECT_EQ(MacAddr::parse("02:54:4C:00:00:01")->to_string(), "02:54:4c:00:00:01");
  EXPECT_FALSE(MacAddr::parse("02:54:4c:00:00").has_value());
  EXPECT_FALSE(MacAddr::parse("02-54-4c-00-00-01").has_value());
  EXPECT_EQ(Ip4::parse("198.51.100.1")->to_string(), "198.51.100.1");
  EXPECT_FALSE(Ip4::parse("198.51.100").has_value());
  EXPECT_EQ(Ip6::parse("2001:db8:100::1")->to_string(), "2001:db8:100::1");
  auto p = Prefix4::parse("198.51.100.1/24");
  ASSERT_TRUE(p.has_value());
  EXPECT_TRUE(p->contains(*Ip4::parse("198.51.100.200")));
  EXPECT_FALSE(p->contains(*Ip4::parse("198.51.101.1")));
  EXPECT_FALSE(Prefix4::parse("198.51.100.1/33").has_value());
  auto p6 = Prefix6::parse("2001:db8:100::1/68");
  ASSERT_TRUE(p6.has_value());
  EXPECT_TRUE(p6->contains(*Ip6::parse("2001:db8:100::0fff:1")));
  EXPECT_FALSE(p6->contains(*Ip6::parse("2001:db8:100:0:1000::1")));
}

TEST(Addr, LinkLocalAndSolicitedNodeFollowTheRfcs) {
  auto mac = MacAddr::parse("52:54:00:12:34:56");
  EXPECT_EQ(Ip6::link_local_from(*mac).to_string(), "fe80::5054:ff:fe12:3456");
  auto a = Ip6::parse("2001:db8::1:2:3");
  EXPECT_EQ(a->solicited_node().to_string(), "ff02::1:ff02:3");
  EXPECT_EQ(multicast_mac(a->solicited_node()).to_string(), "33:33:ff:02:00:03");
  EXPECT_EQ(IpKey::of(*Ip4::parse("203.0.113.5")).to_string(), "203.0.113.5");
  EXPECT_TRUE(IpKey::of(*Ip4::parse("203.0.113.5")).is_v4());
  EXPECT_FALSE(IpKey::of(*a).is_v4());
}

}  // namespace
}  // namespace trunkline::net
