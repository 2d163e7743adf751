// Engine: matching callers with agents.
//
// The engine keeps one invariant between calls: no free agent qualifies for
// any waiting caller. So each change needs only a local look:
//  - a caller enters a queue, or its skill requirement expands: pick among
//    the queue's free agents that qualify, by the queue's strategy;
//  - an agent becomes free: it is the only free agent able to take any of
//    the callers it qualifies for, so it takes the best of them by score.
// A caller's score is 100 points per priority level (the queue's plus the
// caller's) plus the queue's ageing points per second waited since arrival;
// equal scores go to the earlier arrival.
#include <algorithm>
#include <bit>

#include "control/acd/engine.h"

namespace trunkline::acd {
namespace {

constexpr std::int64_t kPriorityMilliPoints = 100'000;  // 100 points per priority level

}  // namespace

bool Engine::qualifies(const AgentRecord& a, const CallerRecord& c,
                       std::uint8_t* proficiency) const {
  std::uint8_t lowest = kMaxProficiency;
  for (int i = 0; i < c.skill_count; ++i) {
    std::uint8_t level = a.level(c.skills[i]);
    if (level < c.min_level) return false;
    lowest = std::min(lowest, level);
  }
  *proficiency = lowest;
  return true;
}

bool Engine::has_logged_in_candidate(const QueueRecord& q, const CallerRecord& c) const {
  if (q.logged_in_members == 0) return false;
  if (c.skill_count == 0) return true;
  for (AgentId id : q.members) {
    const AgentRecord& a = agents_[id];
    if (!a.logged_in()) continue;
    bool holds = true;
    for (int i = 0; i < c.skill_count && holds; ++i)
      holds = a.level(c.skills[i]) >= q.final_min_level;
    if (holds) return true;
  }
  return false;
}

std::int64_t Engine::score(const QueueRecord& q, const CallerRecord& c) const {
  return (q.config.priority + c.priority) * kPriorityMilliPoints +
         (now_us_ - c.arrived_us) * q.config.ageing_milli_per_s / 1'000'000;
}

// Buckets hold callers oldest first (by arrival sequence). New arrivals go
// last; a caller back from a failed offer is usually the oldest and goes first.
void Engine::bucket_insert(std::uint32_t slot) {
  CallerRecord& c = callers_[slot];
  QueueRecord& q = queues_[c.queue];
  Bucket& b = q.buckets[c.priority];
  std::uint32_t after = b.tail;
  if (after != kNil && callers_[after].seq > c.seq) {
    if (callers_[b.head].seq > c.seq) {
      after = kNil;
    } else {
      while (callers_[after].seq > c.seq) after = callers_[after].prev;
    }
  }
  c.prev = after;
  c.next = after == kNil ? b.head : callers_[after].next;
  if (c.next == kNil)
    b.tail = slot;
  else
    callers_[c.next].prev = slot;
  if (after == kNil)
    b.head = slot;
  else
    callers_[after].next = slot;
  q.nonempty_buckets |= 1u << c.priority;
  ++q.waiting;
  c.in_bucket = true;
  c.state = CallerState::kWaiting;
}

void Engine::bucket_remove(std::uint32_t slot) {
  CallerRecord& c = callers_[slot];
  QueueRecord& q = queues_[c.queue];
  Bucket& b = q.buckets[c.priority];
  if (c.prev == kNil)
    b.head = c.next;
  else
    callers_[c.prev].next = c.next;
  if (c.next == kNil)
    b.tail = c.prev;
  else
    callers_[c.next].prev = c.prev;
  if (b.head == kNil) q.nonempty_buckets &= ~(1u << c.priority);
  c.prev = c.next = kNil;
  --q.waiting;
  c.in_bucket = false;
}

void Engine::arm_caller_timers(std::uint32_t slot) {
  const CallerRecord& c = callers_[slot];
  const QueueConfig& qc = queues_[c.queue].config;
  if (qc.expansion.size() > 1)
    timers_.push(c.entered_us + qc.expansion[1].after_us, TimerKind::kCallerStep, slot,
                 c.generation, c.entry);
  if (qc.max_wait_us > 0)
    timers_.push(c.entered_us + qc.max_wait_us, TimerKind::kCallerMaxWait, slot, c.generation,
                 c.entry);
}

void Engine::enter_queue(std::uint32_t slot, QueueId queue) {
  CallerRecord& c = callers_[slot];
  QueueRecord& q = queues_[queue];
  c.queue = queue;
  c.entered_us = now_us_;
  ++c.entry;
  c.step = 0;
  c.min_level =
      q.config.expansion.empty() ? kMinProficiency : q.config.expansion[0].min_proficiency;
  c.state = CallerState::kWaiting;
  ++q.counters.offered;
  if (match_caller(slot)) return;
  if (q.config.when_no_agents == NoAgentsPolicy::kOverflow && !has_logged_in_candidate(q, c)) {
    overflow(slot, OverflowReason::kNoAgents);
    return;
  }
  if (q.config.max_waiting > 0 && q.waiting + q.being_offered >= q.config.max_waiting) {
    overflow(slot, OverflowReason::kQueueFull);
    return;
  }
  bucket_insert(slot);
  arm_caller_timers(slot);
  Decision d;
  d.caller = caller_id(slot);
  d.queue = queue;
  if (q.config.greeting_announcement != 0) {
    d.kind = DecisionKind::kPlayAnnouncement;
    d.resource = q.config.greeting_announcement;
    decide(d);
  }
  d.kind = DecisionKind::kPlayMusic;
  d.resource = q.config.music;
  decide(d);
  if (!subscribers_.empty()) {
    Event e;
    e.kind = EventKind::kCallerQueued;
    e.at_us = now_us_;
    e.caller = d.caller;
    e.queue = queue;
    emit(e);
  }
}

bool Engine::match_caller(std::uint32_t slot) {
  const CallerRecord& c = callers_[slot];
  QueueRecord& q = queues_[c.queue];
  if (q.free_count == 0) return false;
  std::uint8_t proficiency = 0;
  if (q.config.strategy == Strategy::kRingAll) {
    bool any = false;
    for (std::uint32_t node = q.free_head; node != kNil;) {
      std::uint32_t next = link(node).next;  // offer() unlinks `node`
      AgentId id = free_node_agent(node);
      if (qualifies(agents_[id], c, &proficiency)) {
        offer(slot, id, link(node).position);
        any = true;
      }
      node = next;
    }
    return any;
  }
  AgentSelector selector(q.config.strategy, q.last_position,
                         static_cast<std::uint32_t>(q.members.size()), &rng_);
  for (std::uint32_t node = q.free_head; node != kNil && !selector.settled();
       node = link(node).next) {
    AgentId id = free_node_agent(node);
    const AgentRecord& a = agents_[id];
    if (!qualifies(a, c, &proficiency)) continue;
    selector.consider(
        Candidate{id, link(node).position, proficiency, a.session_calls, a.session_talk_us});
  }
  if (!selector.has_choice()) return false;
  offer(slot, selector.choice().agent, selector.choice().position);
  return true;
}

bool Engine::match_agent(AgentId id) {
  const AgentRecord& a = agents_[id];
  if (!a.free) return false;
  std::uint32_t best = kNil;
  std::int64_t best_score = 0;
  std::uint32_t best_position = 0;
  std::uint8_t proficiency = 0;
  for (int i = 0; i < a.membership_count; ++i) {
    const Membership& m = a.memberships[i];
    const QueueRecord& q = queues_[m.queue];
    if (q.waiting == 0) continue;
    // Within a bucket callers are in score order, so the first qualified one
    // is the bucket's best; across buckets and queues, compare scores now.
    for (std::uint32_t mask = q.nonempty_buckets; mask != 0; mask &= mask - 1) {
      const Bucket& b = q.buckets[std::countr_zero(mask)];
      for (std::uint32_t s = b.head; s != kNil; s = callers_[s].next) {
        const CallerRecord& c = callers_[s];
        if (!qualifies(a, c, &proficiency)) continue;
        std::int64_t sc = score(q, c);
        if (best == kNil || sc > best_score || (sc == best_score && c.seq < callers_[best].seq)) {
          best = s;
          best_score = sc;
          best_position = m.position;
        }
        break;
      }
    }
  }
  if (best == kNil) return false;
  offer(best, id, best_position);
  return true;
}

void Engine::offer(std::uint32_t slot, AgentId id, std::uint32_t position) {
  CallerRecord& c = callers_[slot];
  QueueRecord& q = queues_[c.queue];
  AgentRecord& a = agents_[id];
  if (c.in_bucket) bucket_remove(slot);
  if (c.state != CallerState::kOffered) {
    c.state = CallerState::kOffered;
    ++q.being_offered;
  }
  ++c.offers_out;
  c.agent = id;
  a.saved_idle_since_us = a.idle_since_us;
  make_unfree(id);
  a.caller = caller_id(slot);
  a.call_queue = c.queue;
  ++a.offers;
  ++a.offer_serial;
  q.last_position = position;
  set_state(id, AgentState::kReserved, kReasonNone);
  if (q.config.ring_timeout_us > 0)
    timers_.push(now_us_ + q.config.ring_timeout_us, TimerKind::kAgentRingTimeout, id,
                 a.offer_serial);
  Decision d;
  d.kind = DecisionKind::kOffer;
  d.caller = a.caller;
  d.agent = id;
  d.queue = c.queue;
  decide(d);
  if (!subscribers_.empty()) {
    Event e;
    e.kind = EventKind::kCallerOffered;
    e.at_us = now_us_;
    e.agent = id;
    e.caller = d.caller;
    e.queue = c.queue;
    e.wait_us = now_us_ - c.entered_us;
    emit(e);
  }
}

void Engine::overflow(std::uint32_t slot, OverflowReason reason) {
  CallerRecord& c = callers_[slot];
  QueueRecord& q = queues_[c.queue];
  if (c.in_bucket) bucket_remove(slot);
  ++q.counters.overflowed;
  CallerId id = caller_id(slot);
  if (!subscribers_.empty()) {
    Event e;
    e.kind = EventKind::kCallerOverflowed;
    e.at_us = now_us_;
    e.caller = id;
    e.queue = c.queue;
    e.overflow_reason = reason;
    e.wait_us = now_us_ - c.entered_us;
    emit(e);
  }
  static const OverflowAction kRefuseOnLoop{};  // refuse with 503
  const OverflowAction* action = &q.config.overflow[static_cast<int>(reason)];
  if (action->kind == OverflowKind::kQueue && c.hops >= kMaxOverflowHops) {
    reason = OverflowReason::kHopLimit;
    action = &q.config.overflow[static_cast<int>(reason)];
    if (action->kind == OverflowKind::kQueue) action = &kRefuseOnLoop;
  }
  Decision d;
  d.caller = id;
  d.queue = c.queue;
  d.reason = reason;
  switch (action->kind) {
    case OverflowKind::kQueue:
      d.kind = DecisionKind::kOverflowToQueue;
      d.queue = action->queue;
      decide(d);
      ++c.hops;
      enter_queue(slot, action->queue);
      return;
    case OverflowKind::kAnnouncement:
      d.kind = DecisionKind::kOverflowToAnnouncement;
      d.resource = action->announcement;
      break;
    case OverflowKind::kExternal:
      d.kind = DecisionKind::kOverflowToExternal;
      d.external_number = action->external_number;
      break;
    case OverflowKind::kRefuse:
      d.kind = DecisionKind::kRefuse;
      d.resource = action->sip_status;
      if (!subscribers_.empty()) {
        Event e;
        e.kind = EventKind::kCallerRefused;
        e.at_us = now_us_;
        e.caller = id;
        e.queue = c.queue;
        e.overflow_reason = reason;
        emit(e);
      }
      break;
  }
  decide(d);
  for (int i = 0; i < c.skill_count; ++i) ++skills_[c.skills[i]].counters.overflowed;
  release_caller(slot);
}

// Every offer of the caller failed: it waits again in its old place, unless it
// has waited the queue's maximum meanwhile, or another agent can take it.
void Engine::return_to_waiting(std::uint32_t slot) {
  CallerRecord& c = callers_[slot];
  QueueRecord& q = queues_[c.queue];
  c.state = CallerState::kWaiting;
  c.agent = kNoAgent;
  c.offers_out = 0;
  --q.being_offered;
  if (q.config.max_wait_us > 0 && now_us_ - c.entered_us >= q.config.max_wait_us) {
    overflow(slot, OverflowReason::kMaxWait);
    return;
  }
  if (match_caller(slot)) return;
  bucket_insert(slot);
  Decision d;
  d.kind = DecisionKind::kPlayMusic;
  d.caller = caller_id(slot);
  d.queue = c.queue;
  d.resource = q.config.music;
  decide(d);
  if (!subscribers_.empty()) {
    Event e;
    e.kind = EventKind::kCallerQueued;
    e.at_us = now_us_;
    e.caller = d.caller;
    e.queue = c.queue;
    e.wait_us = now_us_ - c.entered_us;
    emit(e);
  }
}

}  // namespace trunkline::acd
