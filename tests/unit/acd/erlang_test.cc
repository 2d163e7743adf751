// Erlang C against values worked out by hand.
#include "control/acd/erlang.h"

#include <gtest/gtest.h>

#include <cmath>

namespace trunkline::acd {
namespace {

// M/M/1: the probability of waiting is the load itself, 0.5, and the mean
// wait rho / (mu - lambda) = 0.5 / (1/60 - 1/120) = 60 s.
TEST(AcdErlang, SingleAgent) {
  EXPECT_NEAR(erlang_c(1, 0.5), 0.5, 1e-12);
  EXPECT_NEAR(erlang_c_asa_s(1, 1.0 / 120, 60), 60.0, 1e-9);
}

// c = 2, a = 1: C = (a^2/2! * 2/(2-1)) / (1 + a + a^2/2! * 2/(2-1)) = 1 / 3.
// ASA = C / (2 mu - lambda) = (1/3) / (2/60 - 1/60) = 20 s.
// SL(20 s) = 1 - (1/3) e^{-(1/60) 20} = 1 - e^{-1/3} / 3 = 76.12 %.
TEST(AcdErlang, TwoAgents) {
  EXPECT_NEAR(erlang_c(2, 1.0), 1.0 / 3, 1e-12);
  EXPECT_NEAR(erlang_c_asa_s(2, 1.0 / 60, 60), 20.0, 1e-9);
  EXPECT_NEAR(erlang_c_service_level_pct(2, 1.0 / 60, 60, 20), 100 * (1 - std::exp(-1.0 / 3) / 3),
              1e-9);
}

// Overload waits always; a large staff stays finite and sensible.
TEST(AcdErlang, Limits) {
  EXPECT_EQ(erlang_c(3, 3.0), 1.0);
  EXPECT_EQ(erlang_c(3, 0.0), 0.0);
  double c = erlang_c(500, 480);
  EXPECT_GT(c, 0.0);
  EXPECT_LT(c, 1.0);
}

}  // namespace
}  // namespace trunkline::acd
