// The engine's event stream: every agent state change and every step of a
// caller's life, in the order they happen. Status boards, metrics exporters,
// CDR writers and the simulator's invariant checks subscribe to it.
#pragma once

#include <cstdint>
#include <string_view>

#include "control/acd/types.h"

namespace trunkline::acd {

enum class EventKind : std::uint8_t {
  kAgentState,        // `agent` went from `from` to `to` (`reason` for not ready)
  kCallerQueued,      // `caller` waits in `queue`: on entry (arrival or overflow, wait_us 0)
                      // or again after its offers failed (wait_us since entering)
  kCallerOffered,     // `caller` offered to `agent`
  kCallerAnswered,    // `agent` answered `caller`; `wait_us` since entering the queue
  kCallerAbandoned,   // `caller` hung up before an answer; `wait_us` since entering the queue
  kCallerOverflowed,  // `caller` left `queue` for `reason`
  kCallerEnded,       // the answered call of `caller` with `agent` ended
  kCallerRefused,     // `caller` refused on entry or by overflow
};

std::string_view event_kind_name(EventKind kind);

struct Event {
  EventKind kind = EventKind::kAgentState;
  std::int64_t at_us = 0;
  AgentId agent = kNoAgent;
  CallerId caller = kNoCaller;
  QueueId queue = kNoQueue;
  AgentState from = AgentState::kLoggedOut;
  AgentState to = AgentState::kLoggedOut;
  ReasonCode reason = kReasonNone;
  OverflowReason overflow_reason = OverflowReason::kQueueFull;
  std::int64_t wait_us = 0;
};

// Subscribers are called synchronously, inside the engine call that caused
// the event; they must not call back into the engine.
class EventSubscriber {
 public:
  virtual ~EventSubscriber() = default;
  virtual void on_event(const Event& event) = 0;
};

}  // namespace trunkline::acd
