// Printable names of the engine's enums (for logs, JSON and errors).
#include "control/acd/config.h"
#include "control/acd/decision.h"
#include "control/acd/event.h"

namespace trunkline::acd {

std::string_view agent_state_name(AgentState state) {
  switch (state) {
    case AgentState::kLoggedOut:
      return "logged_out";
    case AgentState::kReady:
      return "ready";
    case AgentState::kNotReady:
      return "not_ready";
    case AgentState::kReserved:
      return "reserved";
    case AgentState::kRinging:
      return "ringing";
    case AgentState::kTalking:
      return "talking";
    case AgentState::kWrapUp:
      return "wrap_up";
  }
  return "unknown";
}

std::string_view offer_failure_name(OfferFailure failure) {
  switch (failure) {
    case OfferFailure::kBusy:
      return "busy";
    case OfferFailure::kRejected:
      return "rejected";
    case OfferFailure::kNoAnswer:
      return "no_answer";
    case OfferFailure::kError:
      return "error";
  }
  return "unknown";
}

std::string_view overflow_reason_name(OverflowReason reason) {
  switch (reason) {
    case OverflowReason::kQueueFull:
      return "queue_full";
    case OverflowReason::kMaxWait:
      return "max_wait";
    case OverflowReason::kNoAgents:
      return "no_agents";
    case OverflowReason::kHopLimit:
      return "hop_limit";
  }
  return "unknown";
}

std::string_view overflow_kind_name(OverflowKind kind) {
  switch (kind) {
    case OverflowKind::kRefuse:
      return "refuse";
    case OverflowKind::kQueue:
      return "queue";
    case OverflowKind::kAnnouncement:
      return "announcement";
    case OverflowKind::kExternal:
      return "external";
  }
  return "unknown";
}

std::string_view decision_kind_name(DecisionKind kind) {
  switch (kind) {
    case DecisionKind::kOffer:
      return "offer";
    case DecisionKind::kCancelOffer:
      return "cancel_offer";
    case DecisionKind::kPlayAnnouncement:
      return "play_announcement";
    case DecisionKind::kPlayMusic:
      return "play_music";
    case DecisionKind::kOverflowToQueue:
      return "overflow_to_queue";
    case DecisionKind::kOverflowToAnnouncement:
      return "overflow_to_announcement";
    case DecisionKind::kOverflowToExternal:
      return "overflow_to_external";
    case DecisionKind::kRefuse:
      return "refuse";
  }
  return "unknown";
}

std::string_view event_kind_name(EventKind kind) {
  switch (kind) {
    case EventKind::kAgentState:
      return "agent_state";
    case EventKind::kCallerQueued:
      return "caller_queued";
    case EventKind::kCallerOffered:
      return "caller_offered";
    case EventKind::kCallerAnswered:
      return "caller_answered";
    case EventKind::kCallerAbandoned:
      return "caller_abandoned";
    case EventKind::kCallerOverflowed:
      return "caller_overflowed";
    case EventKind::kCallerEnded:
      return "caller_ended";
    case EventKind::kCallerRefused:
      return "caller_refused";
  }
  return "unknown";
}

}  // namespace trunkline::acd
