// The media flow table: sessions found by either leg's local endpoint, fixed
// capacity, deletion that keeps every other session reachable.
#include "dataplane/media/flow_table.h"

#include <gtest/gtest.h>

#include <map>
#include <random>

#include "media_frames.h"

namespace trunkline::media {
namespace {

using namespace testing;

LegSpec leg_at(const char* ip, std::uint16_t port) { return leg(ep(ip, port), Endpoint{}, 0); }

TEST(FlowTable, FindsBothLegsOfASessionAndPairsThem) {
  FlowTable t(8);
  ASSERT_EQ(t.insert(7, leg_at("198.51.100.1", 20000), leg_at("203.0.113.1", 20002), 3),
            InsertResult::kOk);
  Leg* a = t.find(ep("198.51.100.1", 20000).ip, 20000);
  Leg* b = t.find(ep("203.0.113.1", 20002).ip, 20002);
  ASSERT_NE(a, nullptr);
  ASSERT_NE(b, nullptr);
  EXPECT_EQ(&t.other(*a), b);
  EXPECT_EQ(&t.other(*b), a);
  EXPECT_EQ(t.leg_index(*a), 0);
  EXPECT_EQ(t.leg_index(*b), 1);
  EXPECT_EQ(a->id, 7u);
  EXPECT_EQ(a->owner_shard, 3);
  EXPECT_TRUE(a->has(Leg::kLatch));
  EXPECT_FALSE(a->has(Leg::kV6));
  EXPECT_EQ(t.session(7), a);
  EXPECT_EQ(t.sessions(), 1u);
  // Same port on another of our addresses, or the odd RTCP port: another key.
  EXPECT_EQ(t.find(ep("198.51.100.2", 0).ip, 20000), nullptr);
  EXPECT_EQ(t.find(ep("198.51.100.1", 0).ip, 20002), nullptr);
}

TEST(FlowTable, RefusesDuplicatesAndBadPorts) {
  FlowTable t(8);
  ASSERT_EQ(t.insert(1, leg_at("198.51.100.1", 20000), leg_at("198.51.100.1", 20002), 0),
            InsertResult::kOk);
  EXPECT_EQ(t.insert(1, leg_at("198.51.100.1", 20004), leg_at("198.51.100.1", 20006), 0),
            InsertResult::kDuplicate)
      << "same id";
  EXPECT_EQ(t.insert(2, leg_at("198.51.100.1", 20008), leg_at("198.51.100.1", 20002), 0),
            InsertResult::kDuplicate)
      << "a local endpoint in use";
  EXPECT_EQ(t.insert(3, leg_at("198.51.100.1", 20011), leg_at("198.51.100.1", 20012), 0),
            InsertResult::kInvalid)
      << "odd RTP port";
  EXPECT_EQ(t.insert(4, leg_at("198.51.100.1", 0), leg_at("198.51.100.1", 20012), 0),
            InsertResult::kInvalid);
  EXPECT_EQ(t.insert(5, leg_at("198.51.100.1", 20012), leg_at("198.51.100.1", 20012), 0),
            InsertResult::kInvalid)
      << "both legs on one endpoint";
  EXPECT_EQ(t.sessions(), 1u);
}

TEST(FlowTable, FullTableRefusesAndDeleteFreesRoom) {
  FlowTable t(3);
  for (SessionId id = 0; id < 3; ++id) {
    ASSERT_EQ(t.insert(id, leg_at("198.51.100.1", static_cast<std::uint16_t>(20000 + 4 * id)),
                       leg_at("198.51.100.1", static_cast<std::uint16_t>(20002 + 4 * id)), 0),
              InsertResult::kOk);
  }
  EXPECT_EQ(t.insert(9, leg_at("198.51.100.1", 30000), leg_at("198.51.100.1", 30002), 0),
            InsertResult::kFull);
  EXPECT_TRUE(t.erase(1));
  EXPECT_FALSE(t.erase(1)) << "already gone";
  EXPECT_EQ(t.find(ep("198.51.100.1", 0).ip, 20004), nullptr);
  EXPECT_EQ(t.session(1), nullptr);
  EXPECT_EQ(t.insert(9, leg_at("198.51.100.1", 30000), leg_at("198.51.100.1", 30002), 0),
            InsertResult::kOk);
  EXPECT_NE(t.find(ep("198.51.100.1", 0).ip, 20000), nullptr);
  EXPECT_NE(t.find(ep("198.51.100.1", 0).ip, 20010), nullptr);
  EXPECT_EQ(t.sessions(), 3u);
}

TEST(FlowTable, EmptyTableMissesAndRefuses) {
  FlowTable t;
  EXPECT_EQ(t.find(ep("198.51.100.1", 0).ip, 20000), nullptr);
  EXPECT_EQ(t.insert(1, leg_at("198.51.100.1", 20000), leg_at("198.51.100.1", 20002), 0),
            InsertResult::kFull);
  EXPECT_EQ(t.session(1), nullptr);
}

TEST(FlowTable, Ipv6LegsAreKeyedByTheirFullAddress) {
  FlowTable t(4);
  ASSERT_EQ(t.insert(1, leg_at("2001:db8::1", 20000), leg_at("2001:db8::2", 20000), 0),
            InsertResult::kOk);
  Leg* a = t.find(ep("2001:db8::1", 0).ip, 20000);
  ASSERT_NE(a, nullptr);
  EXPECT_TRUE(a->has(Leg::kV6));
  EXPECT_EQ(t.find(ep("2001:db8::3", 0).ip, 20000), nullptr);
}

// Random churn against a reference map: after every insert and erase each
// live session is found by both legs and no removed one is.
TEST(FlowTable, ChurnKeepsEveryLiveSessionReachable) {
  constexpr std::uint32_t kMax = 1000;
  FlowTable t(kMax);
  std::map<SessionId, std::uint16_t> live;  // id → first leg's port (second: port + 2)
  std::mt19937 rng(42);
  const net::IpKey ip = ep("198.51.100.1", 0).ip;
  std::uint16_t next_port = 1024;
  for (int step = 0; step < 20000; ++step) {
    const auto id = static_cast<SessionId>(rng() % 3000);
    if (live.count(id) != 0) {
      ASSERT_TRUE(t.erase(id));
      live.erase(id);
    } else if (live.size() < kMax) {
      const std::uint16_t p = next_port;
      next_port = static_cast<std::uint16_t>(next_port >= 65000 ? 1024 : next_port + 4);
      bool port_in_use = false;
      for (const auto& [lid, lp] : live) port_in_use = port_in_use || lp == p;
      if (port_in_use) continue;
      ASSERT_EQ(t.insert(id, leg(Endpoint{ip, p}, {}, 0),
                         leg(Endpoint{ip, static_cast<std::uint16_t>(p + 2)}, {}, 0), 0),
                InsertResult::kOk);
      live[id] = p;
    }
  }
  ASSERT_EQ(t.sessions(), live.size());
  for (const auto& [id, p] : live) {
    Leg* a = t.find(ip, p);
    ASSERT_NE(a, nullptr) << id;
    EXPECT_EQ(a->id, id);
    Leg* b = t.find(ip, static_cast<std::uint16_t>(p + 2));
    ASSERT_NE(b, nullptr);
    EXPECT_EQ(&t.other(*a), b);
    EXPECT_EQ(t.session(id), a);
  }
}

TEST(FlowTable, MemoryPerSessionStaysSmall) {
  FlowTable t(100000);
  EXPECT_EQ(t.max_sessions(), 100000u);
  // Two 128-byte legs, the index at most half full, the id index, the free list.
  EXPECT_LT(t.bytes_per_session(), 400.0) << t.bytes_per_session();
  std::printf("flow table: %zu bytes for 100000 sessions, %.0f bytes per session per lcore\n",
              t.bytes(), t.bytes_per_session());
}

}  // namespace
}  // namespace trunkline::media
