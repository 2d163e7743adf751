#include "common/log.h"

#include <gtest/gtest.h>

namespace trunkline::log {
namespace {

TEST(LogRateLimit, AdmitsBurstPerSecondAndReportsWhatItSuppressed) {
  RateLimit limit;
  limit.burst = 3;
  std::uint64_t suppressed = 99;
  for (int i = 0; i < 3; ++i) {
    EXPECT_TRUE(admit_at(limit, 5'000'000 + i, &suppressed));
    EXPECT_EQ(suppressed, 0u);
  }
  for (int i = 0; i < 5; ++i) EXPECT_FALSE(admit_at(limit, 5'500'000, &suppressed));
  EXPECT_TRUE(admit_at(limit, 6'000'001, &suppressed)) << "a new one-second window";
  EXPECT_EQ(suppressed, 5u) << "the five lines held back are reported";
  EXPECT_TRUE(admit_at(limit, 6'000'002, &suppressed));
  EXPECT_EQ(suppressed, 0u);
}

TEST(LogLevel, ParsesTheFourLevelsOnly) {
  Level l = Level::kInfo;
  EXPECT_TRUE(parse_level("debug", &l));
  EXPECT_EQ(l, Level::kDebug);
  EXPECT_TRUE(parse_level("error", &l));
  EXPECT_EQ(l, Level::kError);
  EXPECT_FALSE(parse_level("verbose", &l));
  EXPECT_EQ(l, Level::kError) << "unchanged on a bad name";
}

}  // namespace
}  // namespace trunkline::log
