#include "control/b2bua/media_ports.h"

#include <gtest/gtest.h>

#include <set>

namespace trunkline::b2bua {
namespace {

TEST(MediaPorts, EvenPairsSplitBetweenShardsWithoutOverlap) {
  MediaPorts a(20001, 20020, 0, 2), b(20001, 20020, 1, 2);
  std::set<std::uint16_t> seen;
  for (MediaPorts* p : {&a, &b})
    while (auto port = p->allocate()) {
      EXPECT_EQ(*port % 2, 0);
      EXPECT_GE(*port, 20002);
      EXPECT_LE(*port + 1, 20020);
      EXPECT_TRUE(seen.insert(*port).second) << *port;
    }
  EXPECT_EQ(seen.size(), 9u);  // 20002 .. 20018
}

TEST(MediaPorts, FreedPortsAreReusedLast) {
  MediaPorts p(20000, 20007, 0, 1);  // 20000, 20002, 20004, 20006
  const auto first = *p.allocate();
  p.release(first);
  EXPECT_NE(*p.allocate(), first);
  EXPECT_NE(*p.allocate(), first);
  EXPECT_NE(*p.allocate(), first);
  EXPECT_EQ(*p.allocate(), first);
  EXPECT_FALSE(p.allocate().has_value());
}

}  // namespace
}  // namespace trunkline::b2bua
