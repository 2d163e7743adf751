// The simulator's view of callers and agents, kept from the engine's event
// stream, and the invariants it checks at every offer.
#include <string>

#include "control/acd/simulation.h"

namespace trunkline::acd::sim {

void Simulation::on_event(const Event& e) {
  switch (e.kind) {
    case EventKind::kAgentState: {
      SimAgent& a = agents_[e.agent];
      a.state = e.to;
      bool was_offered = e.from == AgentState::kReserved || e.from == AgentState::kRinging;
      bool is_offered = e.to == AgentState::kReserved || e.to == AgentState::kRinging;
      if (was_offered && !is_offered) {
        if (e.to == AgentState::kTalking) {
          a.call = a.offer;
          ++a.calls_answered;
        }
        a.offer = kNoCaller;
        ++a.offer_token;
      }
      if (e.to == AgentState::kNotReady && e.reason == kReasonUnansweredOffers)
        push(e.at_us + s_.agents[a.group].recover_us, Ev::kRecover, e.agent);
      return;
    }
    case EventKind::kCallerOffered: {
      check_offer(e);
      SimAgent& a = agents_[e.agent];
      a.offer = e.caller;
      ++a.offer_token;
      if (SimCaller* c = find(e.caller)) {
        c->phase = Phase::kOffered;
        c->queue = e.queue;
        c->entered = e.at_us - e.wait_us;
      }
      return;
    }
    case EventKind::kCallerQueued:
      if (SimCaller* c = find(e.caller)) {
        c->phase = Phase::kWaiting;
        c->queue = e.queue;
        c->entered = e.at_us - e.wait_us;
      }
      return;
    case EventKind::kCallerAnswered:
      if (SimCaller* c = find(e.caller)) {
        c->phase = Phase::kTalking;
        ++result_.callers.answered;
      }
      return;
    case EventKind::kCallerAbandoned:
      if (SimCaller* c = find(e.caller)) finish(*c, &result_.callers.abandoned);
      return;
    case EventKind::kCallerOverflowed:
      if (SimCaller* c = find(e.caller)) c->phase = Phase::kMoving;
      return;
    case EventKind::kCallerEnded: {
      SimAgent& a = agents_[e.agent];
      a.call = kNoCaller;
      ++a.calls_ended;
      if (SimCaller* c = find(e.caller)) finish(*c, nullptr);
      return;
    }
    case EventKind::kCallerRefused:
      return;  // counted with the kRefuse decision
  }
}

bool Simulation::qualified(const SimAgent& a, const SimCaller& c, QueueId q, std::int64_t entered,
                           std::int64_t at) const {
  if (!a.member[q]) return false;
  std::uint8_t min = min_proficiency_after(s_.queues[q].config.expansion, at - entered);
  for (SkillId k : traffic_[c.traffic].skills)
    if (a.levels[k] < min) return false;
  return true;
}

double Simulation::score(const SimCaller& c, QueueId q, std::int64_t at) const {
  const QueueConfig& qc = s_.queues[q].config;
  return 100.0 * (qc.priority + traffic_[c.traffic].arrival.priority) +
         static_cast<double>(qc.ageing_milli_per_s) / 1000.0 * static_cast<double>(at - c.arrived) /
             1e6;
}

// At the moment of an offer: the agent holds no other offer or call, it is a
// member of the caller's queue and qualified for the caller, and no caller it
// could take waits with a higher score (priority plus ageing).
void Simulation::check_offer(const Event& e) {
  ++result_.invariants.offers_checked;
  const SimAgent& a = agents_[e.agent];
  const std::string who = "agent '" + engine_->agent_name(e.agent) + "'";
  if (a.offer != kNoCaller || a.call != kNoCaller)
    violation(who + " offered a caller while it holds another");
  if (!s_.check_invariants) return;
  const SimCaller* c = find(e.caller);
  if (c == nullptr) return violation(who + " offered an unknown caller");
  std::int64_t entered = e.at_us - e.wait_us;
  if (!qualified(a, *c, e.queue, entered, e.at_us))
    violation(who + " offered a caller it is not qualified for");
  const double mine = score(*c, e.queue, e.at_us);
  for (std::uint32_t i : active_) {
    const SimCaller& other = callers_[i];
    if (&other == c || other.phase != Phase::kWaiting) continue;
    if (!qualified(a, other, other.queue, other.entered, e.at_us)) continue;
    ++result_.invariants.priority_comparisons;
    // The engine scores in integer milli-points; allow for its rounding.
    if (score(other, other.queue, e.at_us) > mine + 0.002)
      violation(who + " offered a caller scoring " + std::to_string(mine) + " while one scoring " +
                std::to_string(score(other, other.queue, e.at_us)) + " waited");
  }
}

}  // namespace trunkline::acd::sim
