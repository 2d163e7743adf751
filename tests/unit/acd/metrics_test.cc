// Live metrics against a timeline worked out by hand (see each test), and the
// event stream the metrics come from.
#include <gtest/gtest.h>

#include <cmath>

#include "control/acd/json_writer.h"
#include "control/acd/metrics_json.h"
#include "tests/unit/acd/acd_test_util.h"

namespace trunkline::acd {
namespace {

using testing::kSec;
using testing::TestEngine;

// One agent, service level 20 s, wrap-up 10 s.
//   t=0    a logs in; caller 1 arrives, offered and answered at once (wait 0)
//   t=10   caller 2 arrives and waits
//   t=20   caller 3 arrives and waits
//   t=50   caller 3 hangs up (waited 30 s > 20 s: counts against service level)
//   t=60   snapshot: 1 waiting, longest wait 50 s (caller 2)
//   t=100  call 1 ends (talk 100 s); wrap-up until 110
//   t=110  a is ready, takes caller 2 (waited 100 s) and answers
//   t=120  caller 4 arrives; t=125 hangs up (5 s: a short abandon, left out)
//   t=160  call 2 ends (talk 50 s); wrap-up until 170
//   t=200  snapshot
// Service level = answered within 20 s (1) / (answered 2 + abandoned after
// 20 s 1 + overflowed 0) = 33.3 %. ASA = (0 + 100) / 2 = 50 s.
// AHT = (100 + 10 + 50 + 10) / 2 = 85 s. The agent was busy 100 + 10 + 50 +
// 10 = 170 s of 200 s staffed (ready 30 s): occupancy 85 %.
TEST(AcdMetrics, HandWorkedTimeline) {
  TestEngine t;
  SkillId s = t.skill("s", 20 * kSec);
  QueueConfig qc;
  qc.name = "q";
  qc.service_level_us = 20 * kSec;
  qc.wrap_up_us = 10 * kSec;
  QueueId q = t.queue(qc);
  AgentId a = t.agent("a", {{s, 3}}, {q});
  t.ok(t.engine->log_in(0, a));
  CallerId c1 = t.arrive(0, q, s);
  t.ok(t.engine->offer_answered(0, a, c1));
  CallerId c2 = t.arrive(10 * kSec, q, s);
  CallerId c3 = t.arrive(20 * kSec, q, s);
  t.ok(t.engine->caller_abandoned(50 * kSec, c3));
  auto mid = t.engine->metrics(60 * kSec);
  EXPECT_EQ(mid.queues[q].waiting_now, 1u);
  EXPECT_EQ(mid.queues[q].longest_wait_us, 50 * kSec);
  EXPECT_EQ(mid.skills[s].waiting_now, 1u);
  EXPECT_EQ(mid.queues[q].agents_busy, 1u);
  t.ok(t.engine->call_ended(100 * kSec, a, c1));
  t.ok(t.engine->tick(110 * kSec));
  ASSERT_EQ(t.holding(a), c2);
  t.ok(t.engine->offer_answered(110 * kSec, a, c2));
  CallerId c4 = t.arrive(120 * kSec, q, s);
  t.ok(t.engine->caller_abandoned(125 * kSec, c4));
  t.ok(t.engine->call_ended(160 * kSec, a, c2));
  t.ok(t.engine->tick(200 * kSec));
  EXPECT_EQ(t.state(a), AgentState::kReady);

  auto m = t.engine->metrics(200 * kSec);
  for (const FlowMetrics* f : {&m.queues[q], &m.skills[s]}) {
    const FlowCounters& c = f->counters;
    EXPECT_EQ(c.offered, 4u);
    EXPECT_EQ(c.answered, 2u);
    EXPECT_EQ(c.answered_in_service_level, 1u);
    EXPECT_EQ(c.abandoned, 2u);
    EXPECT_EQ(c.abandoned_after_service_level, 1u);
    EXPECT_EQ(c.handled, 2u);
    EXPECT_NEAR(f->service_level_pct, 100.0 / 3, 1e-9);
    EXPECT_DOUBLE_EQ(f->asa_s, 50.0);
    EXPECT_DOUBLE_EQ(f->aht_s, 85.0);
    EXPECT_DOUBLE_EQ(f->occupancy_pct, 85.0);
    EXPECT_EQ(f->waiting_now, 0u);
    EXPECT_EQ(f->agents_ready, 1u);
  }
  const AgentMetrics& am = m.agents[a];
  EXPECT_EQ(am.calls, 2u);
  EXPECT_EQ(am.talk_us, 150 * kSec);
  EXPECT_EQ(am.time_in_state.us[static_cast<int>(AgentState::kReady)], 30 * kSec);
  EXPECT_EQ(am.time_in_state.us[static_cast<int>(AgentState::kTalking)], 150 * kSec);
  EXPECT_EQ(am.time_in_state.us[static_cast<int>(AgentState::kWrapUp)], 20 * kSec);
  EXPECT_EQ(am.in_state_for_us, 30 * kSec);
  EXPECT_DOUBLE_EQ(am.occupancy_pct, 85.0);

  // A new interval starts from zero.
  t.ok(t.engine->reset_counters(200 * kSec));
  auto r = t.engine->metrics(210 * kSec);
  EXPECT_EQ(r.queues[q].counters.offered, 0u);
  EXPECT_TRUE(std::isnan(r.queues[q].service_level_pct));
  EXPECT_EQ(r.agents[a].time_in_state.us[static_cast<int>(AgentState::kReady)], 10 * kSec);
  EXPECT_EQ(r.agents[a].time_in_state.us[static_cast<int>(AgentState::kTalking)], 0);
  EXPECT_EQ(r.since_us, 200 * kSec);
}

// A queue's wait restarts when the caller overflows into it; a skill's runs
// from arrival. Caller arrives t=0 in q1, overflows at 30 s (max wait) to q2,
// answered at 40 s: q2 wait 10 s (within 20 s), skill wait 40 s (not).
TEST(AcdMetrics, QueueWaitsRestartOnOverflowSkillWaitsDoNot) {
  TestEngine t;
  SkillId s = t.skill("s", 20 * kSec);
  QueueConfig q1c;
  q1c.name = "q1";
  q1c.max_wait_us = 30 * kSec;
  QueueId q1 = t.queue(q1c);
  QueueId q2 = t.queue("q2");
  OverflowAction move;
  move.kind = OverflowKind::kQueue;
  move.queue = q2;
  t.ok(t.engine->set_overflow(q1, OverflowReason::kMaxWait, move));
  AgentId a = t.agent("a", {{s, 1}}, {q2});
  CallerId c = t.arrive(0, q1, s);
  t.ok(t.engine->tick(30 * kSec));
  t.ok(t.engine->log_in(40 * kSec, a));
  t.ok(t.engine->offer_answered(40 * kSec, a, c));
  auto m = t.engine->metrics(40 * kSec);
  EXPECT_EQ(m.queues[q1].counters.overflowed, 1u);
  EXPECT_DOUBLE_EQ(m.queues[q1].service_level_pct, 0.0);
  EXPECT_EQ(m.queues[q2].counters.answered_in_service_level, 1u);
  EXPECT_DOUBLE_EQ(m.queues[q2].asa_s, 10.0);
  EXPECT_EQ(m.skills[s].counters.offered, 1u);     // once per arrival, not per queue
  EXPECT_EQ(m.skills[s].counters.overflowed, 0u);  // moving between queues is not an outcome
  EXPECT_EQ(m.skills[s].counters.answered_in_service_level, 0u);
  EXPECT_DOUBLE_EQ(m.skills[s].asa_s, 40.0);
}

// The events of one call, in order.
TEST(AcdMetrics, EventStreamOfOneCall) {
  TestEngine t;
  QueueId q = t.queue("q");
  AgentId a = t.agent("a", {}, {q});
  t.ok(t.engine->log_in(0, a));
  CallerId c = t.arrive(1 * kSec, q);
  t.ok(t.engine->offer_ringing(2 * kSec, a, c));
  t.ok(t.engine->offer_answered(3 * kSec, a, c));
  t.ok(t.engine->call_ended(9 * kSec, a, c));
  std::vector<std::pair<EventKind, AgentState>> got;
  for (const Event& e : t.log.events) got.push_back({e.kind, e.to});
  using K = EventKind;
  using S = AgentState;
  std::vector<std::pair<EventKind, AgentState>> want = {
      {K::kAgentState, S::kReady},        {K::kAgentState, S::kReserved},
      {K::kCallerOffered, S::kLoggedOut}, {K::kAgentState, S::kRinging},
      {K::kAgentState, S::kTalking},      {K::kCallerAnswered, S::kLoggedOut},
      {K::kCallerEnded, S::kLoggedOut},   {K::kAgentState, S::kReady},
  };
  EXPECT_EQ(got, want);
  EXPECT_EQ(t.log.events[5].wait_us, 2 * kSec);
  EXPECT_EQ(t.log.events[6].at_us, 9 * kSec);
  t.engine->unsubscribe(&t.log);
  t.ok(t.engine->set_not_ready(10 * kSec, a, 1));
  EXPECT_EQ(t.log.events.size(), want.size());
}

TEST(AcdMetrics, JsonHasEveryMetricAndNullForUndefinedRatios) {
  TestEngine t;
  t.skill("s");
  QueueId q = t.queue("q");
  t.agent("a", {}, {q});
  JsonWriter j(false);
  j.begin_object();
  write_metrics(j, t.engine->metrics(0));
  j.end_object();
  const std::string& out = j.str();
  for (const char* key : {"\"waiting_now\":0", "\"longest_wait_s\":0", "\"offered\":0",
                          "\"answered\":0", "\"abandoned\":0", "\"service_level_pct\":null",
                          "\"asa_s\":null", "\"aht_s\":null", "\"occupancy_pct\":null",
                          "\"time_in_state_s\":{\"logged_out\":0", "\"calls\":0", "\"talk_s\":0"})
    EXPECT_NE(out.find(key), std::string::npos) << key << " in " << out;
}

TEST(AcdMetrics, JsonWriterEscapes) {
  JsonWriter j(false);
  j.begin_array().value("a\"b\\c\n\x01").value(1.5).value(std::nan("")).end_array();
  EXPECT_EQ(j.str(), "[\"a\\\"b\\\\c\\n\\u0001\",1.5,null]");
}

}  // namespace
}  // namespace trunkline::acd
