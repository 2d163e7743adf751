// Queue limits and overflow: maximum waiting callers, maximum wait, no agent
// logged in, overflow to a queue / announcement / external number, refusal,
// and the hop limit that stops overflow loops.
#include <gtest/gtest.h>

#include "tests/unit/acd/acd_test_util.h"

namespace trunkline::acd {
namespace {

using testing::kSec;
using testing::TestEngine;

OverflowAction refuse(std::uint16_t status) {
  OverflowAction a;
  a.kind = OverflowKind::kRefuse;
  a.sip_status = status;
  return a;
}

OverflowAction to_queue(QueueId q) {
  OverflowAction a;
  a.kind = OverflowKind::kQueue;
  a.queue = q;
  return a;
}

// max_waiting 2, nobody logged in: callers 1 and 2 wait, caller 3 is refused
// with 486 (the carrier reroutes it). It counts as offered and overflowed.
TEST(AcdQueueLimits, MaxWaitingRefusesTheNextCaller) {
  TestEngine t;
  QueueConfig qc;
  qc.name = "q";
  qc.max_waiting = 2;
  qc.greeting_announcement = 11;
  qc.music = 3;
  QueueId q = t.queue(qc);
  t.ok(t.engine->set_overflow(q, OverflowReason::kQueueFull, refuse(486)));
  CallerId c1 = t.arrive(0, q);
  auto d = t.decisions();
  ASSERT_EQ(d.size(), 2u);
  EXPECT_EQ(d[0].kind, DecisionKind::kPlayAnnouncement);
  EXPECT_EQ(d[0].resource, 11u);
  EXPECT_EQ(d[1].kind, DecisionKind::kPlayMusic);
  EXPECT_EQ(d[1].resource, 3u);
  EXPECT_EQ(d[1].caller, c1);
  t.arrive(1 * kSec, q);
  CallerId c3 = t.arrive(2 * kSec, q);
  d = t.decisions();
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].kind, DecisionKind::kRefuse);
  EXPECT_EQ(d[0].resource, 486u);
  EXPECT_EQ(d[0].reason, OverflowReason::kQueueFull);
  EXPECT_EQ(d[0].caller, c3);
  EXPECT_FALSE(t.engine->caller(c3).ok());
  auto m = t.engine->metrics(2 * kSec);
  EXPECT_EQ(m.queues[q].counters.offered, 3u);
  EXPECT_EQ(m.queues[q].counters.overflowed, 1u);
  EXPECT_EQ(m.queues[q].waiting_now, 2u);
  EXPECT_EQ(t.log.of(EventKind::kCallerRefused).size(), 1u);
}

// A full queue still hands a caller to a free agent that qualifies.
TEST(AcdQueueLimits, FullQueueStillOffersToAFreeAgent) {
  TestEngine t;
  SkillId s = t.skill("s"), other = t.skill("other");
  QueueConfig qc;
  qc.name = "q";
  qc.max_waiting = 1;
  QueueId q = t.queue(qc);
  AgentId a = t.agent("a", {{other, 1}}, {q});
  t.arrive(0, q, s);  // waits: a lacks s
  t.ok(t.engine->log_in(1 * kSec, a));
  CallerId c = t.arrive(2 * kSec, q, other);
  EXPECT_EQ(t.holding(a), c);
}

// max_wait 30 s, then overflow to queue "backup", where agent b takes it.
// In "backup" the caller's wait starts again (entered at 30 s) and the move
// counts as overflowed in "front" and offered in "backup".
TEST(AcdQueueLimits, MaxWaitOverflowsToAnotherQueue) {
  TestEngine t;
  QueueConfig front;
  front.name = "front";
  front.max_wait_us = 30 * kSec;
  QueueId qf = t.queue(front);
  QueueId qb = t.queue("backup");
  t.ok(t.engine->set_overflow(qf, OverflowReason::kMaxWait, to_queue(qb)));
  AgentId b = t.agent("b", {}, {qb});
  t.ok(t.engine->log_in(0, b));
  t.ok(t.engine->set_not_ready(0, b, 1));
  CallerId c = t.arrive(0, qf);
  EXPECT_EQ(t.engine->next_deadline_us(), 30 * kSec);
  t.ok(t.engine->tick(30 * kSec));
  auto d = t.decisions();
  ASSERT_GE(d.size(), 2u);
  EXPECT_EQ(d[0].kind, DecisionKind::kOverflowToQueue);
  EXPECT_EQ(d[0].queue, qb);
  EXPECT_EQ(d[0].reason, OverflowReason::kMaxWait);
  EXPECT_EQ(t.engine->caller(c)->queue, qb);
  EXPECT_EQ(t.engine->caller(c)->entered_queue_us, 30 * kSec);
  t.ok(t.engine->set_ready(40 * kSec, b));
  EXPECT_EQ(t.holding(b), c);
  t.ok(t.engine->offer_answered(40 * kSec, b, c));
  auto m = t.engine->metrics(40 * kSec);
  EXPECT_EQ(m.queues[qf].counters.overflowed, 1u);
  EXPECT_EQ(m.queues[qb].counters.offered, 1u);
  EXPECT_EQ(m.queues[qb].counters.answered_wait_us, 10 * kSec);
}

// A caller being offered when its max wait passes keeps the offer; if the
// offer fails afterwards, it overflows then.
TEST(AcdQueueLimits, MaxWaitDuringAnOfferWaitsForTheOutcome) {
  EngineConfig ec;
  ec.reject_delay_us = 100 * kSec;
  TestEngine t(ec);
  QueueConfig qc;
  qc.name = "q";
  qc.max_wait_us = 30 * kSec;
  QueueId q = t.queue(qc);
  OverflowAction ann;
  ann.kind = OverflowKind::kAnnouncement;
  ann.announcement = 9;
  t.ok(t.engine->set_overflow(q, OverflowReason::kMaxWait, ann));
  AgentId a = t.agent("a", {}, {q});
  CallerId c = t.arrive(0, q);
  t.ok(t.engine->log_in(25 * kSec, a));
  ASSERT_EQ(t.holding(a), c);
  t.ok(t.engine->tick(35 * kSec));
  EXPECT_EQ(t.state(a), AgentState::kReserved);
  t.ok(t.engine->offer_failed(36 * kSec, a, c, OfferFailure::kRejected));
  auto d = t.decisions(DecisionKind::kOverflowToAnnouncement);
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].resource, 9u);
  EXPECT_FALSE(t.engine->caller(c).ok());
}

// when_no_agents = overflow: with nobody logged in, an arrival goes to the
// external number at once; a caller waiting when the last qualified agent
// logs out goes too. A not-ready agent is logged in, so callers wait.
TEST(AcdQueueLimits, NoAgentsLoggedInOverflows) {
  TestEngine t;
  SkillId s = t.skill("s");
  QueueConfig qc;
  qc.name = "q";
  qc.when_no_agents = NoAgentsPolicy::kOverflow;
  QueueId q = t.queue(qc);
  OverflowAction ext;
  ext.kind = OverflowKind::kExternal;
  ext.external_number = "+81312345678";
  t.ok(t.engine->set_overflow(q, OverflowReason::kNoAgents, ext));
  AgentId a = t.agent("a", {{s, 3}}, {q});
  AgentId other = t.agent("other", {}, {q});  // logged in, but lacks skill s
  t.ok(t.engine->log_in(0, other, false));
  t.arrive(1 * kSec, q, s);
  auto d = t.decisions();
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].kind, DecisionKind::kOverflowToExternal);
  EXPECT_EQ(d[0].external_number, "+81312345678");
  EXPECT_EQ(d[0].reason, OverflowReason::kNoAgents);

  t.ok(t.engine->log_in(2 * kSec, a, false));  // not ready, but logged in
  CallerId c = t.arrive(3 * kSec, q, s);
  EXPECT_EQ(t.engine->caller(c)->state, CallerState::kWaiting);
  t.ok(t.engine->log_out(4 * kSec, a));
  d = t.decisions(DecisionKind::kOverflowToExternal);
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].caller, c);
  EXPECT_EQ(t.engine->callers_in_system(), 0u);
}

// when_no_agents = wait (the default): callers wait with nobody logged in.
TEST(AcdQueueLimits, NoAgentsWaitPolicyKeepsCallers) {
  TestEngine t;
  QueueId q = t.queue("q");
  CallerId c = t.arrive(0, q);
  t.ok(t.engine->tick(3600 * kSec));
  EXPECT_EQ(t.engine->caller(c)->state, CallerState::kWaiting);
}

// a (full) -> b (full) -> a ... each queue holds one caller; a third caller
// bounces between them. After kMaxOverflowHops (8) moves the hop-limit
// action (default: refuse 503) ends it.
TEST(AcdQueueLimits, OverflowLoopsStopAtTheHopLimit) {
  TestEngine t;
  QueueConfig a;
  a.name = "a";
  a.max_waiting = 1;
  QueueConfig b = a;
  b.name = "b";
  QueueId qa = t.queue(a), qb = t.queue(b);
  t.ok(t.engine->set_overflow(qa, OverflowReason::kQueueFull, to_queue(qb)));
  t.ok(t.engine->set_overflow(qb, OverflowReason::kQueueFull, to_queue(qa)));
  t.arrive(0, qa);
  t.arrive(0, qb);
  t.arrive(1, qa);
  EXPECT_EQ(t.decisions(DecisionKind::kOverflowToQueue).size(), 8u);
  auto r = t.decisions(DecisionKind::kRefuse);
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].resource, 503u);
  EXPECT_EQ(r[0].reason, OverflowReason::kHopLimit);
  EXPECT_EQ(t.engine->callers_in_system(), 2u);
}

TEST(AcdQueueLimits, BadOverflowActionsAreRefused) {
  TestEngine t;
  QueueId q = t.queue("q");
  auto s = t.engine->set_overflow(q, OverflowReason::kMaxWait, to_queue(q));
  EXPECT_EQ(s.error().message,
            "queue 'q' overflow on max_wait: overflow queue: a queue cannot overflow into itself");
  s = t.engine->set_overflow(q, OverflowReason::kMaxWait, to_queue(5));
  EXPECT_EQ(s.error().message,
            "queue 'q' overflow on max_wait: overflow queue: target queue 5 does not exist");
  OverflowAction ext;
  ext.kind = OverflowKind::kExternal;
  ext.external_number = "03-1234";
  s = t.engine->set_overflow(q, OverflowReason::kMaxWait, ext);
  EXPECT_FALSE(s.ok());
  s = t.engine->set_overflow(q, OverflowReason::kMaxWait, refuse(200));
  EXPECT_EQ(s.error().message,
            "queue 'q' overflow on max_wait: overflow refuse: sip_status must be 400..699");
  EXPECT_EQ(t.engine->queue_config(q).overflow[1].kind, OverflowKind::kRefuse);
  EXPECT_EQ(t.engine->queue_config(q).overflow[1].sip_status, 503);
}

TEST(AcdQueueLimits, BadQueueConfigsAreRefused) {
  TestEngine t;
  QueueConfig qc;
  qc.name = "q";
  qc.expansion = {{0, 3}, {10 * kSec, 4}};
  EXPECT_EQ(t.engine->add_queue(qc).error().message,
            "queue 'q' expansion step 2: min_proficiency must be lower than the previous step's");
  qc.expansion = {{5 * kSec, 3}};
  EXPECT_EQ(t.engine->add_queue(qc).error().message,
            "queue 'q' expansion step 1: the first step must start at 0 s");
  qc.expansion = {};
  qc.priority = 10;
  EXPECT_EQ(t.engine->add_queue(qc).error().message, "queue 'q' priority: must be 0..9");
  EXPECT_EQ(t.engine->queue_count(), 0u);
  qc.priority = 0;
  t.queue(qc);
  EXPECT_EQ(t.engine->add_queue(qc).error().message, "queue 'q' already exists");
}

}  // namespace
}  // namespace trunkline::acd
