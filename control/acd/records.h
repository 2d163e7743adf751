// The engine's per-agent, per-caller, per-queue and per-skill state. Records
// live in flat vectors sized at start; links between them are indices, so a
// routing decision follows indices and never allocates.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "control/acd/config.h"
#include "control/acd/metrics.h"
#include "control/acd/types.h"

namespace trunkline::acd {

inline constexpr std::uint32_t kNil = 0xffffffffu;

// A node in a queue's free-agent list: agent id * kMaxAgentQueues + the slot of
// the agent's membership in that queue.
inline std::uint32_t free_node(AgentId agent, int slot) {
  return agent * kMaxAgentQueues + static_cast<std::uint32_t>(slot);
}
inline AgentId free_node_agent(std::uint32_t node) { return node / kMaxAgentQueues; }
inline int free_node_slot(std::uint32_t node) { return static_cast<int>(node % kMaxAgentQueues); }

struct Membership {
  QueueId queue = kNoQueue;
  std::uint32_t position = 0;  // index in the queue's member list
  std::uint32_t prev = kNil;   // free-list links (free nodes)
  std::uint32_t next = kNil;
};

struct AgentRecord {
  std::string name;
  AgentState state = AgentState::kLoggedOut;
  ReasonCode reason = kReasonNone;
  bool free = false;  // in its queues' free lists: ready and past any offer delay
  bool pending_not_ready = false;
  ReasonCode pending_reason = kReasonNone;
  std::uint8_t skill_count = 0;
  std::uint8_t membership_count = 0;
  AgentSkill skills[kMaxAgentSkills];
  Membership memberships[kMaxAgentQueues];
  std::uint32_t epoch = 0;  // bumped on every state change; timers compare it
  std::int64_t state_since_us = 0;
  std::int64_t idle_since_us = 0;        // when it last became free
  std::int64_t saved_idle_since_us = 0;  // restored when an offer ends through no fault of its own
  std::int64_t offer_allowed_at_us = 0;
  std::int64_t accounted_until_us = 0;  // state time is accrued up to here
  // The call in hand (reserved, ringing, talking or wrapping up).
  CallerId caller = kNoCaller;
  QueueId call_queue = kNoQueue;
  std::uint8_t call_skill_count = 0;
  SkillId call_skills[kMaxCallerSkills] = {kNoSkill, kNoSkill, kNoSkill, kNoSkill};
  std::int64_t talk_started_us = 0;
  std::int64_t wrap_started_us = 0;
  std::uint32_t unanswered_in_row = 0;
  std::uint32_t offer_serial = 0;  // bumped per offer; the ring timeout compares it
  // Since login: what the fewest-calls and least-talk-time strategies compare.
  std::uint64_t session_calls = 0;
  std::int64_t session_talk_us = 0;
  // Since the counters were last reset.
  StateTimes time_in_state;
  std::uint64_t calls = 0;
  std::int64_t talk_us = 0;
  std::uint64_t offers = 0;
  std::uint64_t offers_failed = 0;

  // The agent's level in `skill`, 0 when it does not hold it.
  std::uint8_t level(SkillId skill) const {
    for (int i = 0; i < skill_count; ++i)
      if (skills[i].skill == skill) return skills[i].level;
    return 0;
  }
  bool logged_in() const { return state != AgentState::kLoggedOut; }
};

enum class CallerState : std::uint8_t {
  kUnused,     // the slot is free
  kWaiting,    // in its queue's priority bucket
  kOffered,    // offered to one agent (or several, ring-all)
  kConnected,  // answered; released when the call ends
};

struct CallerRecord {
  std::uint32_t generation = 0;
  CallerState state = CallerState::kUnused;
  std::uint8_t priority = 0;
  std::uint8_t skill_count = 0;
  std::uint8_t min_level = kMinProficiency;  // in force now (expansion)
  std::uint8_t step = 0;                     // expansion step in force
  std::uint8_t hops = 0;                     // overflows into another queue so far
  bool in_bucket = false;                    // linked in its queue's priority bucket
  SkillId skills[kMaxCallerSkills] = {kNoSkill, kNoSkill, kNoSkill, kNoSkill};
  QueueId queue = kNoQueue;
  std::uint32_t entry = 0;  // bumped on every queue entry; stale timers compare it
  std::uint32_t offers_out = 0;
  AgentId agent = kNoAgent;  // the one offered (single offers) or connected
  std::int64_t arrived_us = 0;
  std::int64_t entered_us = 0;  // entered the current queue
  std::uint64_t seq = 0;        // arrival order: the tie-break between equal scores
  std::uint32_t prev = kNil;    // bucket links, or the next unused slot
  std::uint32_t next = kNil;
};

struct Bucket {
  std::uint32_t head = kNil;
  std::uint32_t tail = kNil;
};

struct QueueRecord {
  QueueConfig config;
  std::vector<AgentId> members;    // member order: the linear strategy's order
  std::uint32_t free_head = kNil;  // free agents, longest idle first
  std::uint32_t free_tail = kNil;
  std::uint32_t free_count = 0;
  Bucket buckets[kPriorityLevels];     // waiting callers by priority, oldest first
  std::uint32_t nonempty_buckets = 0;  // bit p set when bucket p holds callers
  std::uint32_t waiting = 0;           // callers in buckets
  std::uint32_t being_offered = 0;     // callers of this queue being offered
  std::uint32_t logged_in_members = 0;
  std::uint32_t last_position;                     // round robin: position offered last
  std::uint8_t final_min_level = kMinProficiency;  // the last expansion step's level
  FlowCounters counters;

  QueueRecord() : last_position(kNil) {}
};

struct SkillRecord {
  SkillConfig config;
  FlowCounters counters;
};

}  // namespace trunkline::acd
