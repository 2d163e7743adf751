// The simulation loop: builds the engine from the scenario, then pops
// simulated events (arrivals, answers, hang-ups, shifts, batch boundaries)
// and engine deadlines in time order, calling the engine and acting on its
// decisions.
#include "control/acd/simulator.h"

#include <algorithm>

#include "control/acd/simulation.h"

namespace trunkline::acd {
namespace sim {

Status Simulation::build() {
  Result<std::unique_ptr<Engine>> e = Engine::create(s_.engine);
  if (!e.ok()) return e.error();
  engine_ = std::move(*e);
  for (const SkillConfig& k : s_.skills)
    if (Result<SkillId> r = engine_->add_skill(k); !r.ok()) return r.error();
  for (const ScenarioQueue& q : s_.queues) {
    QueueConfig c = q.config;
    for (OverflowAction& a : c.overflow) a = OverflowAction{};
    if (Result<QueueId> r = engine_->add_queue(c); !r.ok()) return r.error();
  }
  for (std::size_t i = 0; i < s_.queues.size(); ++i)
    for (int r = 0; r < kOverflowReasonCount; ++r)
      if (s_.queues[i].overflow[r].set)
        if (Status st =
                engine_->set_overflow(static_cast<QueueId>(i), static_cast<OverflowReason>(r),
                                      s_.queues[i].overflow[r].action);
            !st.ok())
          return st;
  auto skill_id = [&](const std::string& name) { return *engine_->find_skill(name); };
  for (std::uint32_t g = 0; g < s_.agents.size(); ++g) {
    const ScenarioAgentGroup& group = s_.agents[g];
    AgentConfig c;
    for (const ScenarioSkillLevel& l : group.skills)
      c.skills.push_back({skill_id(l.skill), l.level});
    for (const std::string& q : group.queues) c.queues.push_back(*engine_->find_queue(q));
    for (std::uint32_t n = 1; n <= group.count; ++n) {
      c.name = group.count == 1 ? group.name : group.name + "-" + std::to_string(n);
      Result<AgentId> id = engine_->add_agent(c);
      if (!id.ok()) return id.error();
      SimAgent a;
      a.id = *id;
      a.group = g;
      a.levels.assign(s_.skills.size(), 0);
      for (const AgentSkill& k : c.skills) a.levels[k.skill] = k.level;
      a.member.assign(s_.queues.size(), false);
      for (QueueId q : c.queues) a.member[q] = true;
      std::uint32_t index = static_cast<std::uint32_t>(agents_.size());
      agents_.push_back(std::move(a));
      if (group.shifts.empty()) push(0, Ev::kLogin, index);
      for (const Shift& sh : group.shifts) {
        push(sh.login_us, Ev::kLogin, index);
        if (sh.logout_us != kNever) push(sh.logout_us, Ev::kLogout, index);
      }
      for (std::uint32_t b = 0; b < group.breaks.size(); ++b) {
        push(group.breaks[b].start_us, Ev::kBreakStart, index, 0, b);
        push(group.breaks[b].start_us + group.breaks[b].duration_us, Ev::kBreakEnd, index, 0, b);
      }
    }
  }
  SplitMix64 seeder(s_.seed);
  for (const ScenarioTraffic& t : s_.traffic) {
    SimTraffic st{Arrival{}, {}, std::min(t.end_us, s_.duration_us), SplitMix64(seeder.next())};
    st.arrival.queue = *engine_->find_queue(t.queue);
    st.arrival.priority = t.priority;
    if (!t.line_skill.empty()) st.arrival.line_skill = skill_id(t.line_skill);
    for (std::size_t i = 0; i < t.incoming_skills.size(); ++i)
      st.arrival.incoming_skills[i] = skill_id(t.incoming_skills[i]);
    for (SkillId k : {st.arrival.line_skill, st.arrival.incoming_skills[0],
                      st.arrival.incoming_skills[1], st.arrival.incoming_skills[2]})
      if (k != kNoSkill && std::find(st.skills.begin(), st.skills.end(), k) == st.skills.end())
        st.skills.push_back(k);
    traffic_.push_back(std::move(st));
  }
  for (std::uint32_t i = 0; i < traffic_.size(); ++i) {
    if (s_.traffic[i].arrivals_per_s <= 0) continue;
    push(s_.traffic[i].start_us + Distribution::exponential(1.0 / s_.traffic[i].arrivals_per_s)
                                      .sample_us(traffic_[i].rng),
         Ev::kArrival, i);
  }
  for (std::uint32_t k = 0; k <= s_.batches; ++k)
    push(s_.warmup_us + (s_.duration_us - s_.warmup_us) * k / s_.batches, Ev::kBatch, k);
  queue_sl_.resize(s_.queues.size());
  queue_asa_.resize(s_.queues.size());
  skill_sl_.resize(s_.skills.size());
  skill_asa_.resize(s_.skills.size());
  engine_->subscribe(this);
  return Status::Ok();
}

Result<SimulationResult> Simulation::run() {
  if (Status st = build(); !st.ok()) return st.error();
  const std::int64_t end = s_.duration_us + s_.drain_us;
  std::int64_t now = 0;
  for (;;) {
    std::int64_t te = engine_->next_deadline_us();
    std::int64_t ts = events_.empty() ? kNever : events_.top().at;
    std::int64_t t = std::min(te, ts);
    if (t == kNever || t > end) break;
    if (t > s_.duration_us && active_.empty()) break;  // drained
    now = t;
    if (te <= ts) {
      expect(engine_->tick(te), "tick");
      apply_decisions();
      continue;
    }
    SimEvent ev = events_.top();
    events_.pop();
    handle(ev);
  }
  result_.ended_us = now;
  result_.callers.in_system_at_end = active_.size();
  if (engine_->callers_in_system() != active_.size())
    violation("engine holds " + std::to_string(engine_->callers_in_system()) +
              " callers but the simulator counts " + std::to_string(active_.size()));
  // No caller lost: each one is answered, abandoned, overflowed, refused, or
  // still waiting at the end.
  const CallerTotals& c = result_.callers;
  std::uint64_t unanswered = 0;
  for (std::uint32_t i : active_) unanswered += callers_[i].phase != Phase::kTalking;
  if (c.arrived != c.answered + c.abandoned + c.overflowed + c.refused + unanswered)
    violation("caller totals do not balance: arrived " + std::to_string(c.arrived));
  result_.measured_from_us = s_.warmup_us;
  result_.measured_to_us = s_.duration_us;
  for (std::size_t q = 0; q < s_.queues.size(); ++q)
    result_.queue_batches.push_back({s_.queues[q].config.name, estimate_from_batches(queue_sl_[q]),
                                     estimate_from_batches(queue_asa_[q])});
  for (std::size_t k = 0; k < s_.skills.size(); ++k)
    result_.skill_batches.push_back({s_.skills[k].name, estimate_from_batches(skill_sl_[k]),
                                     estimate_from_batches(skill_asa_[k])});
  result_.erlang = erlang_references(s_);
  engine_->unsubscribe(this);
  return std::move(result_);
}

void Simulation::expect(const Status& status, const char* what) {
  ++result_.engine_calls;
  if (!status.ok())
    violation(std::string("engine refused ") + what + ": " + status.error().message);
}

void Simulation::violation(std::string text) {
  ++result_.invariants.violations;
  if (result_.invariants.examples.size() < 10)
    result_.invariants.examples.push_back("t=" + std::to_string(engine_->now_us() / 1e6) + "s " +
                                          text);
}

SimCaller* Simulation::find(CallerId id) {
  auto it = by_id_.find(id);
  if (it != by_id_.end()) return &callers_[it->second];
  if (pending_arrival_ == UINT32_MAX) return nullptr;
  // Events of the caller being added arrive before caller_arrives() returns its id.
  SimCaller& c = callers_[pending_arrival_];
  c.id = id;
  by_id_[id] = pending_arrival_;
  pending_arrival_ = UINT32_MAX;
  return &c;
}

void Simulation::finish(SimCaller& c, std::uint64_t* outcome) {
  if (c.phase == Phase::kDone) {
    violation("caller " + std::to_string(c.id) + " got a second outcome");
    return;
  }
  if (outcome != nullptr) ++*outcome;
  c.phase = Phase::kDone;
  std::uint32_t last = active_.back();
  active_[c.active_pos] = last;
  callers_[last].active_pos = c.active_pos;
  active_.pop_back();
  by_id_.erase(c.id);
}

void Simulation::arrive(const SimEvent& ev) {
  SimTraffic& t = traffic_[ev.index];
  const ScenarioTraffic& spec = s_.traffic[ev.index];
  std::int64_t next = ev.at + Distribution::exponential(1.0 / spec.arrivals_per_s).sample_us(t.rng);
  if (next < t.end_us) push(next, Ev::kArrival, ev.index);
  SimCaller c;
  c.traffic = ev.index;
  c.arrived = ev.at;
  c.entered = ev.at;
  c.queue = t.arrival.queue;
  c.handle_us = spec.handle.sample_us(t.rng);
  std::int64_t patience = spec.patience.sample_us(t.rng);
  std::uint32_t index = static_cast<std::uint32_t>(callers_.size());
  c.active_pos = static_cast<std::uint32_t>(active_.size());
  callers_.push_back(c);
  active_.push_back(index);
  ++result_.callers.arrived;
  pending_arrival_ = index;
  Result<CallerId> id = engine_->caller_arrives(ev.at, t.arrival);
  ++result_.engine_calls;
  if (!id.ok()) {
    violation("engine refused an arrival: " + id.error().message);
    pending_arrival_ = UINT32_MAX;
    finish(callers_[index], &result_.callers.refused);
    return;
  }
  if (pending_arrival_ == index) find(*id);  // no event named it (no subscriber-visible step)
  pending_arrival_ = UINT32_MAX;
  apply_decisions();
  if (patience != kNever) push(ev.at + patience, Ev::kAbandon, index);
}

void Simulation::handle(const SimEvent& ev) {
  if (ev.kind == Ev::kArrival) return arrive(ev);
  if (ev.kind == Ev::kBatch) return batch(ev.index, ev.at);
  if (ev.kind == Ev::kAbandon) {
    SimCaller& c = callers_[ev.index];
    if (c.phase == Phase::kWaiting || c.phase == Phase::kOffered)
      expect(engine_->caller_abandoned(ev.at, c.id), "caller_abandoned");
    apply_decisions();
    return;
  }
  SimAgent& a = agents_[ev.index];
  const ScenarioAgentGroup& g = s_.agents[a.group];
  switch (ev.kind) {
    case Ev::kRing:
      if (offer_current(a, ev.token) && a.state == AgentState::kReserved)
        expect(engine_->offer_ringing(ev.at, a.id, a.offer), "offer_ringing");
      break;
    case Ev::kAnswer:
      if (offer_current(a, ev.token)) {
        CallerId caller = a.offer;
        expect(engine_->offer_answered(ev.at, a.id, caller), "offer_answered");
        if (SimCaller* c = find(caller); c != nullptr && a.call == caller)
          push(ev.at + c->handle_us, Ev::kCallEnd, ev.index, a.calls_answered);
      }
      break;
    case Ev::kFail:
      if (offer_current(a, ev.token))
        expect(engine_->offer_failed(ev.at, a.id, a.offer, static_cast<OfferFailure>(ev.extra)),
               "offer_failed");
      break;
    case Ev::kCallEnd:
      if (a.call != kNoCaller && a.calls_answered == ev.token) {
        QueueId q = find(a.call) != nullptr ? find(a.call)->queue : kNoQueue;
        expect(engine_->call_ended(ev.at, a.id, a.call), "call_ended");
        if (q != kNoQueue && engine_->queue_config(q).wrap_up_us != 0 && !g.wrap_up.never())
          push(ev.at + g.wrap_up.sample_us(behaviour_rng_), Ev::kWrapEnd, ev.index, a.calls_ended);
      }
      break;
    case Ev::kWrapEnd:
      if (a.calls_ended == ev.token && a.state == AgentState::kWrapUp)
        expect(engine_->end_wrap_up(ev.at, a.id), "end_wrap_up");
      break;
    case Ev::kLogin:
      if (a.state == AgentState::kLoggedOut)
        expect(engine_->log_in(ev.at, a.id, !a.on_break), "log_in");
      break;
    case Ev::kLogout:
      if (a.state == AgentState::kReady || a.state == AgentState::kNotReady ||
          a.state == AgentState::kWrapUp) {
        expect(engine_->log_out(ev.at, a.id), "log_out");
      } else if (a.state != AgentState::kLoggedOut) {
        push(ev.at + kRetryUs, Ev::kLogout, ev.index);
      }
      break;
    case Ev::kBreakStart:
      if (a.state == AgentState::kReserved || a.state == AgentState::kRinging) {
        push(ev.at + kRetryUs, Ev::kBreakStart, ev.index, 0, ev.extra);
      } else if (a.state != AgentState::kLoggedOut) {
        a.on_break = true;
        expect(engine_->set_not_ready(ev.at, a.id, g.breaks[ev.extra].reason), "set_not_ready");
      }
      break;
    case Ev::kBreakEnd:
      if (!a.on_break) break;
      if (a.state == AgentState::kNotReady) {
        a.on_break = false;
        expect(engine_->set_ready(ev.at, a.id), "set_ready");
      } else if (a.state == AgentState::kLoggedOut) {
        a.on_break = false;
      } else {
        push(ev.at + kRetryUs, Ev::kBreakEnd, ev.index, 0,
             ev.extra);  // the break starts after the call
      }
      break;
    case Ev::kRecover:
      if (a.state == AgentState::kNotReady && !a.on_break)
        expect(engine_->set_ready(ev.at, a.id), "set_ready");
      break;
    default:
      break;
  }
  apply_decisions();
}

void Simulation::apply_decisions() {
  // Copied: handling a decision never calls the engine, but keep it obvious.
  std::vector<Decision> decisions(engine_->decisions().begin(), engine_->decisions().end());
  for (const Decision& d : decisions) {
    switch (d.kind) {
      case DecisionKind::kOffer:
        respond_to_offer(d.agent, d.caller, engine_->now_us());
        break;
      case DecisionKind::kOverflowToQueue:
        ++result_.callers.overflow_moves;
        break;
      case DecisionKind::kOverflowToAnnouncement:
      case DecisionKind::kOverflowToExternal:
        if (SimCaller* c = find(d.caller)) finish(*c, &result_.callers.overflowed);
        break;
      case DecisionKind::kRefuse:
        if (SimCaller* c = find(d.caller)) finish(*c, &result_.callers.refused);
        break;
      case DecisionKind::kCancelOffer:
      case DecisionKind::kPlayAnnouncement:
      case DecisionKind::kPlayMusic:
        break;
    }
  }
}

// The agent's phone: rings and answers, rings out, rejects, or is busy.
void Simulation::respond_to_offer(std::uint32_t agent_id, CallerId caller, std::int64_t now) {
  std::uint32_t index = agent_id;  // agents are added in order, so ids are indices
  SimAgent& a = agents_[index];
  if (a.offer != caller) return;  // already withdrawn within the same call
  const ScenarioAgentGroup& g = s_.agents[a.group];
  const std::uint64_t token = a.offer_token;
  double r = behaviour_rng_.uniform01();
  if (r < g.busy_probability) {
    push(now, Ev::kFail, index, token, static_cast<std::uint32_t>(OfferFailure::kBusy));
    return;
  }
  push(now, Ev::kRing, index, token);
  r -= g.busy_probability;
  if (r < g.no_answer_probability) {
    // With a ring timeout the engine withdraws the offer itself.
    SimCaller* c = find(caller);
    if (c != nullptr && engine_->queue_config(c->queue).ring_timeout_us == 0)
      push(now + g.no_answer_after_us, Ev::kFail, index, token,
           static_cast<std::uint32_t>(OfferFailure::kNoAnswer));
    return;
  }
  r -= g.no_answer_probability;
  std::int64_t delay = g.answer_delay.sample_us(behaviour_rng_);
  if (r < g.reject_probability) {
    push(now + delay, Ev::kFail, index, token, static_cast<std::uint32_t>(OfferFailure::kRejected));
    return;
  }
  push(now + delay, Ev::kAnswer, index, token);
}

// Batch 0 starts the measurement; batch k > 0 closes the k-th interval.
void Simulation::batch(std::uint32_t k, std::int64_t now) {
  if (k == 0) {
    expect(engine_->reset_counters(now), "reset_counters");
    apply_decisions();
    last_queue_counters_.assign(s_.queues.size(), FlowCounters{});
    last_skill_counters_.assign(s_.skills.size(), FlowCounters{});
    return;
  }
  MetricsSnapshot m = engine_->metrics(now);
  for (std::size_t q = 0; q < m.queues.size(); ++q) {
    FlowCounters d = m.queues[q].counters - last_queue_counters_[q];
    queue_sl_[q].push_back(service_level_pct(d));
    queue_asa_[q].push_back(average_speed_of_answer_s(d));
    last_queue_counters_[q] = m.queues[q].counters;
  }
  for (std::size_t i = 0; i < m.skills.size(); ++i) {
    FlowCounters d = m.skills[i].counters - last_skill_counters_[i];
    skill_sl_[i].push_back(service_level_pct(d));
    skill_asa_[i].push_back(average_speed_of_answer_s(d));
    last_skill_counters_[i] = m.skills[i].counters;
  }
  if (k == s_.batches) result_.metrics = std::move(m);
}

}  // namespace sim

Result<SimulationResult> simulate(const Scenario& scenario) {
  sim::Simulation simulation(scenario);
  return simulation.run();
}

}  // namespace trunkline::acd
