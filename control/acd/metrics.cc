#include "control/acd/metrics.h"

#include <cmath>
#include <limits>

namespace trunkline::acd {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

double ratio(double num, double den) { return den > 0 ? num / den : kNaN; }

}  // namespace

FlowCounters operator-(const FlowCounters& a, const FlowCounters& b) {
  FlowCounters d;
  d.offered = a.offered - b.offered;
  d.answered = a.answered - b.answered;
  d.answered_in_service_level = a.answered_in_service_level - b.answered_in_service_level;
  d.abandoned = a.abandoned - b.abandoned;
  d.abandoned_after_service_level =
      a.abandoned_after_service_level - b.abandoned_after_service_level;
  d.overflowed = a.overflowed - b.overflowed;
  d.handled = a.handled - b.handled;
  d.answered_wait_us = a.answered_wait_us - b.answered_wait_us;
  d.abandoned_wait_us = a.abandoned_wait_us - b.abandoned_wait_us;
  d.talk_us = a.talk_us - b.talk_us;
  d.wrap_up_us = a.wrap_up_us - b.wrap_up_us;
  return d;
}

double service_level_pct(const FlowCounters& c) {
  double den = static_cast<double>(c.answered + c.abandoned_after_service_level + c.overflowed);
  return 100.0 * ratio(static_cast<double>(c.answered_in_service_level), den);
}

double average_speed_of_answer_s(const FlowCounters& c) {
  return ratio(static_cast<double>(c.answered_wait_us) / 1e6, static_cast<double>(c.answered));
}

double average_handle_time_s(const FlowCounters& c) {
  return ratio(static_cast<double>(c.talk_us + c.wrap_up_us) / 1e6, static_cast<double>(c.handled));
}

std::int64_t StateTimes::busy_us() const {
  return us[static_cast<int>(AgentState::kReserved)] + us[static_cast<int>(AgentState::kRinging)] +
         us[static_cast<int>(AgentState::kTalking)] + us[static_cast<int>(AgentState::kWrapUp)];
}

std::int64_t StateTimes::staffed_us() const {
  return busy_us() + us[static_cast<int>(AgentState::kReady)];
}

double StateTimes::occupancy_pct() const {
  return 100.0 * ratio(static_cast<double>(busy_us()), static_cast<double>(staffed_us()));
}

StateTimes& StateTimes::operator+=(const StateTimes& other) {
  for (int i = 0; i < kAgentStateCount; ++i) us[i] += other.us[i];
  return *this;
}

}  // namespace trunkline::acd
