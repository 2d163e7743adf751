// Agent-selection strategies. The selector tests feed hand-made candidates
// (in free-list order, longest idle first) and the expected pick follows from
// each strategy's key with ties to the earlier candidate. The engine tests
// build a queue whose member order differs from the login (idle) order, so
// each strategy gives a different, hand-derived sequence.
#include <gtest/gtest.h>

#include <map>

#include "tests/unit/acd/acd_test_util.h"

namespace trunkline::acd {
namespace {

using testing::kSec;
using testing::TestEngine;

// In idle order: A longest idle.
const Candidate kA{10, 2, 3, 5, 100};
const Candidate kB{11, 0, 5, 2, 300};
const Candidate kC{12, 1, 5, 2, 50};
const Candidate kD{13, 3, 1, 9, 50};

AgentId pick(Strategy s, std::uint32_t last_position = kNil, SplitMix64* rng = nullptr) {
  AgentSelector sel(s, last_position, 4, rng);
  for (const Candidate& c : {kA, kB, kC, kD}) {
    if (sel.settled()) break;
    sel.consider(c);
  }
  return sel.has_choice() ? sel.choice().agent : kNoAgent;
}

TEST(AcdStrategy, SelectorKeysAndTieBreaks) {
  EXPECT_EQ(pick(Strategy::kLongestIdle), kA.agent);
  EXPECT_EQ(pick(Strategy::kFewestCalls), kB.agent);      // B and C have 2; B is earlier
  EXPECT_EQ(pick(Strategy::kLeastTalkTime), kC.agent);    // C and D have 50 s; C is earlier
  EXPECT_EQ(pick(Strategy::kLinear), kB.agent);           // position 0
  EXPECT_EQ(pick(Strategy::kBestProficiency), kB.agent);  // B and C have 5; B is earlier
}

// Round robin starts right after the last position offered and wraps:
// last 0 -> order 1,2,3,0 -> C (1); last 1 -> 2 first -> A; last 3 -> 0 -> B;
// never offered -> position 0 -> B.
TEST(AcdStrategy, SelectorRoundRobinStartsAfterTheLastOffered) {
  EXPECT_EQ(pick(Strategy::kRoundRobin, 0), kC.agent);
  EXPECT_EQ(pick(Strategy::kRoundRobin, 1), kA.agent);
  EXPECT_EQ(pick(Strategy::kRoundRobin, 2), kD.agent);
  EXPECT_EQ(pick(Strategy::kRoundRobin, 3), kB.agent);
  EXPECT_EQ(pick(Strategy::kRoundRobin, kNil), kB.agent);
}

TEST(AcdStrategy, SelectorLongestIdleSettlesOnTheFirstCandidate) {
  AgentSelector sel(Strategy::kLongestIdle, kNil, 4, nullptr);
  sel.consider(kA);
  EXPECT_TRUE(sel.settled());
  AgentSelector other(Strategy::kFewestCalls, kNil, 4, nullptr);
  other.consider(kA);
  EXPECT_FALSE(other.settled());
}

// Reservoir sampling gives each of 4 candidates 1/4. Over 4000 picks each
// count is Binomial(4000, 1/4): mean 1000, sd 27.4; the band 1000 +- 150 is
// more than 5 sd wide, and the seed fixes the draw anyway.
TEST(AcdStrategy, SelectorRandomIsUniformAndSeeded) {
  SplitMix64 rng(7);
  std::map<AgentId, int> counts;
  for (int i = 0; i < 4000; ++i) ++counts[pick(Strategy::kRandom, kNil, &rng)];
  ASSERT_EQ(counts.size(), 4u);
  for (auto [agent, n] : counts) EXPECT_NEAR(n, 1000, 150) << agent;
  SplitMix64 x(99), y(99);
  for (int i = 0; i < 50; ++i)
    EXPECT_EQ(pick(Strategy::kRandom, kNil, &x), pick(Strategy::kRandom, kNil, &y));
}

TEST(AcdStrategy, NamesRoundTrip) {
  for (int i = 0; i < kStrategyCount; ++i) {
    Strategy s = static_cast<Strategy>(i), back;
    ASSERT_TRUE(parse_strategy(strategy_name(s), &back));
    EXPECT_EQ(back, s);
  }
  Strategy s;
  EXPECT_FALSE(parse_strategy("longest-idle", &s));
}

// Members in order a, b, c; logins in order c (t=0), b (t=1), a (t=2), so the
// longest idle is c. Four callers, each answered and ended at once (the
// agent is then the newest idle).
std::vector<std::string> sequence(Strategy strategy, std::uint64_t seed = 1, int callers = 4) {
  EngineConfig ec;
  ec.random_seed = seed;
  TestEngine t(ec);
  QueueId q = t.queue("q", strategy);
  AgentId a = t.agent("a", {}, {q});
  AgentId b = t.agent("b", {}, {q});
  AgentId c = t.agent("c", {}, {q});
  t.ok(t.engine->log_in(0, c));
  t.ok(t.engine->log_in(1 * kSec, b));
  t.ok(t.engine->log_in(2 * kSec, a));
  std::vector<std::string> out;
  for (int i = 0; i < callers; ++i) {
    std::int64_t now = (10 + 10 * i) * kSec;
    t.arrive(now, q);
    AgentId got = t.offered_agent();
    if (got == kNoAgent) break;
    out.push_back(t.engine->agent_name(got));
    t.complete_call(now + 1, got);
  }
  return out;
}

TEST(AcdStrategy, EngineLongestIdle) {
  // c, b, a logged in in that order; each agent goes last after its call.
  EXPECT_EQ(sequence(Strategy::kLongestIdle), (std::vector<std::string>{"c", "b", "a", "c"}));
}

TEST(AcdStrategy, EngineRoundRobin) {
  EXPECT_EQ(sequence(Strategy::kRoundRobin), (std::vector<std::string>{"a", "b", "c", "a"}));
}

TEST(AcdStrategy, EngineLinear) {
  EXPECT_EQ(sequence(Strategy::kLinear), (std::vector<std::string>{"a", "a", "a", "a"}));
}

// Fewest calls: all start at 0 calls, so the first goes to the longest idle
// (c); then b and a have 0; then all have 1 and c is the longest idle again.
TEST(AcdStrategy, EngineFewestCallsFallsBackToLongestIdle) {
  EXPECT_EQ(sequence(Strategy::kFewestCalls), (std::vector<std::string>{"c", "b", "a", "c"}));
}

TEST(AcdStrategy, EngineRandomIsDeterministicPerSeed) {
  auto first = sequence(Strategy::kRandom, 5, 30);
  EXPECT_EQ(first, sequence(Strategy::kRandom, 5, 30));
  EXPECT_NE(first, sequence(Strategy::kRandom, 6, 30));
  std::map<std::string, int> seen;
  for (const std::string& n : first) ++seen[n];
  EXPECT_EQ(seen.size(), 3u);
}

// a and b log in at 0 and 1. Caller 1 (t=2) -> a (tie on 0 calls, longest
// idle); a talks until 102. Caller 2 (t=3) -> b, talks 10 s; caller 3 (t=20)
// -> b (only one free), talks 10 s, free at 30. At t=200: a has 1 call and
// 100 s of talk, b 2 calls and 20 s, and b is the longer idle (30 < 102).
// Fewest calls -> a; least talk time -> b; longest idle -> b.
AgentId fourth_caller_goes_to(Strategy strategy) {
  TestEngine t;
  QueueId q = t.queue("q", strategy);
  AgentId a = t.agent("a", {}, {q});
  AgentId b = t.agent("b", {}, {q});
  t.ok(t.engine->log_in(0, a));
  t.ok(t.engine->log_in(1 * kSec, b));
  CallerId c1 = t.arrive(2 * kSec, q);
  EXPECT_EQ(t.offered_agent(), a);
  t.ok(t.engine->offer_answered(2 * kSec, a, c1));
  CallerId c2 = t.arrive(3 * kSec, q);
  EXPECT_EQ(t.offered_agent(), b);
  t.ok(t.engine->offer_answered(3 * kSec, b, c2));
  t.ok(t.engine->call_ended(13 * kSec, b, c2));
  CallerId c3 = t.arrive(20 * kSec, q);
  EXPECT_EQ(t.offered_agent(), b);
  t.ok(t.engine->offer_answered(20 * kSec, b, c3));
  t.ok(t.engine->call_ended(30 * kSec, b, c3));
  t.ok(t.engine->call_ended(102 * kSec, a, c1));
  t.arrive(200 * kSec, q);
  return t.offered_agent();
}

TEST(AcdStrategy, EngineFewestCallsLeastTalkTimeLongestIdleDisagree) {
  EXPECT_EQ(fourth_caller_goes_to(Strategy::kFewestCalls), 0u);    // a
  EXPECT_EQ(fourth_caller_goes_to(Strategy::kLeastTalkTime), 1u);  // b
  EXPECT_EQ(fourth_caller_goes_to(Strategy::kLongestIdle), 1u);    // b
}

// Levels 2, 5, 4, logged in in that order: best proficiency -> b (5).
// Two agents at 5: the longer idle one wins.
TEST(AcdStrategy, EngineBestProficiency) {
  TestEngine t;
  SkillId s = t.skill("sales");
  QueueId q = t.queue("q", Strategy::kBestProficiency);
  AgentId a = t.agent("a", {{s, 2}}, {q});
  AgentId b = t.agent("b", {{s, 5}}, {q});
  AgentId c = t.agent("c", {{s, 4}}, {q});
  AgentId d = t.agent("d", {{s, 5}}, {q});
  for (AgentId x : {a, b, c, d}) t.ok(t.engine->log_in(x, x));
  t.arrive(10 * kSec, q, s);
  EXPECT_EQ(t.offered_agent(), b);
  t.arrive(11 * kSec, q, s);
  EXPECT_EQ(t.offered_agent(), d);
  t.arrive(12 * kSec, q, s);
  EXPECT_EQ(t.offered_agent(), c);
}

// Ring-all offers to every qualified free agent (a, b, c; x lacks the skill);
// the first answer (b) wins and the others are withdrawn and free again, so
// the next caller rings a and c.
TEST(AcdStrategy, EngineRingAll) {
  TestEngine t;
  SkillId s = t.skill("sales");
  QueueId q = t.queue("q", Strategy::kRingAll);
  AgentId a = t.agent("a", {{s, 1}}, {q});
  AgentId b = t.agent("b", {{s, 1}}, {q});
  AgentId c = t.agent("c", {{s, 1}}, {q});
  AgentId x = t.agent("x", {}, {q});  // lacks the skill: never rung
  for (AgentId id : {a, b, c, x}) t.ok(t.engine->log_in(id, id));
  CallerId caller = t.arrive(10 * kSec, q, s);
  auto offers = t.decisions(DecisionKind::kOffer);
  ASSERT_EQ(offers.size(), 3u);
  EXPECT_EQ(offers[0].agent, a);
  EXPECT_EQ(offers[1].agent, b);
  EXPECT_EQ(offers[2].agent, c);
  t.ok(t.engine->offer_ringing(11 * kSec, c, caller));
  t.ok(t.engine->offer_answered(12 * kSec, b, caller));
  auto cancels = t.decisions(DecisionKind::kCancelOffer);
  ASSERT_EQ(cancels.size(), 2u);
  EXPECT_EQ(cancels[0].agent, a);
  EXPECT_EQ(cancels[1].agent, c);
  EXPECT_EQ(t.state(a), AgentState::kReady);
  EXPECT_EQ(t.state(c), AgentState::kReady);
  EXPECT_EQ(t.state(b), AgentState::kTalking);
  EXPECT_EQ(t.state(x), AgentState::kReady);
  t.arrive(13 * kSec, q, s);
  EXPECT_EQ(t.decisions(DecisionKind::kOffer).size(), 2u);
}

}  // namespace
}  // namespace trunkline::acd
