#include "control/stats/snapshot.h"

#include <gtest/gtest.h>

namespace trunkline::stats {
namespace {

Snapshot sample() {
  Snapshot s;
  s.lcores = {1, 2};
  s.rows.push_back({"dataplane_rx_packets", "frames received", {5, 7}, 12});
  s.rows.push_back({"uptime_seconds", "seconds \"up\"", {}, 30});
  return s;
}

TEST(StatsSnapshot, TextHasOneColumnPerLcoreAndTotal) {
  const std::string t = format_text(sample());
  EXPECT_NE(t.find("counter"), std::string::npos);
  EXPECT_NE(t.find("lcore1"), std::string::npos);
  EXPECT_NE(t.find("lcore2"), std::string::npos);
  EXPECT_NE(t.find("total"), std::string::npos);
  const auto row = t.find("dataplane_rx_packets");
  ASSERT_NE(row, std::string::npos);
  const std::string line = t.substr(row, t.find('\n', row) - row);
  EXPECT_NE(line.find(" 5 "), std::string::npos) << line;
  EXPECT_NE(line.find(" 7 "), std::string::npos) << line;
  EXPECT_EQ(line.substr(line.size() - 2), "12") << line;
}

TEST(StatsSnapshot, JsonEscapesAndKeepsPerLcoreValues) {
  const std::string j = format_json(sample());
  EXPECT_NE(j.find("\"lcores\":[1,2]"), std::string::npos) << j;
  EXPECT_NE(j.find("\"per_lcore\":{\"1\":5,\"2\":7}"), std::string::npos) << j;
  EXPECT_NE(j.find("seconds \\\"up\\\""), std::string::npos) << j;
}

TEST(StatsSnapshot, PrometheusLabelsEachLcoreAndTypesGauges) {
  const std::string p = format_prometheus(sample());
  EXPECT_NE(p.find("# TYPE trunkline_dataplane_rx_packets counter"), std::string::npos);
  EXPECT_NE(p.find("trunkline_dataplane_rx_packets{lcore=\"2\"} 7\n"), std::string::npos);
  EXPECT_NE(p.find("# TYPE trunkline_uptime_seconds gauge"), std::string::npos);
  EXPECT_NE(p.find("trunkline_uptime_seconds 30\n"), std::string::npos);
}

}  // namespace
}  // namespace trunkline::stats
