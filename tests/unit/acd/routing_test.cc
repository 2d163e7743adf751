// Which caller an agent gets, and which agents may get a caller: skills,
// proficiency expansion, priorities and ageing, queue priority, and what
// happens to callers whose offer fails or who hang up while ringing.
// Scores: 100 points per priority level (queue + caller) plus the queue's
// ageing points per second waited; worked out by hand in each test.
#include <gtest/gtest.h>

#include "control/acd/tenant_engines.h"
#include "tests/unit/acd/acd_test_util.h"

namespace trunkline::acd {
namespace {

using testing::kSec;
using testing::TestEngine;

// Caller x: priority 0, arrived t=0. Caller y: priority 1, arrived t=50.
// At t=60 with ageing 1/s: x = 0 + 60 = 60, y = 100 + 10 = 110 -> y.
// With ageing 3/s: x = 180, y = 100 + 30 = 130 -> x.
CallerId first_served(std::int64_t ageing_milli_per_s, CallerId* x_out, CallerId* y_out) {
  TestEngine t;
  QueueConfig qc;
  qc.name = "q";
  qc.ageing_milli_per_s = ageing_milli_per_s;
  QueueId q = t.queue(qc);
  AgentId a = t.agent("a", {}, {q});
  *x_out = t.arrive(0, q, kNoSkill, 0);
  *y_out = t.arrive(50 * kSec, q, kNoSkill, 1);
  t.ok(t.engine->log_in(60 * kSec, a));
  return t.holding(a);
}

TEST(AcdRouting, PriorityAndAgeing) {
  CallerId x, y;
  EXPECT_EQ(first_served(1000, &x, &y), y);
  EXPECT_EQ(first_served(3000, &x, &y), x);
}

TEST(AcdRouting, SamePriorityIsFirstComeFirstServed) {
  TestEngine t;
  QueueId q = t.queue("q");
  AgentId a = t.agent("a", {}, {q});
  CallerId c1 = t.arrive(0, q);
  CallerId c2 = t.arrive(1, q);
  CallerId c3 = t.arrive(2, q);
  t.ok(t.engine->log_in(10 * kSec, a));
  EXPECT_EQ(t.holding(a), c1);
  t.complete_call(11 * kSec, a);
  EXPECT_EQ(t.holding(a), c2);
  t.complete_call(12 * kSec, a);
  EXPECT_EQ(t.holding(a), c3);
}

// The agent serves queues low (priority 0) and high (priority 2). Caller in
// low arrived t=0, caller in high t=100; at t=150 with ageing 1/s:
// low = 0 + 150 = 150, high = 200 + 50 = 250 -> high. At t=400 (had the
// high caller arrived at 390): low = 400, high = 200 + 10 = 210 -> low.
TEST(AcdRouting, QueuePriorityAcrossTheAgentsQueues) {
  for (std::int64_t high_arrives : {100, 390}) {
    TestEngine t;
    QueueConfig low;
    low.name = "low";
    QueueConfig high;
    high.name = "high";
    high.priority = 2;
    QueueId ql = t.queue(low), qh = t.queue(high);
    AgentId a = t.agent("a", {}, {ql, qh});
    CallerId cl = t.arrive(0, ql);
    CallerId ch = t.arrive(high_arrives * kSec, qh);
    t.ok(t.engine->log_in((high_arrives + (high_arrives == 100 ? 50 : 10)) * kSec, a));
    EXPECT_EQ(t.holding(a), high_arrives == 100 ? ch : cl) << high_arrives;
  }
}

// A caller with the line skill "sales" and the incoming skill "english"
// needs an agent holding both.
TEST(AcdRouting, LineAndIncomingSkillsAreBothRequired) {
  TestEngine t;
  SkillId sales = t.skill("sales"), english = t.skill("english");
  QueueId q = t.queue("q");
  AgentId only_sales = t.agent("only_sales", {{sales, 5}}, {q});
  AgentId both = t.agent("both", {{sales, 2}, {english, 3}}, {q});
  t.ok(t.engine->log_in(0, only_sales));
  CallerId c = t.arrive(1 * kSec, q, sales, 0, english);
  EXPECT_TRUE(t.decisions(DecisionKind::kOffer).empty());
  EXPECT_EQ(t.engine->caller(c)->state, CallerState::kWaiting);
  t.ok(t.engine->log_in(2 * kSec, both));
  EXPECT_EQ(t.holding(both), c);
  // A caller with only the line skill may go to either.
  CallerId d = t.arrive(3 * kSec, q, sales);
  EXPECT_EQ(t.holding(only_sales), d);
}

// Expansion: proficiency 4 from the start, 2 after 10 s, 1 after 20 s.
// An agent at level 2 gets the caller exactly at 10 s; one at level 1 at 20 s.
TEST(AcdRouting, SkillRequirementExpandsOverTime) {
  for (std::uint8_t level : {2, 1}) {
    TestEngine t;
    SkillId s = t.skill("s");
    QueueConfig qc;
    qc.name = "q";
    qc.expansion = {{0, 4}, {10 * kSec, 2}, {20 * kSec, 1}};
    QueueId q = t.queue(qc);
    AgentId a = t.agent("a", {{s, level}}, {q});
    t.ok(t.engine->log_in(0, a));
    CallerId c = t.arrive(5 * kSec, q, s);
    EXPECT_EQ(t.engine->caller(c)->min_proficiency, 4);
    std::int64_t due = (level == 2 ? 15 : 25) * kSec;
    t.ok(t.engine->tick(due - 1));
    EXPECT_EQ(t.state(a), AgentState::kReady) << int(level);
    t.ok(t.engine->tick(due));
    EXPECT_EQ(t.holding(a), c) << int(level);
  }
}

// Expansion does not block a better agent: a level-5 agent who logs in gets
// the caller at once.
TEST(AcdRouting, QualifiedAgentTakesTheCallerBeforeExpansion) {
  TestEngine t;
  SkillId s = t.skill("s");
  QueueConfig qc;
  qc.name = "q";
  qc.expansion = {{0, 4}, {30 * kSec, 1}};
  QueueId q = t.queue(qc);
  AgentId weak = t.agent("weak", {{s, 1}}, {q});
  AgentId strong = t.agent("strong", {{s, 5}}, {q});
  t.ok(t.engine->log_in(0, weak));
  CallerId c = t.arrive(1 * kSec, q, s);
  t.ok(t.engine->log_in(2 * kSec, strong));
  EXPECT_EQ(t.holding(strong), c);
  t.ok(t.engine->tick(60 * kSec));
  EXPECT_EQ(t.state(weak), AgentState::kReady);
}

// An agent is offered only callers of queues it belongs to.
TEST(AcdRouting, OnlyMembersOfTheQueue) {
  TestEngine t;
  QueueId q1 = t.queue("q1"), q2 = t.queue("q2");
  AgentId a = t.agent("a", {}, {q1});
  t.ok(t.engine->log_in(0, a));
  CallerId c = t.arrive(1 * kSec, q2);
  EXPECT_EQ(t.state(a), AgentState::kReady);
  EXPECT_EQ(t.engine->caller(c)->state, CallerState::kWaiting);
}

// c1 (t=0) is offered to a and rejected; c2 arrived at t=1. With a second
// agent b logging in later, c1 (the older) is still served first: it went
// back to its place, not to the end.
TEST(AcdRouting, FailedOfferKeepsTheCallersPlace) {
  EngineConfig ec;
  ec.reject_delay_us = 60 * kSec;
  TestEngine t(ec);
  QueueId q = t.queue("q");
  AgentId a = t.agent("a", {}, {q});
  AgentId b = t.agent("b", {}, {q});
  t.ok(t.engine->log_in(0, a));
  CallerId c1 = t.arrive(0, q);
  CallerId c2 = t.arrive(1, q);
  t.ok(t.engine->offer_failed(5 * kSec, a, c1, OfferFailure::kRejected));
  auto music = t.decisions(DecisionKind::kPlayMusic);
  ASSERT_EQ(music.size(), 1u);
  EXPECT_EQ(music[0].caller, c1);
  t.ok(t.engine->log_in(6 * kSec, b));
  EXPECT_EQ(t.holding(b), c1);
  t.ok(t.engine->tick(65 * kSec));  // a's reject delay is over
  EXPECT_EQ(t.holding(a), c2);
}

// The caller hangs up while a rings: the offer is withdrawn, the abandon is
// recorded, and a keeps its place as the longest idle (b logged in later).
TEST(AcdRouting, CallerHangsUpWhileRinging) {
  TestEngine t;
  QueueId q = t.queue("q");
  AgentId a = t.agent("a", {}, {q});
  AgentId b = t.agent("b", {}, {q});
  t.ok(t.engine->log_in(0, a));
  CallerId c = t.arrive(1 * kSec, q);
  ASSERT_EQ(t.holding(a), c);
  t.ok(t.engine->offer_ringing(2 * kSec, a, c));
  t.ok(t.engine->log_in(3 * kSec, b));
  t.ok(t.engine->caller_abandoned(4 * kSec, c));
  auto cancels = t.decisions(DecisionKind::kCancelOffer);
  ASSERT_EQ(cancels.size(), 1u);
  EXPECT_EQ(cancels[0].agent, a);
  EXPECT_EQ(t.state(a), AgentState::kReady);
  auto abandons = t.log.of(EventKind::kCallerAbandoned);
  ASSERT_EQ(abandons.size(), 1u);
  EXPECT_EQ(abandons[0].wait_us, 3 * kSec);
  EXPECT_EQ(t.engine->metrics(4 * kSec).queues[q].counters.abandoned, 1u);
  t.arrive(5 * kSec, q);
  EXPECT_EQ(t.offered_agent(), a);  // still the longest idle (since t=0)
  // A hang-up reported twice is refused: the caller is gone.
  EXPECT_FALSE(t.engine->caller_abandoned(6 * kSec, c).ok());
}

TEST(AcdRouting, ArrivalsWithBadInputAreRefused) {
  TestEngine t;
  QueueId q = t.queue("q");
  Arrival bad;
  bad.queue = 7;
  EXPECT_EQ(t.engine->caller_arrives(0, bad).error().message, "unknown queue 7");
  bad.queue = q;
  bad.priority = 10;
  EXPECT_EQ(t.engine->caller_arrives(0, bad).error().message, "caller priority 10 is outside 0..9");
  bad.priority = 0;
  bad.line_skill = 3;
  EXPECT_EQ(t.engine->caller_arrives(0, bad).error().message, "unknown skill 3");
  EXPECT_EQ(t.engine->callers_in_system(), 0u);
}

TEST(AcdRouting, CallerTableFullIsRefused) {
  EngineConfig ec;
  ec.limits.max_callers = 2;
  TestEngine t(ec);
  QueueId q = t.queue("q");
  t.arrive(0, q);
  t.arrive(0, q);
  Arrival a;
  a.queue = q;
  EXPECT_EQ(t.engine->caller_arrives(0, a).error().message, "caller table full (max_callers=2)");
}

// Two tenants' engines: same queue names, same agent names, nothing shared.
TEST(AcdRouting, TenantsShareNothing) {
  TenantEngines tenants;
  Engine* a = *tenants.add(1, EngineConfig{});
  Engine* b = *tenants.add(2, EngineConfig{});
  EXPECT_FALSE(tenants.add(1, EngineConfig{}).ok());
  EXPECT_EQ(tenants.find(3), nullptr);
  QueueConfig qc;
  qc.name = "support";
  QueueId qa = *a->add_queue(qc);
  QueueId qb = *b->add_queue(qc);
  AgentId agent_b = *b->add_agent(AgentConfig{"alice", {}, {qb}});
  ASSERT_TRUE(b->log_in(0, agent_b).ok());
  Arrival arrival;
  arrival.queue = qa;
  CallerId c = *a->caller_arrives(1, arrival);
  // Tenant A has no agent: its caller waits; tenant B's ready agent is not offered it.
  EXPECT_TRUE(a->decisions().size() == 1 && a->decisions()[0].kind == DecisionKind::kPlayMusic);
  EXPECT_EQ(b->agent(agent_b)->state, AgentState::kReady);
  EXPECT_FALSE(b->caller(c).ok());
  EXPECT_EQ(b->callers_in_system(), 0u);
  EXPECT_EQ(a->metrics(2).queues[qa].waiting_now, 1u);
  EXPECT_EQ(b->metrics(2).queues[qb].waiting_now, 0u);
  EXPECT_TRUE(tenants.remove(2).ok());
  EXPECT_FALSE(tenants.remove(2).ok());
  EXPECT_EQ(tenants.size(), 1u);
}

}  // namespace
}  // namespace trunkline::acd
