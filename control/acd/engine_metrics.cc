// Engine: the metrics snapshot and counter resets (see metrics.h for the
// definitions). Not on the decision path: a snapshot walks every record.
#include <algorithm>

#include "control/acd/engine.h"

namespace trunkline::acd {
namespace {

void finish(FlowMetrics& m, const StateTimes& times) {
  m.service_level_pct = service_level_pct(m.counters);
  m.asa_s = average_speed_of_answer_s(m.counters);
  m.aht_s = average_handle_time_s(m.counters);
  m.occupancy_pct = times.occupancy_pct();
}

bool busy(AgentState s) {
  return s == AgentState::kReserved || s == AgentState::kRinging || s == AgentState::kTalking ||
         s == AgentState::kWrapUp;
}

void count_agent(FlowMetrics& m, AgentState s) {
  if (s == AgentState::kLoggedOut) return;
  ++m.agents_logged_in;
  if (s == AgentState::kReady) ++m.agents_ready;
  if (busy(s)) ++m.agents_busy;
}

}  // namespace

MetricsSnapshot Engine::metrics(std::int64_t now_us) const {
  MetricsSnapshot snap;
  snap.at_us = now_us;
  snap.since_us = counters_since_us_;
  snap.queues.resize(queues_.size());
  snap.skills.resize(skills_.size());
  snap.agents.resize(agents_.size());
  for (std::size_t i = 0; i < queues_.size(); ++i) {
    snap.queues[i].name = queues_[i].config.name;
    snap.queues[i].service_level_threshold_us = queues_[i].config.service_level_us;
    snap.queues[i].counters = queues_[i].counters;
  }
  for (std::size_t i = 0; i < skills_.size(); ++i) {
    snap.skills[i].name = skills_[i].config.name;
    snap.skills[i].service_level_threshold_us = skills_[i].config.service_level_us;
    snap.skills[i].counters = skills_[i].counters;
  }
  for (const CallerRecord& c : callers_) {
    if (c.state != CallerState::kWaiting && c.state != CallerState::kOffered) continue;
    FlowMetrics& q = snap.queues[c.queue];
    ++q.waiting_now;
    q.longest_wait_us = std::max(q.longest_wait_us, now_us - c.entered_us);
    for (int i = 0; i < c.skill_count; ++i) {
      FlowMetrics& s = snap.skills[c.skills[i]];
      ++s.waiting_now;
      s.longest_wait_us = std::max(s.longest_wait_us, now_us - c.arrived_us);
    }
  }
  std::vector<StateTimes> queue_times(queues_.size());
  std::vector<StateTimes> skill_times(skills_.size());
  for (std::size_t id = 0; id < agents_.size(); ++id) {
    const AgentRecord& a = agents_[id];
    AgentMetrics& m = snap.agents[id];
    m.name = a.name;
    m.state = a.state;
    m.reason = a.reason;
    m.in_state_for_us = std::max<std::int64_t>(0, now_us - a.state_since_us);
    m.time_in_state = a.time_in_state;
    m.time_in_state.us[static_cast<int>(a.state)] +=
        std::max<std::int64_t>(0, now_us - a.accounted_until_us);
    m.calls = a.calls;
    m.talk_us = a.talk_us;
    m.offers = a.offers;
    m.offers_failed = a.offers_failed;
    m.occupancy_pct = m.time_in_state.occupancy_pct();
    for (int i = 0; i < a.membership_count; ++i) {
      queue_times[a.memberships[i].queue] += m.time_in_state;
      count_agent(snap.queues[a.memberships[i].queue], a.state);
    }
    for (int i = 0; i < a.skill_count; ++i) {
      skill_times[a.skills[i].skill] += m.time_in_state;
      count_agent(snap.skills[a.skills[i].skill], a.state);
    }
  }
  for (std::size_t i = 0; i < queues_.size(); ++i) finish(snap.queues[i], queue_times[i]);
  for (std::size_t i = 0; i < skills_.size(); ++i) finish(snap.skills[i], skill_times[i]);
  return snap;
}

Status Engine::reset_counters(std::int64_t now_us) {
  Status s = begin(now_us);
  if (!s.ok()) return s;
  for (QueueRecord& q : queues_) q.counters = FlowCounters{};
  for (SkillRecord& k : skills_) k.counters = FlowCounters{};
  for (AgentRecord& a : agents_) {
    a.time_in_state = StateTimes{};
    a.accounted_until_us = now_us_;
    a.calls = 0;
    a.talk_us = 0;
    a.offers = 0;
    a.offers_failed = 0;
  }
  counters_since_us_ = now_us_;
  return Status::Ok();
}

}  // namespace trunkline::acd
