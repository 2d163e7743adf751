#include "dataplane/edge/flood_watch.h"

#include <gtest/gtest.h>

namespace trunkline::edge {
namespace {

TEST(FloodWatch, OneEventWhenDropsStartAndOneWhenAQuietSecondEndsThem) {
  FloodWatch w;
  using E = FloodWatch::Event;
  EXPECT_EQ(w.observe({100, 0, 0}), E::kNone);  // baseline: drops from before are old news
  EXPECT_EQ(w.observe({100, 0, 0}), E::kNone);
  EXPECT_EQ(w.observe({500, 0, 2}), E::kStarted);
  EXPECT_EQ(w.episode().rate_limited, 400u);
  EXPECT_EQ(w.observe({900, 10, 2}), E::kNone);  // still dropping: no line
  EXPECT_EQ(w.observe({1500, 10, 3}), E::kNone);
  EXPECT_TRUE(w.dropping());
  EXPECT_EQ(w.observe({1500, 10, 3}), E::kEnded);
  EXPECT_EQ(w.episode().rate_limited, 1400u);
  EXPECT_EQ(w.episode().untrusted_limited, 10u);
  EXPECT_EQ(w.episode().scanner, 3u);
  EXPECT_EQ(w.observe({1500, 10, 3}), E::kNone);
  EXPECT_EQ(w.observe({1501, 10, 3}), E::kStarted);
}

}  // namespace
}  // namespace trunkline::edge
