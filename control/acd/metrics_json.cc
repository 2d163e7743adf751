#include "control/acd/metrics_json.h"

namespace trunkline::acd {

void write_flow_fields(JsonWriter& j, const FlowMetrics& f) {
  const FlowCounters& c = f.counters;
  j.key("waiting_now").value(f.waiting_now);
  j.key("longest_wait_s").seconds(f.longest_wait_us);
  j.key("offered").value(c.offered);
  j.key("answered").value(c.answered);
  j.key("abandoned").value(c.abandoned);
  j.key("overflowed").value(c.overflowed);
  j.key("handled").value(c.handled);
  j.key("answered_in_service_level").value(c.answered_in_service_level);
  j.key("abandoned_after_service_level").value(c.abandoned_after_service_level);
  j.key("service_level_threshold_s").seconds(f.service_level_threshold_us);
  j.key("service_level_pct").value(f.service_level_pct);
  j.key("asa_s").value(f.asa_s);
  j.key("aht_s").value(f.aht_s);
  j.key("occupancy_pct").value(f.occupancy_pct);
  j.key("agents_logged_in").value(f.agents_logged_in);
  j.key("agents_ready").value(f.agents_ready);
  j.key("agents_busy").value(f.agents_busy);
}

void write_agent_fields(JsonWriter& j, const AgentMetrics& a) {
  j.key("state").value(agent_state_name(a.state));
  j.key("reason").value(static_cast<std::uint32_t>(a.reason));
  j.key("in_state_for_s").seconds(a.in_state_for_us);
  j.key("calls").value(a.calls);
  j.key("talk_s").seconds(a.talk_us);
  j.key("offers").value(a.offers);
  j.key("offers_failed").value(a.offers_failed);
  j.key("occupancy_pct").value(a.occupancy_pct);
  j.key("time_in_state_s").begin_object();
  for (int s = 0; s < kAgentStateCount; ++s)
    j.key(agent_state_name(static_cast<AgentState>(s))).seconds(a.time_in_state.us[s]);
  j.end_object();
}

void write_metrics(JsonWriter& j, const MetricsSnapshot& m) {
  j.key("at_s").seconds(m.at_us);
  j.key("since_s").seconds(m.since_us);
  j.key("queues").begin_object();
  for (const FlowMetrics& q : m.queues) {
    j.key(q.name).begin_object();
    write_flow_fields(j, q);
    j.end_object();
  }
  j.end_object();
  j.key("skills").begin_object();
  for (const FlowMetrics& s : m.skills) {
    j.key(s.name).begin_object();
    write_flow_fields(j, s);
    j.end_object();
  }
  j.end_object();
  j.key("agents").begin_object();
  for (const AgentMetrics& a : m.agents) {
    j.key(a.name).begin_object();
    write_agent_fields(j, a);
    j.end_object();
  }
  j.end_object();
}

}  // namespace trunkline::acd
