// One tenant's ACD engine: pure logic, events in, decisions out.
//
// The host (the B2BUA, or the simulator) reports what happens — agents
// logging in and changing state, callers arriving, offers ringing, answered or
// failing, callers hanging up, calls ending — and reads the engine's decisions
// after each call: offer this caller to that agent, play an announcement or
// music, overflow, refuse. Time is always an argument (`now_us`, monotonic
// microseconds); the engine has no clock and no I/O. Call tick() at
// next_deadline_us() so that time-driven rules (skill expansion, max wait,
// wrap-up limits, offer delays, ring timeouts) run on time; every other call
// first runs whatever deadlines `now_us` has passed.
//
// A request that is not valid in the current state is refused with a precise
// error and changes nothing (deadlines already due by `now_us` have still
// run, and their decisions are in decisions()). Time going backwards is
// refused. One engine per tenant: tenants never share agents, queues or
// metrics. Not thread-safe: one thread drives an engine.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "control/acd/config.h"
#include "control/acd/decision.h"
#include "control/acd/event.h"
#include "control/acd/metrics.h"
#include "control/acd/records.h"
#include "control/acd/rng.h"
#include "control/acd/timer_heap.h"
#include "control/acd/types.h"

namespace trunkline::acd {

// What the host may read about an agent.
struct AgentView {
  AgentState state = AgentState::kLoggedOut;
  ReasonCode reason = kReasonNone;
  CallerId caller = kNoCaller;  // offered or connected
  bool offerable = false;       // ready and past any delay after a failed offer
  std::uint32_t unanswered_in_row = 0;
};

// What the host may read about a caller still known to the engine.
struct CallerView {
  CallerState state = CallerState::kUnused;
  QueueId queue = kNoQueue;
  AgentId agent = kNoAgent;
  std::uint8_t min_proficiency = kMinProficiency;  // required now
  std::int64_t arrived_us = 0;
  std::int64_t entered_queue_us = 0;
};

class Engine {
 public:
  static Result<std::unique_ptr<Engine>> create(const EngineConfig& config);

  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  // ---- Configuration (not on the decision path; may allocate). ----
  Result<SkillId> add_skill(const SkillConfig& config);
  // Overflow actions naming queues not yet added are set with set_overflow().
  Result<QueueId> add_queue(const QueueConfig& config);
  Status set_overflow(QueueId queue, OverflowReason reason, const OverflowAction& action);
  // Agents start logged out.
  Result<AgentId> add_agent(const AgentConfig& config);

  // ---- Agents. ----
  // Logged out -> ready (or not ready with kReasonLogin).
  Status log_in(std::int64_t now_us, AgentId agent, bool ready = true);
  // Ready, not ready or wrap-up -> logged out.
  Status log_out(std::int64_t now_us, AgentId agent);
  // Not ready -> ready; wrap-up -> ready (ends the wrap-up).
  Status set_ready(std::int64_t now_us, AgentId agent);
  // Ready, not ready (a new reason) or wrap-up -> not ready. While talking the
  // request is kept and applied when the call and its wrap-up end.
  Status set_not_ready(std::int64_t now_us, AgentId agent, ReasonCode reason);
  // Wrap-up -> ready (or not ready when requested during the call).
  Status end_wrap_up(std::int64_t now_us, AgentId agent);

  // ---- Calls, as the B2BUA sees them. ----
  // A caller reaches the ACD; it is offered, queued, overflowed or refused.
  Result<CallerId> caller_arrives(std::int64_t now_us, const Arrival& arrival);
  // The offered agent's phone rings (180): reserved -> ringing. A repeated
  // report for the same offer is accepted and changes nothing.
  Status offer_ringing(std::int64_t now_us, AgentId agent, CallerId caller);
  // The agent answered: reserved or ringing -> talking.
  Status offer_answered(std::int64_t now_us, AgentId agent, CallerId caller);
  // The offer failed: the agent is ready again after the failure's delay (or
  // not ready after too many unanswered offers); the caller waits again.
  Status offer_failed(std::int64_t now_us, AgentId agent, CallerId caller, OfferFailure failure);
  // The caller hung up before being answered.
  Status caller_abandoned(std::int64_t now_us, CallerId caller);
  // The answered call ended (either side hung up): talking -> wrap-up or ready.
  Status call_ended(std::int64_t now_us, AgentId agent, CallerId caller);
  // Runs every deadline up to now_us.
  Status tick(std::int64_t now_us);
  // The earliest pending deadline, kNever when none.
  std::int64_t next_deadline_us() const { return timers_.next_at(); }

  // The decisions made by the last call; valid until the next call.
  std::span<const Decision> decisions() const { return decisions_; }

  // ---- Observation. ----
  void subscribe(EventSubscriber* subscriber);
  void unsubscribe(EventSubscriber* subscriber);
  MetricsSnapshot metrics(std::int64_t now_us) const;
  // Starts a new measurement interval: zeroes every counter and state time.
  Status reset_counters(std::int64_t now_us);

  std::uint32_t agent_count() const { return static_cast<std::uint32_t>(agents_.size()); }
  std::uint32_t queue_count() const { return static_cast<std::uint32_t>(queues_.size()); }
  std::uint32_t skill_count() const { return static_cast<std::uint32_t>(skills_.size()); }
  Result<AgentId> find_agent(std::string_view name) const;
  Result<QueueId> find_queue(std::string_view name) const;
  Result<SkillId> find_skill(std::string_view name) const;
  Result<AgentView> agent(AgentId agent) const;
  Result<CallerView> caller(CallerId caller) const;
  const std::string& agent_name(AgentId agent) const { return agents_[agent].name; }
  const QueueConfig& queue_config(QueueId queue) const { return queues_[queue].config; }
  std::uint32_t waiting_in_queue(QueueId queue) const { return queues_[queue].waiting; }
  std::uint32_t callers_in_system() const { return callers_in_use_; }
  std::int64_t now_us() const { return now_us_; }
  const EngineConfig& config() const { return config_; }

 private:
  explicit Engine(const EngineConfig& config);

  // engine.cc: time, timers, events.
  Status begin(std::int64_t now_us);
  void run_timers(std::int64_t until_us);
  void fire(const Timer& timer);
  void emit(const Event& event);
  void decide(const Decision& decision) { decisions_.push_back(decision); }
  Status agent_error(AgentId agent, std::string_view what) const;
  Status check_agent(AgentId agent) const;
  Result<std::uint32_t> check_caller(CallerId caller) const;

  // engine_agents.cc: agent states and free lists.
  void set_state(AgentId id, AgentState to, ReasonCode reason);
  void make_free(AgentId id, bool restore_idle);
  void make_unfree(AgentId id);
  void become_ready(AgentId id, std::int64_t delay_us);
  void account_wrap_up(AgentId id);
  Membership& link(std::uint32_t node) {
    return agents_[free_node_agent(node)].memberships[free_node_slot(node)];
  }
  void after_call_work_done(AgentId id);
  void end_wrap_up_now(AgentId id);
  void overflow_callers_without_agents(QueueId queue);

  // engine_routing.cc: matching callers and agents.
  void enter_queue(std::uint32_t slot, QueueId queue);
  bool match_caller(std::uint32_t slot);
  bool match_agent(AgentId id);
  void offer(std::uint32_t slot, AgentId agent, std::uint32_t position);
  void overflow(std::uint32_t slot, OverflowReason reason);
  void return_to_waiting(std::uint32_t slot);
  bool qualifies(const AgentRecord& a, const CallerRecord& c, std::uint8_t* proficiency) const;
  bool has_logged_in_candidate(const QueueRecord& q, const CallerRecord& c) const;
  std::int64_t score(const QueueRecord& q, const CallerRecord& c) const;
  void bucket_insert(std::uint32_t slot);
  void bucket_remove(std::uint32_t slot);
  void arm_caller_timers(std::uint32_t slot);

  // engine_calls.cc: the outcome of offers and calls.
  void fail_offer(AgentId agent, std::uint32_t slot, OfferFailure failure);
  void cancel_offers(std::uint32_t slot, AgentId except);
  void match_freed_agents();
  void release_caller(std::uint32_t slot);
  std::uint32_t allocate_caller();
  void count_answer(std::uint32_t slot);
  void count_abandon(std::uint32_t slot);

  CallerId caller_id(std::uint32_t slot) const {
    return make_caller_id(slot, callers_[slot].generation);
  }

  EngineConfig config_;
  std::vector<AgentRecord> agents_;
  std::vector<CallerRecord> callers_;
  std::vector<QueueRecord> queues_;
  std::vector<SkillRecord> skills_;
  std::uint32_t free_caller_slots_ = kNil;
  std::uint32_t callers_in_use_ = 0;
  std::uint64_t next_seq_ = 0;
  TimerHeap timers_;
  std::vector<Decision> decisions_;
  std::vector<EventSubscriber*> subscribers_;
  std::vector<AgentId> scratch_agents_;  // agents freed by one event, matched after it
  std::vector<std::uint32_t> scratch_slots_;
  SplitMix64 rng_;
  std::int64_t now_us_ = 0;
  std::int64_t counters_since_us_ = 0;
};

}  // namespace trunkline::acd
