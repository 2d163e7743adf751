// Live metrics: the counters the engine keeps per queue and per skill, and
// the snapshot it computes from them and from the agents' state times.
//
// Definitions (docs/acd.md repeats them):
//   offered       callers that entered (a queue: each entry, overflow included;
//                 a skill: each arrival requiring it)
//   answered      callers an agent answered
//   abandoned     callers who hung up before an answer
//   overflowed    callers that left by overflow or refusal (a skill: only
//                 final ones, not moves between queues)
//   service level answered within the threshold /
//                 (answered + abandoned after the threshold + overflowed), in %
//   ASA           total wait of answered callers / answered
//   AHT           (talk time + wrap-up time) / handled (calls ended)
//   occupancy     (reserved + ringing + talking + wrap-up time) /
//                 (that + ready time), over the queue's members, the skill's
//                 holders, or one agent; not-ready and logged-out time excluded
// A queue's waits run from entering that queue; a skill's from arrival.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "control/acd/types.h"

namespace trunkline::acd {

struct FlowCounters {
  std::uint64_t offered = 0;
  std::uint64_t answered = 0;
  std::uint64_t answered_in_service_level = 0;
  std::uint64_t abandoned = 0;
  std::uint64_t abandoned_after_service_level = 0;
  std::uint64_t overflowed = 0;
  std::uint64_t handled = 0;
  std::int64_t answered_wait_us = 0;
  std::int64_t abandoned_wait_us = 0;
  std::int64_t talk_us = 0;
  std::int64_t wrap_up_us = 0;
};

// The counts of an interval: the later snapshot's minus the earlier's.
FlowCounters operator-(const FlowCounters& later, const FlowCounters& earlier);

// Ratios; NaN when the denominator is zero (printed as JSON null).
double service_level_pct(const FlowCounters& c);
double average_speed_of_answer_s(const FlowCounters& c);
double average_handle_time_s(const FlowCounters& c);

struct StateTimes {
  std::int64_t us[kAgentStateCount] = {};
  std::int64_t busy_us() const;     // reserved + ringing + talking + wrap-up
  std::int64_t staffed_us() const;  // busy + ready
  double occupancy_pct() const;     // NaN when staffed is zero
  StateTimes& operator+=(const StateTimes& other);
};

struct FlowMetrics {
  std::string name;
  std::uint32_t waiting_now = 0;     // waiting or being offered
  std::int64_t longest_wait_us = 0;  // of those waiting now
  std::int64_t service_level_threshold_us = 0;
  FlowCounters counters;
  double service_level_pct = 0;
  double asa_s = 0;
  double aht_s = 0;
  double occupancy_pct = 0;
  std::uint32_t agents_logged_in = 0;
  std::uint32_t agents_ready = 0;
  std::uint32_t agents_busy = 0;
};

struct AgentMetrics {
  std::string name;
  AgentState state = AgentState::kLoggedOut;
  ReasonCode reason = kReasonNone;
  std::int64_t in_state_for_us = 0;
  StateTimes time_in_state;
  std::uint64_t calls = 0;
  std::int64_t talk_us = 0;
  std::uint64_t offers = 0;
  std::uint64_t offers_failed = 0;
  double occupancy_pct = 0;
};

struct MetricsSnapshot {
  std::int64_t at_us = 0;
  std::int64_t since_us = 0;  // when the counters were last reset
  std::vector<FlowMetrics> queues;
  std::vector<FlowMetrics> skills;
  std::vector<AgentMetrics> agents;
};

}  // namespace trunkline::acd
