#include "dataplane/net/neighbour_table.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>

namespace trunkline::net {
namespace {

const MacAddr kMacA{{2, 0, 0, 0, 0, 0xa}};
const MacAddr kMacB{{2, 0, 0, 0, 0, 0xb}};

NeighbourParams params() {
  NeighbourParams p;
  p.capacity = 16;
  p.reachable_ms = 1000;
  p.retransmit_ms = 100;
  p.max_probes = 3;
  p.max_age_ms = 5000;
  return p;
}

IpKey ip(int last) {
  Ip4 a;
  a.be = htonl(0xc6336400u | static_cast<std::uint32_t>(last));  // 198.51.100.x
  return IpKey::of(a);
}

TEST(NeighbourTable, MissCreatesIncompleteAndProbesAtTheRetransmitPace) {
  Counters c;
  NeighbourTable t(params(), &c);
  auto r = t.resolve(ip(10), 0);
  EXPECT_EQ(r.mac, nullptr);
  EXPECT_TRUE(r.send_probe);
  EXPECT_FALSE(t.resolve(ip(10), 50).send_probe) << "too soon after the first probe";
  EXPECT_TRUE(t.resolve(ip(10), 100).send_probe);
  EXPECT_TRUE(t.resolve(ip(10), 200).send_probe);
  EXPECT_FALSE(t.resolve(ip(10), 300).send_probe) << "max_probes = 3 reached";
  EXPECT_EQ(t.find(ip(10))->state, NeighState::kIncomplete);
}

TEST(NeighbourTable, UnansweredProbesFailAndTheEntryGoes) {
  Counters c;
  NeighbourTable t(params(), &c);
  for (std::uint64_t now : {0, 100, 200}) (void)t.resolve(ip(10), now);
  t.age(250, 16);
  EXPECT_NE(t.find(ip(10)), nullptr) << "retransmit time after the last probe not yet over";
  t.age(300, 16);
  EXPECT_EQ(t.find(ip(10)), nullptr);
  EXPECT_EQ(c.neigh_failed.load(), 1u);
  EXPECT_EQ(t.size(), 0u);
}

TEST(NeighbourTable, ConfirmedAnswerMakesItReachableThenStaleThenReprobed) {
  Counters c;
  NeighbourTable t(params(), &c);
  (void)t.resolve(ip(10), 0);
  t.learn(ip(10), kMacA, 10, /*confirmed=*/true);
  auto r = t.resolve(ip(10), 500);
  ASSERT_NE(r.mac, nullptr);
  EXPECT_EQ(*r.mac, kMacA);
  EXPECT_FALSE(r.send_probe);
  t.age(1010, 16);
  EXPECT_EQ(t.find(ip(10))->state, NeighState::kStale);
  r = t.resolve(ip(10), 1020);
  ASSERT_NE(r.mac, nullptr) << "a stale entry is still usable";
  EXPECT_TRUE(r.send_probe) << "and is re-probed when used";
  t.learn(ip(10), kMacA, 1030, true);
  EXPECT_EQ(t.find(ip(10))->state, NeighState::kReachable);
}

TEST(NeighbourTable, StaleUnusedEntriesExpire) {
  Counters c;
  NeighbourTable t(params(), &c);
  t.learn(ip(20), kMacA, 0, /*confirmed=*/false);  // a hint: STALE at once
  EXPECT_EQ(t.find(ip(20))->state, NeighState::kStale);
  t.age(4999, 16);
  EXPECT_NE(t.find(ip(20)), nullptr);
  t.age(5000, 16);
  EXPECT_EQ(t.find(ip(20)), nullptr);
  EXPECT_EQ(c.neigh_expired.load(), 1u);
}

TEST(NeighbourTable, StaleThatStopsAnsweringFails) {
  Counters c;
  NeighbourTable t(params(), &c);
  t.learn(ip(20), kMacA, 0, true);
  for (std::uint64_t now : {1000, 1100, 1200}) EXPECT_TRUE(t.resolve(ip(20), now).send_probe);
  t.age(1300, 16);
  EXPECT_EQ(t.find(ip(20)), nullptr);
  EXPECT_EQ(c.neigh_failed.load(), 1u);
}

TEST(NeighbourTable, MacChangeIsCountedAndHintsDoNotCreateUnlessAsked) {
  Counters c;
  NeighbourTable t(params(), &c);
  t.learn(ip(30), kMacA, 0, false, /*create=*/false);
  EXPECT_EQ(t.find(ip(30)), nullptr);
  t.learn(ip(30), kMacA, 0, true);
  t.learn(ip(30), kMacB, 1, false, false);
  EXPECT_EQ(t.find(ip(30))->mac, kMacB);
  EXPECT_EQ(c.neigh_mac_changed.load(), 1u);
}

TEST(NeighbourTable, FullTableRefusesAndDeletionKeepsClustersFindable) {
  Counters c;
  NeighbourTable t(params(), &c);  // 16 slots, 14 usable
  for (int i = 0; i < 14; ++i) t.learn(ip(i), kMacA, 0, true);
  EXPECT_EQ(t.size(), 14u);
  t.learn(ip(99), kMacA, 0, true);
  EXPECT_EQ(t.find(ip(99)), nullptr);
  EXPECT_EQ(c.neigh_table_full.load(), 1u);
  // Fail half the entries by probing them without answer; the rest must stay
  // findable after the backward-shift deletions.
  for (int i = 0; i < 14; i += 2)
    for (std::uint64_t now : {2000, 2100, 2200}) (void)t.resolve(ip(i), now);
  for (int round = 0; round < 4; ++round) t.age(2300, 16);
  for (int i = 0; i < 14; ++i) {
    if (i % 2 == 0) {
      EXPECT_EQ(t.find(ip(i)), nullptr) << i;
    } else {
      ASSERT_NE(t.find(ip(i)), nullptr) << i;
    }
  }
  EXPECT_EQ(t.size(), 7u);
}

}  // namespace
}  // namespace trunkline::net
