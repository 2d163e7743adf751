#include "dataplane/edge/source_limiter.h"

#include <gtest/gtest.h>

namespace trunkline::edge {
namespace {

constexpr std::uint64_t kSecond = 1'000'000'000;
constexpr std::uint64_t kStart = 1000 * kSecond;  // an injected clock, far from 0

net::IpKey v4(std::uint8_t last) {
  const std::uint8_t a[4] = {198, 51, 100, last};
  return source_key_v4(a);
}

// How many of `n` datagrams sent `spacing_ns` apart get through.
int admitted(SourceLimiter& t, const net::IpKey& k, std::uint64_t* now, int n,
             std::uint64_t spacing_ns, const Gcra& g) {
  int ok = 0;
  for (int i = 0; i < n; ++i, *now += spacing_ns) ok += t.charge(k, *now, g).admitted ? 1 : 0;
  return ok;
}

TEST(SourceLimiter, BurstThenRateOfOneSource) {
  SourceLimiter t(1024, 42);
  const Gcra g = Gcra::of(10, 5);  // 10/s, burst 5
  std::uint64_t now = kStart;
  // A flood at one instant: exactly the burst passes.
  EXPECT_EQ(admitted(t, v4(1), &now, 100, 0, g), 5);
  // After one second, ten more tokens (the bucket held none).
  now += kSecond;
  EXPECT_EQ(admitted(t, v4(1), &now, 100, 0, g), 5);  // capped at the burst
  // Sending at 100/s for 10 s: the rate, 10/s, plus what was left (none).
  now += kSecond;
  const int in_ten_s = admitted(t, v4(1), &now, 1000, kSecond / 100, g);
  EXPECT_GE(in_ten_s, 100);
  EXPECT_LE(in_ten_s, 105);
}

TEST(SourceLimiter, SourcesHaveTheirOwnBuckets) {
  SourceLimiter t(1024, 42);
  const Gcra g = Gcra::of(1, 3);
  std::uint64_t now = kStart;
  EXPECT_EQ(admitted(t, v4(1), &now, 10, 0, g), 3);
  EXPECT_EQ(admitted(t, v4(2), &now, 10, 0, g), 3);  // the flood of .1 cost .2 nothing
  EXPECT_FALSE(t.charge(v4(1), now, g).admitted);
}

TEST(SourceLimiter, DroppedDatagramsDoNotDigDeeper) {
  SourceLimiter t(1024, 7);
  const Gcra g = Gcra::of(10, 1);
  std::uint64_t now = kStart;
  EXPECT_TRUE(t.charge(v4(9), now, g).admitted);
  for (int i = 0; i < 1000; ++i) EXPECT_FALSE(t.charge(v4(9), now, g).admitted);
  // One interval later the source may send again, however much it flooded.
  EXPECT_TRUE(t.charge(v4(9), now + kSecond / 10, g).admitted);
}

TEST(SourceLimiter, ZeroRateMeansNoLimit) {
  SourceLimiter t(1024, 7);
  std::uint64_t now = kStart;
  EXPECT_EQ(admitted(t, v4(3), &now, 10000, 0, Gcra::of(0, 0)), 10000);
}

TEST(SourceLimiter, FullSetReplacesTheFullestBucketAndSaysWhenItWasLive) {
  SourceLimiter t(8, 1);  // one set of eight ways: every source lands in it
  ASSERT_EQ(t.capacity(), 8u);
  const Gcra g = Gcra::of(1, 2);
  std::uint64_t now = kStart;
  for (std::uint8_t i = 0; i < 8; ++i) {
    const auto o = t.charge(v4(i), now + i, g);
    EXPECT_TRUE(o.created && o.admitted && !o.evicted_live);
  }
  // All eight are still limited (each spent a token): a ninth evicts the
  // one that has waited longest (.0) and says so.
  auto o = t.charge(v4(100), now + 10, g);
  EXPECT_TRUE(o.created && o.admitted && o.evicted_live);
  EXPECT_FALSE(t.charge(v4(1), now + 11, g).created);  // still there
  EXPECT_TRUE(t.charge(v4(0), now + 12, g).created);   // was the one replaced
  // Ten seconds later every bucket has refilled: replacing one loses nothing.
  o = t.charge(v4(200), now + 10 * kSecond, g);
  EXPECT_TRUE(o.created && !o.evicted_live);
}

TEST(SourceLimiter, Ipv6SourcesAreKeyedByTheirSlash64) {
  SourceLimiter t(1024, 3);
  const Gcra g = Gcra::of(1, 2);
  std::uint8_t a[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 1, 0, 2, 0, 0, 0, 0, 0, 0, 0, 1};
  std::uint8_t b[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 1, 0, 2, 0xde, 0xad, 0, 0, 0, 0, 0, 9};
  std::uint8_t other[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 1, 0, 3, 0, 0, 0, 0, 0, 0, 0, 1};
  EXPECT_EQ(source_key_v6(a), source_key_v6(b));
  std::uint64_t now = kStart;
  EXPECT_TRUE(t.charge(source_key_v6(a), now, g).admitted);
  EXPECT_TRUE(t.charge(source_key_v6(b), now, g).admitted);
  EXPECT_FALSE(t.charge(source_key_v6(b), now, g).admitted);  // same /64: same bucket
  EXPECT_TRUE(t.charge(source_key_v6(other), now, g).admitted);
  // An IPv4 source never shares a key with an IPv6 /64.
  EXPECT_FALSE(source_key_v6(a) == v4(1));
}

}  // namespace
}  // namespace trunkline::edge
