// Identifiers, states and limits shared by every part of the ACD engine.
// The engine is pure logic: time is always an input (`now_us`, microseconds
// on a monotonic clock chosen by the caller), never read from the system.
#pragma once

#include <cstdint>
#include <limits>
#include <string_view>

namespace trunkline::acd {

using AgentId = std::uint32_t;
using QueueId = std::uint32_t;
using SkillId = std::uint16_t;
// A caller handle: slot index in the low 32 bits, the slot's generation in the
// high 32 bits, so a handle kept after the caller left is recognised as stale.
using CallerId = std::uint64_t;

inline constexpr AgentId kNoAgent = std::numeric_limits<AgentId>::max();
inline constexpr QueueId kNoQueue = std::numeric_limits<QueueId>::max();
inline constexpr SkillId kNoSkill = std::numeric_limits<SkillId>::max();
inline constexpr CallerId kNoCaller = std::numeric_limits<CallerId>::max();
inline constexpr std::int64_t kNever = std::numeric_limits<std::int64_t>::max();

// Fixed per-record limits keep agents and callers in flat arrays with no
// per-decision allocation.
inline constexpr int kMaxAgentSkills = 32;
inline constexpr int kMaxAgentQueues = 16;
inline constexpr int kMaxCallerSkills = 4;  // the line skill plus up to 3 incoming skills
inline constexpr int kMaxExpansionSteps = 8;
inline constexpr int kPriorityLevels = 10;  // caller priority 0 (lowest) .. 9 (highest)
inline constexpr int kMaxOverflowHops = 8;
inline constexpr std::uint8_t kMinProficiency = 1;
inline constexpr std::uint8_t kMaxProficiency = 5;  // 5 is the most proficient

enum class AgentState : std::uint8_t {
  kLoggedOut = 0,
  kReady,
  kNotReady,
  kReserved,  // chosen for a caller; the B2BUA has been told to offer the call
  kRinging,   // the agent's phone is ringing
  kTalking,
  kWrapUp,  // after-call work (後処理)
};
inline constexpr int kAgentStateCount = 7;

// Not-ready reason codes are the tenant's own (1..kMaxUserReason); 0 means
// "no reason given". The engine uses the codes above kMaxUserReason itself.
using ReasonCode = std::uint16_t;
inline constexpr ReasonCode kReasonNone = 0;
inline constexpr ReasonCode kMaxUserReason = 64999;
inline constexpr ReasonCode kReasonLogin = 65000;             // logged in not ready
inline constexpr ReasonCode kReasonUnansweredOffers = 65001;  // auto not-ready

enum class OfferFailure : std::uint8_t {
  kBusy,      // the phone answered busy (486/600)
  kRejected,  // the agent declined (603)
  kNoAnswer,  // rang out
  kError,     // the leg failed (unreachable phone, 5xx): treated like busy
};

// Why a caller leaves a queue other than by being answered or hanging up.
enum class OverflowReason : std::uint8_t {
  kQueueFull,  // max waiting callers reached on entry
  kMaxWait,    // waited longer than the queue's max wait
  kNoAgents,   // no agent able to take the call is logged in
  kHopLimit,   // overflowed through too many queues
};
inline constexpr int kOverflowReasonCount = 4;

std::string_view agent_state_name(AgentState state);
std::string_view offer_failure_name(OfferFailure failure);
std::string_view overflow_reason_name(OverflowReason reason);

inline std::uint32_t caller_slot(CallerId id) { return static_cast<std::uint32_t>(id); }
inline std::uint32_t caller_generation(CallerId id) { return static_cast<std::uint32_t>(id >> 32); }
inline CallerId make_caller_id(std::uint32_t slot, std::uint32_t generation) {
  return (static_cast<CallerId>(generation) << 32) | slot;
}

}  // namespace trunkline::acd
