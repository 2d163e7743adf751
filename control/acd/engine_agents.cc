// Engine: agent states, the requests agents make, and the free-agent lists.
#include <string>

#include "control/acd/engine.h"

namespace trunkline::acd {

void Engine::set_state(AgentId id, AgentState to, ReasonCode reason) {
  AgentRecord& a = agents_[id];
  AgentState from = a.state;
  a.time_in_state.us[static_cast<int>(from)] += now_us_ - a.accounted_until_us;
  a.accounted_until_us = now_us_;
  if (from == AgentState::kLoggedOut && to != AgentState::kLoggedOut) {
    for (int i = 0; i < a.membership_count; ++i)
      ++queues_[a.memberships[i].queue].logged_in_members;
  } else if (from != AgentState::kLoggedOut && to == AgentState::kLoggedOut) {
    for (int i = 0; i < a.membership_count; ++i)
      --queues_[a.memberships[i].queue].logged_in_members;
  }
  a.state = to;
  a.reason = to == AgentState::kNotReady ? reason : kReasonNone;
  a.state_since_us = now_us_;
  ++a.epoch;
  if (!subscribers_.empty()) {
    Event e;
    e.kind = EventKind::kAgentState;
    e.at_us = now_us_;
    e.agent = id;
    e.caller = a.caller;
    e.queue = a.call_queue;
    e.from = from;
    e.to = to;
    e.reason = a.reason;
    emit(e);
  }
}

// Free lists stay ordered by idle_since (oldest first). A newly free agent has
// the latest idle time and goes last; one whose offer ended through no fault
// of its own gets its old idle time back and its old place.
void Engine::make_free(AgentId id, bool restore_idle) {
  AgentRecord& a = agents_[id];
  a.free = true;
  a.idle_since_us = restore_idle ? a.saved_idle_since_us : now_us_;
  for (int i = 0; i < a.membership_count; ++i) {
    Membership& m = a.memberships[i];
    QueueRecord& q = queues_[m.queue];
    std::uint32_t node = free_node(id, i);
    std::uint32_t after = q.free_tail;  // insert after this node (kNil: at the head)
    if (restore_idle) {
      while (after != kNil && agents_[free_node_agent(after)].idle_since_us > a.idle_since_us)
        after = link(after).prev;
    }
    m.prev = after;
    m.next = after == kNil ? q.free_head : link(after).next;
    if (m.next == kNil)
      q.free_tail = node;
    else
      link(m.next).prev = node;
    if (after == kNil)
      q.free_head = node;
    else
      link(after).next = node;
    ++q.free_count;
  }
}

void Engine::make_unfree(AgentId id) {
  AgentRecord& a = agents_[id];
  if (!a.free) return;
  a.free = false;
  for (int i = 0; i < a.membership_count; ++i) {
    Membership& m = a.memberships[i];
    QueueRecord& q = queues_[m.queue];
    if (m.prev == kNil)
      q.free_head = m.next;
    else
      link(m.prev).next = m.next;
    if (m.next == kNil)
      q.free_tail = m.prev;
    else
      link(m.next).prev = m.prev;
    m.prev = m.next = kNil;
    --q.free_count;
  }
}

// Ready now; offerable now or after `delay_us`. The caller of this function
// matches the agent when it is free.
void Engine::become_ready(AgentId id, std::int64_t delay_us) {
  set_state(id, AgentState::kReady, kReasonNone);
  AgentRecord& a = agents_[id];
  if (delay_us > 0) {
    a.offer_allowed_at_us = now_us_ + delay_us;
    timers_.push(a.offer_allowed_at_us, TimerKind::kAgentOfferDelay, id, a.epoch);
  } else {
    a.offer_allowed_at_us = now_us_;
    make_free(id, false);
  }
}

void Engine::account_wrap_up(AgentId id) {
  AgentRecord& a = agents_[id];
  std::int64_t wrap = now_us_ - a.wrap_started_us;
  if (a.call_queue != kNoQueue) queues_[a.call_queue].counters.wrap_up_us += wrap;
  for (int i = 0; i < a.call_skill_count; ++i)
    skills_[a.call_skills[i]].counters.wrap_up_us += wrap;
  a.call_queue = kNoQueue;
  a.call_skill_count = 0;
}

void Engine::after_call_work_done(AgentId id) {
  AgentRecord& a = agents_[id];
  a.call_queue = kNoQueue;
  a.call_skill_count = 0;
  if (a.pending_not_ready) {
    a.pending_not_ready = false;
    set_state(id, AgentState::kNotReady, a.pending_reason);
    return;
  }
  become_ready(id, 0);
  match_agent(id);
}

void Engine::end_wrap_up_now(AgentId id) {
  account_wrap_up(id);
  after_call_work_done(id);
}

// The queue overflows callers when no agent able to take them is logged in.
void Engine::overflow_callers_without_agents(QueueId queue) {
  QueueRecord& q = queues_[queue];
  if (q.config.when_no_agents != NoAgentsPolicy::kOverflow || q.waiting == 0) return;
  scratch_slots_.clear();
  for (const Bucket& b : q.buckets)
    for (std::uint32_t s = b.head; s != kNil; s = callers_[s].next)
      if (!has_logged_in_candidate(q, callers_[s])) scratch_slots_.push_back(s);
  for (std::uint32_t s : scratch_slots_)
    if (callers_[s].in_bucket && callers_[s].queue == queue) overflow(s, OverflowReason::kNoAgents);
  scratch_slots_.clear();
}

// ---------------------------------------------------------------- requests

Status Engine::log_in(std::int64_t now_us, AgentId id, bool ready) {
  Status s = begin(now_us);
  if (!s.ok()) return s;
  if (s = check_agent(id); !s.ok()) return s;
  AgentRecord& a = agents_[id];
  if (a.state != AgentState::kLoggedOut) return agent_error(id, "already logged in");
  a.session_calls = 0;
  a.session_talk_us = 0;
  a.unanswered_in_row = 0;
  a.pending_not_ready = false;
  if (!ready) {
    set_state(id, AgentState::kNotReady, kReasonLogin);
    return Status::Ok();
  }
  become_ready(id, 0);
  match_agent(id);
  return Status::Ok();
}

Status Engine::log_out(std::int64_t now_us, AgentId id) {
  Status s = begin(now_us);
  if (!s.ok()) return s;
  if (s = check_agent(id); !s.ok()) return s;
  AgentRecord& a = agents_[id];
  switch (a.state) {
    case AgentState::kLoggedOut:
      return agent_error(id, "not logged in");
    case AgentState::kReserved:
    case AgentState::kRinging:
      return agent_error(id, "cannot log out with an offer pending; answer or reject it first");
    case AgentState::kTalking:
      return agent_error(id, "cannot log out during a call");
    case AgentState::kWrapUp:
      account_wrap_up(id);
      break;
    case AgentState::kReady:
    case AgentState::kNotReady:
      break;
  }
  make_unfree(id);
  a.pending_not_ready = false;
  set_state(id, AgentState::kLoggedOut, kReasonNone);
  for (int i = 0; i < a.membership_count; ++i)
    overflow_callers_without_agents(a.memberships[i].queue);
  return Status::Ok();
}

Status Engine::set_ready(std::int64_t now_us, AgentId id) {
  Status s = begin(now_us);
  if (!s.ok()) return s;
  if (s = check_agent(id); !s.ok()) return s;
  AgentRecord& a = agents_[id];
  switch (a.state) {
    case AgentState::kNotReady:
      break;
    case AgentState::kWrapUp:
      account_wrap_up(id);
      a.pending_not_ready = false;
      break;
    case AgentState::kReady:
      return agent_error(id, "already ready");
    case AgentState::kLoggedOut:
      return agent_error(id, "log in first");
    default:
      return agent_error(id, "cannot become ready while handling a call");
  }
  become_ready(id, 0);
  match_agent(id);
  return Status::Ok();
}

Status Engine::set_not_ready(std::int64_t now_us, AgentId id, ReasonCode reason) {
  Status s = begin(now_us);
  if (!s.ok()) return s;
  if (s = check_agent(id); !s.ok()) return s;
  if (reason > kMaxUserReason)
    return Error{"not-ready reason " + std::to_string(reason) + " is reserved (use 0.." +
                 std::to_string(kMaxUserReason) + ")"};
  AgentRecord& a = agents_[id];
  switch (a.state) {
    case AgentState::kReady:
      make_unfree(id);
      break;
    case AgentState::kNotReady:
      break;
    case AgentState::kWrapUp:
      account_wrap_up(id);
      a.pending_not_ready = false;
      break;
    case AgentState::kTalking:
      // Applied when the call and its wrap-up are over.
      a.pending_not_ready = true;
      a.pending_reason = reason;
      return Status::Ok();
    case AgentState::kLoggedOut:
      return agent_error(id, "log in first");
    case AgentState::kReserved:
    case AgentState::kRinging:
      return agent_error(id, "an offer is pending; answer or reject it first");
  }
  set_state(id, AgentState::kNotReady, reason);
  return Status::Ok();
}

Status Engine::end_wrap_up(std::int64_t now_us, AgentId id) {
  Status s = begin(now_us);
  if (!s.ok()) return s;
  if (s = check_agent(id); !s.ok()) return s;
  if (agents_[id].state != AgentState::kWrapUp) return agent_error(id, "not in wrap-up");
  end_wrap_up_now(id);
  return Status::Ok();
}

}  // namespace trunkline::acd
