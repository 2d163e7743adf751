// Engine: callers arriving and leaving, and what becomes of each offer.
#include <algorithm>
#include <string>

#include "control/acd/engine.h"

namespace trunkline::acd {

std::uint32_t Engine::allocate_caller() {
  std::uint32_t slot = free_caller_slots_;
  if (slot == kNil) return kNil;
  CallerRecord& c = callers_[slot];
  free_caller_slots_ = c.next;
  std::uint32_t generation = c.generation;
  std::uint32_t entry = c.entry;
  c = CallerRecord{};
  c.generation = generation;
  c.entry = entry;  // keeps old timers of this slot stale
  ++callers_in_use_;
  return slot;
}

void Engine::release_caller(std::uint32_t slot) {
  CallerRecord& c = callers_[slot];
  c.state = CallerState::kUnused;
  c.in_bucket = false;
  ++c.generation;
  c.prev = kNil;
  c.next = free_caller_slots_;
  free_caller_slots_ = slot;
  --callers_in_use_;
}

void Engine::count_answer(std::uint32_t slot) {
  const CallerRecord& c = callers_[slot];
  QueueRecord& q = queues_[c.queue];
  std::int64_t wait = now_us_ - c.entered_us;
  ++q.counters.answered;
  q.counters.answered_wait_us += wait;
  if (wait <= q.config.service_level_us) ++q.counters.answered_in_service_level;
  std::int64_t total_wait = now_us_ - c.arrived_us;
  for (int i = 0; i < c.skill_count; ++i) {
    SkillRecord& s = skills_[c.skills[i]];
    ++s.counters.answered;
    s.counters.answered_wait_us += total_wait;
    if (total_wait <= s.config.service_level_us) ++s.counters.answered_in_service_level;
  }
}

void Engine::count_abandon(std::uint32_t slot) {
  const CallerRecord& c = callers_[slot];
  QueueRecord& q = queues_[c.queue];
  std::int64_t wait = now_us_ - c.entered_us;
  ++q.counters.abandoned;
  q.counters.abandoned_wait_us += wait;
  if (wait > q.config.service_level_us) ++q.counters.abandoned_after_service_level;
  std::int64_t total_wait = now_us_ - c.arrived_us;
  for (int i = 0; i < c.skill_count; ++i) {
    SkillRecord& s = skills_[c.skills[i]];
    ++s.counters.abandoned;
    s.counters.abandoned_wait_us += total_wait;
    if (total_wait > s.config.service_level_us) ++s.counters.abandoned_after_service_level;
  }
}

// Withdraws every offer of the caller except the one to `except`. The agents
// get their place in the free lists back (the offer ended through no fault of
// theirs) and are matched by match_freed_agents().
void Engine::cancel_offers(std::uint32_t slot, AgentId except) {
  CallerRecord& c = callers_[slot];
  const CallerId id = caller_id(slot);
  auto cancel = [&](AgentId agent) {
    AgentRecord& a = agents_[agent];
    Decision d;
    d.kind = DecisionKind::kCancelOffer;
    d.caller = id;
    d.agent = agent;
    d.queue = c.queue;
    decide(d);
    a.caller = kNoCaller;
    a.call_queue = kNoQueue;
    set_state(agent, AgentState::kReady, kReasonNone);
    make_free(agent, true);
    scratch_agents_.push_back(agent);
    --c.offers_out;
  };
  auto offered_this = [&](AgentId agent) {
    const AgentRecord& a = agents_[agent];
    return agent != except && a.caller == id &&
           (a.state == AgentState::kReserved || a.state == AgentState::kRinging);
  };
  if (c.offers_out == 1 && c.agent != kNoAgent && offered_this(c.agent)) {
    cancel(c.agent);
    return;
  }
  // Ring-all: the caller's queue members hold the offers.
  for (AgentId agent : queues_[c.queue].members) {
    if (c.offers_out == 0) break;
    if (offered_this(agent)) cancel(agent);
  }
}

// Agents freed together are matched longest idle first.
void Engine::match_freed_agents() {
  std::sort(scratch_agents_.begin(), scratch_agents_.end(), [&](AgentId x, AgentId y) {
    const AgentRecord& a = agents_[x];
    const AgentRecord& b = agents_[y];
    return a.idle_since_us != b.idle_since_us ? a.idle_since_us < b.idle_since_us : x < y;
  });
  for (AgentId id : scratch_agents_) match_agent(id);
  scratch_agents_.clear();
}

Result<CallerId> Engine::caller_arrives(std::int64_t now_us, const Arrival& arrival) {
  Status s = begin(now_us);
  if (!s.ok()) return s.error();
  if (arrival.queue >= queues_.size())
    return Error{"unknown queue " + std::to_string(arrival.queue)};
  if (arrival.priority >= kPriorityLevels)
    return Error{"caller priority " + std::to_string(arrival.priority) + " is outside 0..9"};
  SkillId wanted[kMaxCallerSkills] = {arrival.line_skill, arrival.incoming_skills[0],
                                      arrival.incoming_skills[1], arrival.incoming_skills[2]};
  SkillId skills[kMaxCallerSkills];
  int count = 0;
  for (SkillId skill : wanted) {
    if (skill == kNoSkill) continue;
    if (skill >= skills_.size()) return Error{"unknown skill " + std::to_string(skill)};
    if (std::find(skills, skills + count, skill) == skills + count) skills[count++] = skill;
  }
  std::uint32_t slot = allocate_caller();
  if (slot == kNil)
    return Error{"caller table full (max_callers=" + std::to_string(config_.limits.max_callers) +
                 ")"};
  CallerRecord& c = callers_[slot];
  c.priority = arrival.priority;
  c.skill_count = static_cast<std::uint8_t>(count);
  std::copy(skills, skills + count, c.skills);
  c.arrived_us = now_us_;
  c.seq = next_seq_++;
  for (int i = 0; i < count; ++i) ++skills_[skills[i]].counters.offered;
  const CallerId id = caller_id(slot);
  enter_queue(slot, arrival.queue);
  return id;
}

Status Engine::offer_ringing(std::int64_t now_us, AgentId agent, CallerId caller) {
  Status s = begin(now_us);
  if (!s.ok()) return s;
  if (s = check_agent(agent); !s.ok()) return s;
  Result<std::uint32_t> slot = check_caller(caller);
  if (!slot.ok()) return slot.error();
  const AgentRecord& a = agents_[agent];
  if (a.state == AgentState::kRinging && a.caller == caller) return Status::Ok();  // a repeated 180
  if (a.state != AgentState::kReserved || a.caller != caller)
    return agent_error(agent, "not reserved for caller " + std::to_string(caller));
  set_state(agent, AgentState::kRinging, kReasonNone);
  return Status::Ok();
}

Status Engine::offer_answered(std::int64_t now_us, AgentId agent, CallerId caller) {
  Status s = begin(now_us);
  if (!s.ok()) return s;
  if (s = check_agent(agent); !s.ok()) return s;
  Result<std::uint32_t> slot = check_caller(caller);
  if (!slot.ok()) return slot.error();
  AgentRecord& a = agents_[agent];
  if ((a.state != AgentState::kReserved && a.state != AgentState::kRinging) || a.caller != caller)
    return agent_error(agent, "no offer of caller " + std::to_string(caller) + " to answer");
  CallerRecord& c = callers_[*slot];
  --c.offers_out;
  set_state(agent, AgentState::kTalking, kReasonNone);
  a.talk_started_us = now_us_;
  a.unanswered_in_row = 0;
  ++a.calls;
  ++a.session_calls;
  a.call_skill_count = c.skill_count;
  std::copy(c.skills, c.skills + c.skill_count, a.call_skills);
  c.state = CallerState::kConnected;
  c.agent = agent;
  --queues_[c.queue].being_offered;
  count_answer(*slot);
  if (!subscribers_.empty()) {
    Event e;
    e.kind = EventKind::kCallerAnswered;
    e.at_us = now_us_;
    e.agent = agent;
    e.caller = caller;
    e.queue = c.queue;
    e.wait_us = now_us_ - c.entered_us;
    emit(e);
  }
  if (c.offers_out > 0) {
    cancel_offers(*slot, agent);
    match_freed_agents();
  }
  return Status::Ok();
}

Status Engine::offer_failed(std::int64_t now_us, AgentId agent, CallerId caller,
                            OfferFailure failure) {
  Status s = begin(now_us);
  if (!s.ok()) return s;
  if (s = check_agent(agent); !s.ok()) return s;
  Result<std::uint32_t> slot = check_caller(caller);
  if (!slot.ok()) return slot.error();
  const AgentRecord& a = agents_[agent];
  if ((a.state != AgentState::kReserved && a.state != AgentState::kRinging) || a.caller != caller)
    return agent_error(agent, "no offer of caller " + std::to_string(caller) + " that could fail");
  fail_offer(agent, *slot, failure);
  return Status::Ok();
}

// The caller is dealt with first (while the agent is still reserved, so it
// cannot be offered the same caller again at once); then the agent is ready
// after the failure's delay, or not ready after too many unanswered offers.
void Engine::fail_offer(AgentId agent, std::uint32_t slot, OfferFailure failure) {
  AgentRecord& a = agents_[agent];
  CallerRecord& c = callers_[slot];
  ++a.offers_failed;
  a.caller = kNoCaller;
  a.call_queue = kNoQueue;
  if (failure == OfferFailure::kNoAnswer) ++a.unanswered_in_row;
  if (failure == OfferFailure::kRejected) a.unanswered_in_row = 0;  // the agent is there
  --c.offers_out;
  if (c.offers_out == 0) return_to_waiting(slot);
  if (config_.max_unanswered_offers > 0 && a.unanswered_in_row >= config_.max_unanswered_offers) {
    set_state(agent, AgentState::kNotReady, kReasonUnansweredOffers);
    return;
  }
  std::int64_t delay = 0;
  switch (failure) {
    case OfferFailure::kBusy:
    case OfferFailure::kError:
      delay = config_.busy_delay_us;
      break;
    case OfferFailure::kRejected:
      delay = config_.reject_delay_us;
      break;
    case OfferFailure::kNoAnswer:
      delay = config_.no_answer_delay_us;
      break;
  }
  become_ready(agent, delay);
  match_agent(agent);
}

Status Engine::caller_abandoned(std::int64_t now_us, CallerId caller) {
  Status s = begin(now_us);
  if (!s.ok()) return s;
  Result<std::uint32_t> slot = check_caller(caller);
  if (!slot.ok()) return slot.error();
  CallerRecord& c = callers_[*slot];
  if (c.state == CallerState::kConnected)
    return Error{"caller " + std::to_string(caller) + " is connected to agent '" +
                 agents_[c.agent].name + "'; report call_ended instead"};
  if (c.in_bucket) bucket_remove(*slot);
  if (c.state == CallerState::kOffered) {
    cancel_offers(*slot, kNoAgent);
    --queues_[c.queue].being_offered;
  }
  count_abandon(*slot);
  if (!subscribers_.empty()) {
    Event e;
    e.kind = EventKind::kCallerAbandoned;
    e.at_us = now_us_;
    e.caller = caller;
    e.queue = c.queue;
    e.wait_us = now_us_ - c.entered_us;
    emit(e);
  }
  release_caller(*slot);
  match_freed_agents();
  return Status::Ok();
}

Status Engine::call_ended(std::int64_t now_us, AgentId agent, CallerId caller) {
  Status s = begin(now_us);
  if (!s.ok()) return s;
  if (s = check_agent(agent); !s.ok()) return s;
  Result<std::uint32_t> slot = check_caller(caller);
  if (!slot.ok()) return slot.error();
  AgentRecord& a = agents_[agent];
  if (a.state != AgentState::kTalking || a.caller != caller)
    return agent_error(agent, "not talking with caller " + std::to_string(caller));
  std::int64_t talk = now_us_ - a.talk_started_us;
  a.talk_us += talk;
  a.session_talk_us += talk;
  QueueRecord& q = queues_[a.call_queue];
  ++q.counters.handled;
  q.counters.talk_us += talk;
  for (int i = 0; i < a.call_skill_count; ++i) {
    FlowCounters& sc = skills_[a.call_skills[i]].counters;
    ++sc.handled;
    sc.talk_us += talk;
  }
  if (!subscribers_.empty()) {
    Event e;
    e.kind = EventKind::kCallerEnded;
    e.at_us = now_us_;
    e.agent = agent;
    e.caller = caller;
    e.queue = a.call_queue;
    emit(e);
  }
  release_caller(*slot);
  a.caller = kNoCaller;
  std::int64_t wrap = q.config.wrap_up_us;
  if (wrap == 0) {
    after_call_work_done(agent);
    return Status::Ok();
  }
  set_state(agent, AgentState::kWrapUp, kReasonNone);
  a.wrap_started_us = now_us_;
  if (wrap != kNever) timers_.push(now_us_ + wrap, TimerKind::kAgentWrapUp, agent, a.epoch);
  return Status::Ok();
}

}  // namespace trunkline::acd
