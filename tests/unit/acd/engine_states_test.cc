// Agent states and the transitions between them. Each test walks one
// agent through a short, hand-written timeline; the expected state after
// each step follows from the transition table in docs/acd.md.
#include <gtest/gtest.h>

#include "tests/unit/acd/acd_test_util.h"

namespace trunkline::acd {
namespace {

using testing::kSec;
using testing::TestEngine;

TEST(AcdAgentStates, LoginNotReadyReadyLogout) {
  TestEngine t;
  QueueId q = t.queue("q");
  AgentId a = t.agent("alice", {}, {q});
  EXPECT_EQ(t.state(a), AgentState::kLoggedOut);
  t.ok(t.engine->log_in(0, a));
  EXPECT_EQ(t.state(a), AgentState::kReady);
  EXPECT_TRUE(t.engine->agent(a)->offerable);
  t.ok(t.engine->set_not_ready(1 * kSec, a, 7));
  EXPECT_EQ(t.state(a), AgentState::kNotReady);
  EXPECT_EQ(t.engine->agent(a)->reason, 7);
  t.ok(t.engine->set_not_ready(2 * kSec, a, 9));  // a new reason is a new state change
  EXPECT_EQ(t.engine->agent(a)->reason, 9);
  t.ok(t.engine->set_ready(3 * kSec, a));
  EXPECT_EQ(t.state(a), AgentState::kReady);
  t.ok(t.engine->log_out(4 * kSec, a));
  EXPECT_EQ(t.state(a), AgentState::kLoggedOut);
  // Every change is on the event stream, in order.
  auto changes = t.log.of(EventKind::kAgentState);
  ASSERT_EQ(changes.size(), 5u);
  EXPECT_EQ(changes[0].to, AgentState::kReady);
  EXPECT_EQ(changes[1].to, AgentState::kNotReady);
  EXPECT_EQ(changes[2].reason, 9);
  EXPECT_EQ(changes[3].to, AgentState::kReady);
  EXPECT_EQ(changes[4].to, AgentState::kLoggedOut);
  EXPECT_EQ(changes[4].at_us, 4 * kSec);
}

TEST(AcdAgentStates, LoginNotReadyUsesTheLoginReason) {
  TestEngine t;
  AgentId a = t.agent("alice", {}, {t.queue("q")});
  t.ok(t.engine->log_in(0, a, /*ready=*/false));
  EXPECT_EQ(t.state(a), AgentState::kNotReady);
  EXPECT_EQ(t.engine->agent(a)->reason, kReasonLogin);
}

TEST(AcdAgentStates, InvalidTransitionsAreRefusedAndChangeNothing) {
  TestEngine t;
  QueueId q = t.queue("q");
  AgentId a = t.agent("alice", {}, {q});
  auto s = t.engine->log_out(0, a);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().message, "agent 'alice' (logged_out): not logged in");
  EXPECT_FALSE(t.engine->set_ready(0, a).ok());
  EXPECT_FALSE(t.engine->end_wrap_up(0, a).ok());
  EXPECT_TRUE(t.log.events.empty());

  t.ok(t.engine->log_in(0, a));
  std::size_t events = t.log.events.size();
  s = t.engine->log_in(0, a);
  EXPECT_EQ(s.error().message, "agent 'alice' (ready): already logged in");
  s = t.engine->set_ready(0, a);
  EXPECT_EQ(s.error().message, "agent 'alice' (ready): already ready");
  s = t.engine->end_wrap_up(0, a);
  EXPECT_EQ(s.error().message, "agent 'alice' (ready): not in wrap-up");
  s = t.engine->set_not_ready(0, a, kReasonUnansweredOffers);
  EXPECT_EQ(s.error().message, "not-ready reason 65001 is reserved (use 0..64999)");
  s = t.engine->offer_answered(0, a, make_caller_id(0, 0));
  EXPECT_FALSE(s.ok());
  s = t.engine->log_out(0, 99);
  EXPECT_EQ(s.error().message, "unknown agent 99");
  EXPECT_EQ(t.state(a), AgentState::kReady);
  EXPECT_EQ(t.log.events.size(), events);
}

TEST(AcdAgentStates, BusyAgentCannotLogOutOrGoNotReadyWhileOffered) {
  TestEngine t;
  QueueId q = t.queue("q");
  AgentId a = t.agent("alice", {}, {q});
  t.ok(t.engine->log_in(0, a));
  CallerId c = t.arrive(1 * kSec, q);
  EXPECT_EQ(t.state(a), AgentState::kReserved);
  EXPECT_FALSE(t.engine->log_out(1 * kSec, a).ok());
  auto s = t.engine->set_not_ready(1 * kSec, a, 3);
  EXPECT_EQ(s.error().message,
            "agent 'alice' (reserved): an offer is pending; answer or reject it first");
  t.ok(t.engine->offer_answered(2 * kSec, a, c));
  s = t.engine->log_out(2 * kSec, a);
  EXPECT_EQ(s.error().message, "agent 'alice' (talking): cannot log out during a call");
  EXPECT_EQ(t.state(a), AgentState::kTalking);
}

// One call from offer to ready: reserved, ringing, talking, wrap-up (30 s
// limit), ready. The wrap-up deadline fires at 10 + 60 + 30 = 100 s.
TEST(AcdAgentStates, CallCycleWithWrapUpLimit) {
  TestEngine t;
  QueueConfig qc;
  qc.name = "q";
  qc.wrap_up_us = 30 * kSec;
  QueueId q = t.queue(qc);
  AgentId a = t.agent("alice", {}, {q});
  t.ok(t.engine->log_in(0, a));
  CallerId c = t.arrive(10 * kSec, q);
  ASSERT_EQ(t.offered_agent(), a);
  EXPECT_EQ(t.decisions()[0].caller, c);
  EXPECT_EQ(t.state(a), AgentState::kReserved);
  t.ok(t.engine->offer_ringing(11 * kSec, a, c));
  EXPECT_EQ(t.state(a), AgentState::kRinging);
  std::size_t events = t.log.events.size();
  t.ok(t.engine->offer_ringing(11 * kSec, a, c));  // a second 180 changes nothing
  EXPECT_EQ(t.log.events.size(), events);
  t.ok(t.engine->offer_answered(12 * kSec, a, c));
  EXPECT_EQ(t.state(a), AgentState::kTalking);
  EXPECT_EQ(t.engine->caller(c)->state, CallerState::kConnected);
  t.ok(t.engine->call_ended(72 * kSec, a, c));
  EXPECT_EQ(t.state(a), AgentState::kWrapUp);
  EXPECT_FALSE(t.engine->caller(c).ok());  // the caller is gone
  EXPECT_EQ(t.engine->next_deadline_us(), 102 * kSec);
  t.ok(t.engine->tick(101 * kSec));
  EXPECT_EQ(t.state(a), AgentState::kWrapUp);
  t.ok(t.engine->tick(102 * kSec));
  EXPECT_EQ(t.state(a), AgentState::kReady);
  auto m = t.engine->metrics(102 * kSec);
  EXPECT_EQ(m.agents[a].time_in_state.us[static_cast<int>(AgentState::kWrapUp)], 30 * kSec);
  EXPECT_EQ(m.agents[a].time_in_state.us[static_cast<int>(AgentState::kTalking)], 60 * kSec);
  EXPECT_EQ(m.agents[a].time_in_state.us[static_cast<int>(AgentState::kRinging)], 1 * kSec);
  EXPECT_EQ(m.agents[a].time_in_state.us[static_cast<int>(AgentState::kReserved)], 1 * kSec);
}

// The agent ends wrap-up after 5 s; the 30 s deadline later finds a newer
// state and does nothing.
TEST(AcdAgentStates, AgentEndsWrapUpEarly) {
  TestEngine t;
  QueueConfig qc;
  qc.name = "q";
  qc.wrap_up_us = 30 * kSec;
  QueueId q = t.queue(qc);
  AgentId a = t.agent("alice", {}, {q});
  t.ok(t.engine->log_in(0, a));
  t.arrive(0, q);
  t.complete_call(10 * kSec, a);
  t.ok(t.engine->end_wrap_up(15 * kSec, a));
  EXPECT_EQ(t.state(a), AgentState::kReady);
  t.ok(t.engine->set_not_ready(20 * kSec, a, 4));
  t.ok(t.engine->tick(40 * kSec));
  EXPECT_EQ(t.state(a), AgentState::kNotReady);
  EXPECT_EQ(t.engine->agent(a)->reason, 4);
}

TEST(AcdAgentStates, WrapUpUntilTheAgentEndsIt) {
  TestEngine t;
  QueueConfig qc;
  qc.name = "q";
  qc.wrap_up_us = kNever;
  QueueId q = t.queue(qc);
  AgentId a = t.agent("alice", {}, {q});
  t.ok(t.engine->log_in(0, a));
  t.arrive(0, q);
  t.complete_call(10 * kSec, a);
  EXPECT_EQ(t.engine->next_deadline_us(), kNever);
  t.ok(t.engine->tick(100'000 * kSec));
  EXPECT_EQ(t.state(a), AgentState::kWrapUp);
  t.ok(t.engine->set_ready(100'001 * kSec, a));
  EXPECT_EQ(t.state(a), AgentState::kReady);
}

TEST(AcdAgentStates, NoWrapUpGoesStraightToReady) {
  TestEngine t;
  QueueId q = t.queue("q");
  AgentId a = t.agent("alice", {}, {q});
  t.ok(t.engine->log_in(0, a));
  t.arrive(0, q);
  t.complete_call(10 * kSec, a);
  EXPECT_EQ(t.state(a), AgentState::kReady);
}

// Not ready asked for during a call takes effect once the wrap-up is over.
TEST(AcdAgentStates, NotReadyDuringCallAppliesAfterWrapUp) {
  TestEngine t;
  QueueConfig qc;
  qc.name = "q";
  qc.wrap_up_us = 10 * kSec;
  QueueId q = t.queue(qc);
  AgentId a = t.agent("alice", {}, {q});
  t.ok(t.engine->log_in(0, a));
  CallerId c = t.arrive(0, q);
  t.ok(t.engine->offer_answered(1 * kSec, a, c));
  t.ok(t.engine->set_not_ready(5 * kSec, a, 12));
  EXPECT_EQ(t.state(a), AgentState::kTalking);
  t.ok(t.engine->call_ended(20 * kSec, a, c));
  EXPECT_EQ(t.state(a), AgentState::kWrapUp);
  t.ok(t.engine->tick(30 * kSec));
  EXPECT_EQ(t.state(a), AgentState::kNotReady);
  EXPECT_EQ(t.engine->agent(a)->reason, 12);
}

// max_unanswered_offers = 2: two no-answers in a row put the agent not ready
// with the engine's reason; a reject in between shows the agent is there and
// starts the count again.
TEST(AcdAgentStates, AutoNotReadyAfterUnansweredOffers) {
  EngineConfig ec;
  ec.max_unanswered_offers = 2;
  TestEngine t(ec);
  QueueId q = t.queue("q");
  AgentId a = t.agent("alice", {}, {q});
  t.ok(t.engine->log_in(0, a));
  CallerId c = t.arrive(0, q);
  t.ok(t.engine->offer_failed(20 * kSec, a, c, OfferFailure::kNoAnswer));
  // Delay 0: the same agent is offered the same caller again at once.
  ASSERT_EQ(t.offered_agent(), a);
  t.ok(t.engine->offer_failed(25 * kSec, a, c, OfferFailure::kRejected));
  ASSERT_EQ(t.offered_agent(), a);
  t.ok(t.engine->offer_failed(45 * kSec, a, c, OfferFailure::kNoAnswer));
  EXPECT_EQ(t.state(a), AgentState::kReserved);  // one unanswered since the reject
  t.ok(t.engine->offer_failed(65 * kSec, a, c, OfferFailure::kNoAnswer));
  EXPECT_EQ(t.state(a), AgentState::kNotReady);
  EXPECT_EQ(t.engine->agent(a)->reason, kReasonUnansweredOffers);
  EXPECT_EQ(t.engine->caller(c)->state, CallerState::kWaiting);
  // Back to ready: the caller is offered again and the count starts afresh.
  t.ok(t.engine->set_ready(70 * kSec, a));
  EXPECT_EQ(t.offered_agent(), a);
}

// Delays after a failed offer: busy 5 s, reject 10 s, no answer 20 s. The
// caller waits meanwhile and is offered the moment the delay ends.
TEST(AcdAgentStates, DelayAfterFailedOfferBeforeTheNextOne) {
  EngineConfig ec;
  ec.busy_delay_us = 5 * kSec;
  ec.reject_delay_us = 10 * kSec;
  ec.no_answer_delay_us = 20 * kSec;
  TestEngine t(ec);
  QueueId q = t.queue("q");
  AgentId a = t.agent("alice", {}, {q});
  t.ok(t.engine->log_in(0, a));
  CallerId c = t.arrive(0, q);
  t.ok(t.engine->offer_failed(1 * kSec, a, c, OfferFailure::kRejected));
  EXPECT_EQ(t.state(a), AgentState::kReady);
  EXPECT_FALSE(t.engine->agent(a)->offerable);
  EXPECT_EQ(t.engine->next_deadline_us(), 11 * kSec);
  t.ok(t.engine->tick(10'999'999));
  EXPECT_EQ(t.state(a), AgentState::kReady);
  t.ok(t.engine->tick(11 * kSec));
  EXPECT_EQ(t.offered_agent(), a);
  t.ok(t.engine->offer_failed(12 * kSec, a, c, OfferFailure::kBusy));
  EXPECT_EQ(t.engine->next_deadline_us(), 17 * kSec);
  t.ok(t.engine->tick(17 * kSec));
  EXPECT_EQ(t.offered_agent(), a);
  t.ok(t.engine->offer_failed(18 * kSec, a, c, OfferFailure::kNoAnswer));
  EXPECT_EQ(t.engine->next_deadline_us(), 38 * kSec);
  // Going not ready and then ready again is the agent's own choice to take
  // calls: it ends the delay, and the caller is offered at once.
  t.ok(t.engine->set_not_ready(20 * kSec, a, 1));
  t.ok(t.engine->set_ready(21 * kSec, a));
  EXPECT_EQ(t.offered_agent(), a);
}

// ring_timeout 15 s: the engine withdraws the offer itself (a cancel
// decision), counts it unanswered and offers the caller to the next agent.
TEST(AcdAgentStates, RingTimeoutWithdrawsTheOffer) {
  EngineConfig ec;
  ec.no_answer_delay_us = 30 * kSec;
  TestEngine t(ec);
  QueueConfig qc;
  qc.name = "q";
  qc.ring_timeout_us = 15 * kSec;
  QueueId q = t.queue(qc);
  AgentId a = t.agent("alice", {}, {q});
  AgentId b = t.agent("bob", {}, {q});
  t.ok(t.engine->log_in(0, a));
  t.ok(t.engine->log_in(1 * kSec, b));
  CallerId c = t.arrive(2 * kSec, q);
  ASSERT_EQ(t.offered_agent(), a);  // longest idle
  t.ok(t.engine->offer_ringing(3 * kSec, a, c));
  t.ok(t.engine->tick(17 * kSec));
  auto cancels = t.decisions(DecisionKind::kCancelOffer);
  ASSERT_EQ(cancels.size(), 1u);
  EXPECT_EQ(cancels[0].agent, a);
  EXPECT_EQ(t.offered_agent(), b);
  EXPECT_EQ(t.engine->agent(a)->unanswered_in_row, 1u);
  EXPECT_FALSE(t.engine->agent(a)->offerable);
  // A late answer from alice is refused: she no longer has the offer.
  EXPECT_FALSE(t.engine->offer_answered(18 * kSec, a, c).ok());
}

TEST(AcdAgentStates, TimeGoingBackwardsIsRefused) {
  TestEngine t;
  AgentId a = t.agent("alice", {}, {t.queue("q")});
  t.ok(t.engine->log_in(10 * kSec, a));
  auto s = t.engine->set_not_ready(9 * kSec, a, 1);
  EXPECT_EQ(s.error().message,
            "time went backwards: now_us=9000000 is before the last call's 10000000");
  EXPECT_EQ(t.state(a), AgentState::kReady);
}

TEST(AcdAgentStates, LogoutDuringWrapUpCountsTheWrapUp) {
  TestEngine t;
  QueueConfig qc;
  qc.name = "q";
  qc.wrap_up_us = kNever;
  QueueId q = t.queue(qc);
  AgentId a = t.agent("alice", {}, {q});
  t.ok(t.engine->log_in(0, a));
  t.arrive(0, q);
  t.complete_call(10 * kSec, a);
  t.ok(t.engine->log_out(25 * kSec, a));
  EXPECT_EQ(t.state(a), AgentState::kLoggedOut);
  EXPECT_EQ(t.engine->metrics(25 * kSec).queues[q].counters.wrap_up_us, 15 * kSec);
}

}  // namespace
}  // namespace trunkline::acd
