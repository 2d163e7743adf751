// The simulator's internal state (see simulator.h for what it does): its
// event queue, and its own view of every caller and agent, built from the
// engine's event stream. simulator.cc runs the loop; sim_checks.cc keeps the
// view and checks the engine against it.
#pragma once

#include <cstdint>
#include <memory>
#include <queue>
#include <string>
#include <unordered_map>
#include <vector>

#include "control/acd/engine.h"
#include "control/acd/simulator.h"

namespace trunkline::acd::sim {

enum class Ev : std::uint8_t {
  kArrival,
  kAbandon,
  kRing,
  kAnswer,
  kFail,
  kCallEnd,
  kWrapEnd,
  kLogin,
  kLogout,
  kBreakStart,
  kBreakEnd,
  kRecover,
  kBatch,
};

struct SimEvent {
  std::int64_t at = 0;
  std::uint64_t seq = 0;
  Ev kind = Ev::kArrival;
  std::uint32_t index = 0;  // traffic, caller, agent or batch
  std::uint64_t token = 0;  // guards against stale events
  std::uint32_t extra = 0;  // the OfferFailure of kFail, the break of kBreakStart/End
};

struct Later {
  bool operator()(const SimEvent& a, const SimEvent& b) const {
    return a.at != b.at ? a.at > b.at : a.seq > b.seq;
  }
};

enum class Phase : std::uint8_t { kWaiting, kOffered, kTalking, kMoving, kDone };

struct SimCaller {
  std::uint32_t traffic = 0;
  CallerId id = kNoCaller;
  Phase phase = Phase::kWaiting;
  QueueId queue = kNoQueue;
  std::int64_t arrived = 0;
  std::int64_t entered = 0;
  std::int64_t handle_us = 0;
  std::uint32_t active_pos = 0;
};

struct SimAgent {
  AgentId id = kNoAgent;
  std::uint32_t group = 0;
  std::vector<std::uint8_t> levels;  // by skill id
  std::vector<bool> member;          // by queue id
  AgentState state = AgentState::kLoggedOut;
  CallerId offer = kNoCaller;
  std::uint64_t offer_token = 0;
  CallerId call = kNoCaller;
  std::uint64_t calls_answered = 0;
  std::uint64_t calls_ended = 0;
  bool on_break = false;
};

struct SimTraffic {
  Arrival arrival;
  std::vector<SkillId> skills;
  std::int64_t end_us = 0;
  SplitMix64 rng;
};

constexpr std::int64_t kRetryUs = 1'000'000;  // agent requests refused while busy are retried

class Simulation final : public EventSubscriber {
 public:
  explicit Simulation(const Scenario& s)
      : s_(s), behaviour_rng_(s.seed * 0x9e3779b97f4a7c15ULL + 1) {}

  Result<SimulationResult> run();
  void on_event(const Event& e) override;

 private:
  Status build();
  void push(std::int64_t at, Ev kind, std::uint32_t index, std::uint64_t token = 0,
            std::uint32_t extra = 0) {
    events_.push(SimEvent{at, seq_++, kind, index, token, extra});
  }
  void handle(const SimEvent& ev);
  void arrive(const SimEvent& ev);
  void apply_decisions();
  void respond_to_offer(std::uint32_t agent, CallerId caller, std::int64_t now);
  void batch(std::uint32_t k, std::int64_t now);
  void expect(const Status& status, const char* what);
  void violation(std::string text);
  void check_offer(const Event& e);
  bool qualified(const SimAgent& a, const SimCaller& c, QueueId q, std::int64_t entered,
                 std::int64_t at) const;
  double score(const SimCaller& c, QueueId q, std::int64_t at) const;
  SimCaller* find(CallerId id);
  void finish(SimCaller& c, std::uint64_t* outcome);
  bool offer_current(const SimAgent& a, std::uint64_t token) const {
    return a.offer != kNoCaller && a.offer_token == token;
  }

  const Scenario& s_;
  std::unique_ptr<Engine> engine_;
  std::priority_queue<SimEvent, std::vector<SimEvent>, Later> events_;
  std::uint64_t seq_ = 0;
  std::vector<SimTraffic> traffic_;
  std::vector<SimAgent> agents_;
  std::vector<SimCaller> callers_;
  std::vector<std::uint32_t> active_;
  std::unordered_map<CallerId, std::uint32_t> by_id_;
  std::uint32_t pending_arrival_ = UINT32_MAX;
  SplitMix64 behaviour_rng_;
  std::vector<FlowCounters> last_queue_counters_, last_skill_counters_;
  std::vector<std::vector<double>> queue_sl_, queue_asa_, skill_sl_, skill_asa_;
  SimulationResult result_;
};

}  // namespace trunkline::acd::sim
