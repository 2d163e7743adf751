// ACD routing-decision latency.
//
// BM_AcdRoutingDecision builds `tenants` engines (one per tenant) of
// `agents` agents each, and drives them in a steady state where about
// `waiting` callers per tenant wait: each tenant has 6 skills, 4 queues (with
// different strategies, skill expansion and wrap-up 0) and agents holding 3
// skills at levels 1..5 in 2 queues each. Callers need 1 or 2 skills and
// have priorities 0..3. The tenants are visited round robin, so each
// decision finds its engine cold in the cache as a busy appliance would.
//
// One iteration is one routing decision on the next tenant, timed alone with
// steady_clock (a caller arrives when the tenant has fewer than `waiting`
// waiting, else a call ends):
//  - "freed": a talking agent's call ends, it becomes ready and the engine
//    picks the best waiting caller it qualifies for (or leaves it free);
//  - "arrival": a caller arrives and the engine picks a free qualified agent
//    by the queue's strategy, or queues it (music).
// Answering offers (not a routing decision) is done between timed calls.
// The reported time is the mean decision latency; the counters are its
// p50/p99/p99.9/max in ns over every decision, and decisions per second of
// engine time. Timer overhead (about 20-40 ns per reading pair on the
// machines used) is included, not subtracted; timer_overhead_ns reports it.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <new>
#include <string>
#include <vector>

#include "control/acd/engine.h"
#include "control/acd/rng.h"

// Every heap allocation in this process is counted, so the benchmark can
// report how many happened inside timed decisions (the goal is none).
namespace {
std::atomic<std::uint64_t> g_allocations{0};
}  // namespace

// GCC sees malloc in new and free in delete once inlined and warns; they do
// match here, since both operators are replaced together.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
void* operator new(std::size_t size) {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
#pragma GCC diagnostic pop

namespace {

using namespace trunkline::acd;
using trunkline::Result;
using trunkline::Status;
using Clock = std::chrono::steady_clock;

constexpr int kSkills = 6;
constexpr int kQueues = 4;
constexpr std::int64_t kStepUs = 250'000;  // each operation advances its tenant's clock

struct Tenant {
  std::unique_ptr<Engine> engine;
  std::vector<AgentId> talking;   // agents with a call in hand
  std::vector<CallerId> call_of;  // by agent
  std::int64_t now = 0;
};

Arrival random_arrival(SplitMix64& rng) {
  Arrival a;
  a.queue = static_cast<QueueId>(rng.below(kQueues));
  a.line_skill = static_cast<SkillId>(rng.below(kSkills));
  if (rng.below(10) < 3) a.incoming_skills[0] = static_cast<SkillId>(rng.below(kSkills));
  a.priority = static_cast<std::uint8_t>(rng.below(4));
  return a;
}

// Answers every offer the last engine call made that is still standing
// (ring-all withdraws the others when the first is answered).
void answer_offers(Tenant& t, std::vector<Decision>& scratch) {
  scratch.assign(t.engine->decisions().begin(), t.engine->decisions().end());
  for (const Decision& d : scratch) {
    if (d.kind != DecisionKind::kOffer) continue;
    auto view = t.engine->agent(d.agent);
    if (!view.ok() || view->caller != d.caller || view->state != AgentState::kReserved) continue;
    if (!t.engine->offer_answered(t.now, d.agent, d.caller).ok()) std::abort();
    t.talking.push_back(d.agent);
    t.call_of[d.agent] = d.caller;
    // Withdrawn ring-all offers may have produced new offers.
    if (!t.engine->decisions().empty()) {
      std::vector<Decision> more;
      answer_offers(t, more);
    }
  }
}

std::unique_ptr<Engine> build_tenant(int agents, int waiting, std::uint64_t seed) {
  EngineConfig ec;
  ec.limits.max_agents = static_cast<std::uint32_t>(agents);
  ec.limits.max_callers = static_cast<std::uint32_t>(agents + 4 * waiting + 64);
  ec.limits.max_queues = kQueues;
  ec.limits.max_skills = kSkills;
  ec.random_seed = seed;
  auto created = Engine::create(ec);
  if (!created.ok()) std::abort();
  std::unique_ptr<Engine> engine = std::move(created.value());
  for (int s = 0; s < kSkills; ++s) (void)engine->add_skill(SkillConfig{"s" + std::to_string(s)});
  const Strategy strategies[] = {Strategy::kLongestIdle,     Strategy::kFewestCalls,
                                 Strategy::kLeastTalkTime,   Strategy::kRoundRobin,
                                 Strategy::kLinear,          Strategy::kRandom,
                                 Strategy::kBestProficiency, Strategy::kRingAll};
  for (int q = 0; q < kQueues; ++q) {
    QueueConfig qc;
    qc.name = "q" + std::to_string(q);
    qc.strategy = strategies[(seed + static_cast<std::uint64_t>(q)) % 8];
    qc.priority = q % 2;
    qc.expansion = {{0, 3}, {20'000'000, 1}};
    (void)engine->add_queue(qc);
  }
  SplitMix64 rng(seed);
  for (int a = 0; a < agents; ++a) {
    AgentConfig ac;
    ac.name = "a" + std::to_string(a);
    while (ac.skills.size() < 3) {
      SkillId s = static_cast<SkillId>(rng.below(kSkills));
      bool dup = false;
      for (const AgentSkill& k : ac.skills) dup = dup || k.skill == s;
      if (!dup) ac.skills.push_back({s, static_cast<std::uint8_t>(1 + rng.below(5))});
    }
    QueueId q1 = static_cast<QueueId>(rng.below(kQueues));
    ac.queues = {q1, static_cast<QueueId>((q1 + 1 + rng.below(kQueues - 1)) % kQueues)};
    (void)engine->add_agent(ac);
  }
  return engine;
}

std::int64_t percentile(std::vector<std::int64_t>& v, double p) {
  if (v.empty()) return 0;
  std::size_t k = static_cast<std::size_t>(p * static_cast<double>(v.size() - 1));
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(k), v.end());
  return v[k];
}

void BM_AcdRoutingDecision(benchmark::State& state) {
  const int tenants = static_cast<int>(state.range(0));
  const int agents = static_cast<int>(state.range(1));
  const int waiting = static_cast<int>(state.range(2));
  std::vector<Tenant> ts(static_cast<std::size_t>(tenants));
  SplitMix64 rng(12345);
  std::vector<Decision> scratch;
  scratch.reserve(static_cast<std::size_t>(agents) + 64);
  // Start: everyone logs in; callers arrive until `waiting` wait per tenant.
  for (int i = 0; i < tenants; ++i) {
    Tenant& t = ts[static_cast<std::size_t>(i)];
    t.engine = build_tenant(agents, waiting, static_cast<std::uint64_t>(i) + 1);
    t.call_of.assign(static_cast<std::size_t>(agents), kNoCaller);
    t.talking.reserve(static_cast<std::size_t>(agents));
    for (int a = 0; a < agents; ++a) (void)t.engine->log_in(0, static_cast<AgentId>(a));
    std::uint32_t waiting_now = 0;
    for (int guard = 0; waiting_now < static_cast<std::uint32_t>(waiting) && guard < 100 * agents;
         ++guard) {
      t.now += 1000;
      (void)t.engine->caller_arrives(t.now, random_arrival(rng));
      answer_offers(t, scratch);
      waiting_now = 0;
      for (QueueId q = 0; q < kQueues; ++q) waiting_now += t.engine->waiting_in_queue(q);
    }
  }
  std::vector<std::int64_t> all, freed, arrival;
  all.reserve(static_cast<std::size_t>(state.max_iterations));
  freed.reserve(static_cast<std::size_t>(state.max_iterations) / 2 + 1);
  arrival.reserve(static_cast<std::size_t>(state.max_iterations) / 2 + 1);
  std::size_t next = 0;
  std::uint64_t over_10us = 0;
  std::uint64_t allocations = 0;
  auto wall_start = Clock::now();
  for (auto _ : state) {
    Tenant& t = ts[next];
    next = (next + 1) % ts.size();
    t.now += kStepUs;
    std::int64_t ns = 0;
    // Keep about `waiting` callers waiting: below it a caller arrives, at or
    // above it a call ends (and the freed agent takes a waiting caller).
    std::uint32_t waiting_now = 0;
    for (QueueId q = 0; q < kQueues; ++q) waiting_now += t.engine->waiting_in_queue(q);
    if (waiting_now >= static_cast<std::uint32_t>(waiting) && !t.talking.empty()) {
      std::size_t k =
          static_cast<std::size_t>(rng.below(static_cast<std::uint32_t>(t.talking.size())));
      AgentId a = t.talking[k];
      t.talking[k] = t.talking.back();
      t.talking.pop_back();
      CallerId c = t.call_of[a];
      std::uint64_t allocs = g_allocations.load(std::memory_order_relaxed);
      auto start = Clock::now();
      Status s = t.engine->call_ended(t.now, a, c);
      ns = std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - start).count();
      allocations += g_allocations.load(std::memory_order_relaxed) - allocs;
      if (!s.ok()) state.SkipWithError(s.error().message.c_str());
      freed.push_back(ns);
    } else {
      Arrival arr = random_arrival(rng);
      std::uint64_t allocs = g_allocations.load(std::memory_order_relaxed);
      auto start = Clock::now();
      Result<CallerId> r = t.engine->caller_arrives(t.now, arr);
      ns = std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - start).count();
      allocations += g_allocations.load(std::memory_order_relaxed) - allocs;
      if (!r.ok()) state.SkipWithError(r.error().message.c_str());
      arrival.push_back(ns);
    }
    over_10us += ns > 10'000;
    all.push_back(ns);
    state.SetIterationTime(static_cast<double>(ns) * 1e-9);
    answer_offers(t, scratch);
  }
  double wall_s = std::chrono::duration<double>(Clock::now() - wall_start).count();
  std::int64_t sum = 0;
  for (std::int64_t v : all) sum += v;
  // Cost of one pair of clock readings, for reading the figures above.
  std::int64_t overhead = 0;
  {
    std::vector<std::int64_t> o(10'000);
    for (auto& v : o) {
      auto a = Clock::now();
      v = std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - a).count();
    }
    overhead = percentile(o, 0.5);
  }
  std::uint64_t still_waiting = 0;
  for (Tenant& t : ts)
    for (QueueId q = 0; q < kQueues; ++q) still_waiting += t.engine->waiting_in_queue(q);
  state.counters["p50_ns"] = static_cast<double>(percentile(all, 0.50));
  state.counters["p99_ns"] = static_cast<double>(percentile(all, 0.99));
  state.counters["p999_ns"] = static_cast<double>(percentile(all, 0.999));
  state.counters["max_ns"] = static_cast<double>(*std::max_element(all.begin(), all.end()));
  state.counters["freed_p99_ns"] = static_cast<double>(percentile(freed, 0.99));
  state.counters["arrival_p99_ns"] = static_cast<double>(percentile(arrival, 0.99));
  state.counters["decisions_per_s"] =
      sum > 0 ? static_cast<double>(all.size()) * 1e9 / static_cast<double>(sum) : 0;
  state.counters["wall_decisions_per_s"] = static_cast<double>(all.size()) / wall_s;
  state.counters["timer_overhead_ns"] = static_cast<double>(overhead);
  state.counters["agents_total"] = static_cast<double>(tenants) * agents;
  state.counters["waiting_at_end"] = static_cast<double>(still_waiting);
  state.counters["over_10us"] = static_cast<double>(over_10us);
  state.counters["allocations_in_decisions"] = static_cast<double>(allocations);
}

// 100 tenants x 100 agents = 10,000 agents, 10 waiting each = 1,000 waiting;
// and the same totals in one tenant.
BENCHMARK(BM_AcdRoutingDecision)
    ->ArgNames({"tenants", "agents", "waiting"})
    ->Args({100, 100, 10})
    ->Args({1, 10000, 1000})
    ->Iterations(1'000'000)
    ->UseManualTime()
    ->Unit(benchmark::kNanosecond);

}  // namespace

BENCHMARK_MAIN();
