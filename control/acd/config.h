// Configuration of one tenant's ACD engine: skills, queues, agents and the
// engine-wide timings. Validation returns a precise error naming the field.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/result.h"
#include "control/acd/strategy.h"
#include "control/acd/types.h"

namespace trunkline::acd {

// Pre-sized capacities: the engine reserves its containers from these, so no
// steady-state decision allocates.
struct EngineLimits {
  std::uint32_t max_agents = 1024;
  std::uint32_t max_callers = 4096;  // waiting, ringing and talking together
  std::uint32_t max_queues = 256;
  std::uint32_t max_skills = 1024;
};

struct EngineConfig {
  EngineLimits limits;
  // Before an agent is offered another call after a failed offer.
  std::int64_t busy_delay_us = 0;
  std::int64_t reject_delay_us = 0;
  std::int64_t no_answer_delay_us = 0;
  // Consecutive unanswered offers (no answer or ring timeout) after which the
  // agent is put not ready with kReasonUnansweredOffers; 0 turns it off.
  std::uint32_t max_unanswered_offers = 0;
  std::uint64_t random_seed = 1;  // the random strategy's generator
};

struct SkillConfig {
  std::string name;
  std::int64_t service_level_us = 20'000'000;  // answered within this counts as in service level
};

// After `after_us` of waiting in the queue, agents with at least
// `min_proficiency` in every required skill qualify (bullseye expansion).
struct ExpansionStep {
  std::int64_t after_us = 0;
  std::uint8_t min_proficiency = kMinProficiency;
};

enum class OverflowKind : std::uint8_t {
  kRefuse,        // release the call with `sip_status` so the carrier reroutes
  kQueue,         // move the caller to another queue (keeping its seniority)
  kAnnouncement,  // play an announcement, then release
  kExternal,      // transfer to an external number through the trunk
};

struct OverflowAction {
  OverflowKind kind = OverflowKind::kRefuse;
  QueueId queue = kNoQueue;        // kQueue
  std::uint32_t announcement = 0;  // kAnnouncement
  std::string external_number;     // kExternal: E.164 digits, optional leading '+'
  std::uint16_t sip_status = 503;  // kRefuse
};

enum class NoAgentsPolicy : std::uint8_t {
  kWait,      // callers wait even when no qualified agent is logged in
  kOverflow,  // callers overflow (kNoAgents) on entry and when the last one logs out
};

// wrap_up_us: 0 = no wrap-up; kNever = until the agent ends it; otherwise the
// limit after which the engine ends it (the agent may end it earlier).
struct QueueConfig {
  std::string name;
  Strategy strategy = Strategy::kLongestIdle;
  int priority = 0;                        // 0..9, added to callers' priority
  std::int64_t ageing_milli_per_s = 1000;  // score points x1000 gained per second waited
  std::int64_t service_level_us = 20'000'000;
  std::uint32_t max_waiting = 0;  // 0 = unlimited
  std::int64_t max_wait_us = 0;   // 0 = unlimited
  std::int64_t wrap_up_us = 0;
  std::int64_t ring_timeout_us = 0;  // 0 = the B2BUA's own timeout
  NoAgentsPolicy when_no_agents = NoAgentsPolicy::kWait;
  std::vector<ExpansionStep> expansion;           // empty = proficiency 1 from the start
  std::uint32_t greeting_announcement = 0;        // 0 = none
  std::uint32_t music = 0;                        // music-on-hold id (0 = the default)
  OverflowAction overflow[kOverflowReasonCount];  // indexed by OverflowReason
};

struct AgentSkill {
  SkillId skill = kNoSkill;
  std::uint8_t level = kMinProficiency;  // 1..5
};

struct AgentConfig {
  std::string name;
  std::vector<AgentSkill> skills;
  std::vector<QueueId> queues;  // membership, in the order the agent joins each queue
};

// What the B2BUA knows when a caller reaches the ACD.
struct Arrival {
  QueueId queue = kNoQueue;
  SkillId line_skill = kNoSkill;  // the DID's line skill (局番スキル), if any
  SkillId incoming_skills[kMaxCallerSkills - 1] = {kNoSkill, kNoSkill, kNoSkill};  // 着信スキル
  std::uint8_t priority = 0;                                                       // 0..9
};

Status validate_engine_config(const EngineConfig& config);
Status validate_skill_config(const SkillConfig& config);
// `queue_count` is how many queues exist, for checking overflow targets.
Status validate_queue_config(const QueueConfig& config, std::uint32_t queue_count);
// `self` is the queue the action belongs to: overflowing into itself is refused.
Status validate_overflow_action(const OverflowAction& action, std::uint32_t queue_count,
                                QueueId self);
// Returns the step in force after waiting `waited_us`.
std::uint8_t min_proficiency_after(const std::vector<ExpansionStep>& steps, std::int64_t waited_us);

std::string_view overflow_kind_name(OverflowKind kind);

}  // namespace trunkline::acd
