// Engine: construction, configuration, time and deadlines, the event stream
// and lookups. Agent states are in engine_agents.cc, matching in
// engine_routing.cc, offer and call outcomes in engine_calls.cc.
#include "control/acd/engine.h"

#include <algorithm>
#include <string>

namespace trunkline::acd {

Result<std::unique_ptr<Engine>> Engine::create(const EngineConfig& config) {
  Status s = validate_engine_config(config);
  if (!s.ok()) return s.error();
  return std::unique_ptr<Engine>(new Engine(config));
}

Engine::Engine(const EngineConfig& config) : config_(config), rng_(config.random_seed) {
  const EngineLimits& l = config.limits;
  agents_.reserve(l.max_agents);
  queues_.reserve(l.max_queues);
  skills_.reserve(l.max_skills);
  callers_.resize(l.max_callers);
  // Unused caller slots form a list through `next`, lowest slot first.
  for (std::uint32_t i = 0; i < l.max_callers; ++i)
    callers_[i].next = i + 1 < l.max_callers ? i + 1 : kNil;
  free_caller_slots_ = 0;
  // Per caller: an expansion step and a max-wait deadline at a time; per
  // agent: one of wrap-up, offer delay or ring timeout. Stale entries linger
  // until due, hence the headroom.
  timers_.reserve(4 * static_cast<std::size_t>(l.max_callers) + 4 * l.max_agents + 64);
  decisions_.reserve(l.max_agents + 64);
  scratch_agents_.reserve(l.max_agents);
  scratch_slots_.reserve(l.max_callers);
}

// ---------------------------------------------------------------- config

Result<SkillId> Engine::add_skill(const SkillConfig& config) {
  if (skills_.size() >= config_.limits.max_skills)
    return Error{"skill limit reached (" + std::to_string(config_.limits.max_skills) + ")"};
  Status s = validate_skill_config(config);
  if (!s.ok()) return s.error();
  if (find_skill(config.name).ok()) return Error{"skill '" + config.name + "' already exists"};
  skills_.push_back(SkillRecord{config, {}});
  return static_cast<SkillId>(skills_.size() - 1);
}

Result<QueueId> Engine::add_queue(const QueueConfig& config) {
  if (queues_.size() >= config_.limits.max_queues)
    return Error{"queue limit reached (" + std::to_string(config_.limits.max_queues) + ")"};
  Status s = validate_queue_config(config, queue_count());
  if (!s.ok()) return s.error();
  if (find_queue(config.name).ok()) return Error{"queue '" + config.name + "' already exists"};
  queues_.emplace_back();
  QueueRecord& q = queues_.back();
  q.config = config;
  q.final_min_level =
      config.expansion.empty() ? kMinProficiency : config.expansion.back().min_proficiency;
  q.members.reserve(64);
  return static_cast<QueueId>(queues_.size() - 1);
}

Status Engine::set_overflow(QueueId queue, OverflowReason reason, const OverflowAction& action) {
  if (queue >= queues_.size()) return Error{"unknown queue " + std::to_string(queue)};
  if (static_cast<int>(reason) >= kOverflowReasonCount) return Error{"unknown overflow reason"};
  Status s = validate_overflow_action(action, queue_count(), queue);
  if (!s.ok())
    return Error{"queue '" + queues_[queue].config.name + "' overflow on " +
                 std::string(overflow_reason_name(reason)) + ": " + s.error().message};
  queues_[queue].config.overflow[static_cast<int>(reason)] = action;
  return Status::Ok();
}

Result<AgentId> Engine::add_agent(const AgentConfig& config) {
  if (agents_.size() >= config_.limits.max_agents)
    return Error{"agent limit reached (" + std::to_string(config_.limits.max_agents) + ")"};
  if (config.name.empty() || config.name.size() > 64)
    return Error{"agent name must be 1..64 characters"};
  if (find_agent(config.name).ok()) return Error{"agent '" + config.name + "' already exists"};
  const std::string where = "agent '" + config.name + "': ";
  if (config.skills.size() > static_cast<std::size_t>(kMaxAgentSkills))
    return Error{where + "at most " + std::to_string(kMaxAgentSkills) + " skills"};
  if (config.queues.size() > static_cast<std::size_t>(kMaxAgentQueues))
    return Error{where + "member of at most " + std::to_string(kMaxAgentQueues) + " queues"};
  for (std::size_t i = 0; i < config.skills.size(); ++i) {
    const AgentSkill& s = config.skills[i];
    if (s.skill >= skills_.size()) return Error{where + "unknown skill " + std::to_string(s.skill)};
    if (s.level < kMinProficiency || s.level > kMaxProficiency)
      return Error{where + "skill '" + skills_[s.skill].config.name + "' level must be 1..5"};
    for (std::size_t j = 0; j < i; ++j)
      if (config.skills[j].skill == s.skill)
        return Error{where + "skill '" + skills_[s.skill].config.name + "' listed twice"};
  }
  for (std::size_t i = 0; i < config.queues.size(); ++i) {
    if (config.queues[i] >= queues_.size())
      return Error{where + "unknown queue " + std::to_string(config.queues[i])};
    for (std::size_t j = 0; j < i; ++j)
      if (config.queues[j] == config.queues[i])
        return Error{where + "queue '" + queues_[config.queues[i]].config.name + "' listed twice"};
  }
  AgentId id = static_cast<AgentId>(agents_.size());
  agents_.emplace_back();
  AgentRecord& a = agents_.back();
  a.name = config.name;
  for (const AgentSkill& s : config.skills) a.skills[a.skill_count++] = s;
  for (QueueId qid : config.queues) {
    QueueRecord& q = queues_[qid];
    Membership& m = a.memberships[a.membership_count++];
    m.queue = qid;
    m.position = static_cast<std::uint32_t>(q.members.size());
    q.members.push_back(id);
  }
  a.state_since_us = now_us_;
  a.accounted_until_us = now_us_;
  return id;
}

// ---------------------------------------------------------------- time

Status Engine::begin(std::int64_t now_us) {
  decisions_.clear();
  if (now_us < now_us_)
    return Error{"time went backwards: now_us=" + std::to_string(now_us) +
                 " is before the last call's " + std::to_string(now_us_)};
  run_timers(now_us);
  now_us_ = now_us;
  return Status::Ok();
}

// Each deadline runs at its own time, so state times and waits are exact even
// when the host calls late.
void Engine::run_timers(std::int64_t until_us) {
  while (!timers_.empty() && timers_.top().at_us <= until_us) {
    Timer t = timers_.pop();
    now_us_ = std::max(now_us_, t.at_us);
    fire(t);
  }
}

Status Engine::tick(std::int64_t now_us) { return begin(now_us); }

void Engine::fire(const Timer& t) {
  switch (t.kind) {
    case TimerKind::kCallerStep: {
      CallerRecord& c = callers_[t.index];
      if (c.generation != t.stamp || c.entry != t.stamp2 || c.state == CallerState::kUnused ||
          c.state == CallerState::kConnected)
        return;
      const QueueRecord& q = queues_[c.queue];
      c.step = static_cast<std::uint8_t>(c.step + 1);
      c.min_level = q.config.expansion[c.step].min_proficiency;
      if (static_cast<std::size_t>(c.step) + 1 < q.config.expansion.size())
        timers_.push(c.entered_us + q.config.expansion[c.step + 1].after_us, TimerKind::kCallerStep,
                     t.index, c.generation, c.entry);
      if (c.state == CallerState::kWaiting) match_caller(t.index);
      return;
    }
    case TimerKind::kCallerMaxWait: {
      CallerRecord& c = callers_[t.index];
      // A caller being offered keeps its offer; return_to_waiting() checks
      // the max wait again if the offer fails.
      if (c.generation != t.stamp || c.entry != t.stamp2 || c.state != CallerState::kWaiting)
        return;
      overflow(t.index, OverflowReason::kMaxWait);
      return;
    }
    case TimerKind::kAgentWrapUp: {
      AgentRecord& a = agents_[t.index];
      if (a.epoch != t.stamp || a.state != AgentState::kWrapUp) return;
      end_wrap_up_now(t.index);
      return;
    }
    case TimerKind::kAgentOfferDelay: {
      AgentRecord& a = agents_[t.index];
      if (a.epoch != t.stamp || a.state != AgentState::kReady || a.free) return;
      make_free(t.index, false);
      match_agent(t.index);
      return;
    }
    case TimerKind::kAgentRingTimeout: {
      AgentRecord& a = agents_[t.index];
      if (a.offer_serial != t.stamp ||
          (a.state != AgentState::kReserved && a.state != AgentState::kRinging))
        return;
      Decision d;
      d.kind = DecisionKind::kCancelOffer;
      d.caller = a.caller;
      d.agent = t.index;
      d.queue = a.call_queue;
      decide(d);
      fail_offer(t.index, caller_slot(a.caller), OfferFailure::kNoAnswer);
      return;
    }
  }
}

// ---------------------------------------------------------------- events

void Engine::emit(const Event& event) {
  for (EventSubscriber* s : subscribers_) s->on_event(event);
}

void Engine::subscribe(EventSubscriber* subscriber) {
  if (std::find(subscribers_.begin(), subscribers_.end(), subscriber) == subscribers_.end())
    subscribers_.push_back(subscriber);
}

void Engine::unsubscribe(EventSubscriber* subscriber) {
  subscribers_.erase(std::remove(subscribers_.begin(), subscribers_.end(), subscriber),
                     subscribers_.end());
}

// ---------------------------------------------------------------- lookups

Status Engine::check_agent(AgentId agent) const {
  if (agent >= agents_.size()) return Error{"unknown agent " + std::to_string(agent)};
  return Status::Ok();
}

Status Engine::agent_error(AgentId agent, std::string_view what) const {
  const AgentRecord& a = agents_[agent];
  return Error{"agent '" + a.name + "' (" + std::string(agent_state_name(a.state)) +
               "): " + std::string(what)};
}

Result<std::uint32_t> Engine::check_caller(CallerId caller) const {
  std::uint32_t slot = caller_slot(caller);
  if (slot >= callers_.size() || callers_[slot].state == CallerState::kUnused ||
      callers_[slot].generation != caller_generation(caller))
    return Error{"unknown caller " + std::to_string(caller) + " (never seen or already gone)"};
  return slot;
}

Result<AgentId> Engine::find_agent(std::string_view name) const {
  for (std::size_t i = 0; i < agents_.size(); ++i)
    if (agents_[i].name == name) return static_cast<AgentId>(i);
  return Error{"unknown agent '" + std::string(name) + "'"};
}

Result<QueueId> Engine::find_queue(std::string_view name) const {
  for (std::size_t i = 0; i < queues_.size(); ++i)
    if (queues_[i].config.name == name) return static_cast<QueueId>(i);
  return Error{"unknown queue '" + std::string(name) + "'"};
}

Result<SkillId> Engine::find_skill(std::string_view name) const {
  for (std::size_t i = 0; i < skills_.size(); ++i)
    if (skills_[i].config.name == name) return static_cast<SkillId>(i);
  return Error{"unknown skill '" + std::string(name) + "'"};
}

Result<AgentView> Engine::agent(AgentId agent) const {
  Status s = check_agent(agent);
  if (!s.ok()) return s.error();
  const AgentRecord& a = agents_[agent];
  AgentView v;
  v.state = a.state;
  v.reason = a.reason;
  v.caller = a.caller;
  v.offerable = a.free;
  v.unanswered_in_row = a.unanswered_in_row;
  return v;
}

Result<CallerView> Engine::caller(CallerId caller) const {
  Result<std::uint32_t> slot = check_caller(caller);
  if (!slot.ok()) return slot.error();
  const CallerRecord& c = callers_[*slot];
  CallerView v;
  v.state = c.state;
  v.queue = c.queue;
  v.agent = c.agent;
  v.min_proficiency = c.min_level;
  v.arrived_us = c.arrived_us;
  v.entered_queue_us = c.entered_us;
  return v;
}

}  // namespace trunkline::acd
