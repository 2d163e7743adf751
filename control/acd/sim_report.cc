// What the simulator reports: batch-means estimates, the Erlang C reference
// for M/M/c queues, and the JSON document `trunkline acd simulate` prints.
#include <cmath>

#include "control/acd/erlang.h"
#include "control/acd/json_writer.h"
#include "control/acd/metrics_json.h"
#include "control/acd/simulator.h"

namespace trunkline::acd {

BatchEstimate estimate_from_batches(const std::vector<double>& values) {
  BatchEstimate e;
  double sum = 0;
  for (double v : values)
    if (std::isfinite(v)) {
      sum += v;
      ++e.batches;
    }
  if (e.batches == 0) {
    e.mean = e.std_error = std::nan("");
    return e;
  }
  e.mean = sum / e.batches;
  double ss = 0;
  for (double v : values)
    if (std::isfinite(v)) ss += (v - e.mean) * (v - e.mean);
  e.std_error = e.batches > 1 ? std::sqrt(ss / (e.batches - 1) / e.batches) : std::nan("");
  return e;
}

namespace {

// The queue's members: every one must be in this queue only, always logged
// in, answer at once and never fail an offer; returns their number or -1.
int mmc_agents(const Scenario& s, const ScenarioQueue& q, const ScenarioTraffic& t) {
  int agents = 0;
  std::uint8_t first_level = q.config.expansion.empty() ? 1 : q.config.expansion[0].min_proficiency;
  for (const ScenarioAgentGroup& g : s.agents) {
    bool member = false;
    for (const std::string& name : g.queues) member = member || name == q.config.name;
    if (!member) continue;
    if (g.queues.size() != 1 || !g.shifts.empty() || !g.breaks.empty() ||
        g.answer_delay.kind != Distribution::Kind::kFixed || g.answer_delay.mean_s != 0 ||
        g.no_answer_probability != 0 || g.reject_probability != 0 || g.busy_probability != 0)
      return -1;
    std::vector<std::string> needed = t.incoming_skills;
    if (!t.line_skill.empty()) needed.push_back(t.line_skill);
    for (const std::string& skill : needed) {
      bool holds = false;
      for (const ScenarioSkillLevel& l : g.skills)
        holds = holds || (l.skill == skill && l.level >= first_level);
      if (!holds) return -1;
    }
    agents += static_cast<int>(g.count);
  }
  return agents;
}

void write_estimate(JsonWriter& j, const char* name, const BatchEstimate& e) {
  j.key(name).begin_object();
  j.key("mean").value(e.mean);
  j.key("std_error").value(e.std_error);
  j.key("batches").value(e.batches);
  j.end_object();
}

void write_batches(JsonWriter& j, const char* name, const std::vector<FlowBatches>& flows) {
  j.key(name).begin_object();
  for (const FlowBatches& f : flows) {
    j.key(f.name).begin_object();
    write_estimate(j, "service_level_pct", f.service_level_pct);
    write_estimate(j, "asa_s", f.asa_s);
    j.end_object();
  }
  j.end_object();
}

}  // namespace

std::vector<ErlangReference> erlang_references(const Scenario& s) {
  std::vector<ErlangReference> out;
  for (const ScenarioQueue& q : s.queues) {
    const ScenarioTraffic* only = nullptr;
    int streams = 0;
    for (const ScenarioTraffic& t : s.traffic)
      if (t.queue == q.config.name) {
        only = &t;
        ++streams;
      }
    if (streams != 1 || only->handle.kind != Distribution::Kind::kExponential ||
        !only->patience.never() || only->start_us != 0 || only->end_us < s.duration_us ||
        q.config.wrap_up_us != 0 || q.config.max_wait_us != 0 || q.config.max_waiting != 0)
      continue;
    int agents = mmc_agents(s, q, *only);
    if (agents <= 0) continue;
    ErlangReference r;
    r.queue = q.config.name;
    r.agents = agents;
    r.arrivals_per_s = only->arrivals_per_s;
    r.mean_handle_s = only->handle.mean_s;
    r.erlangs = r.arrivals_per_s * r.mean_handle_s;
    r.service_level_threshold_s = static_cast<double>(q.config.service_level_us) / 1e6;
    r.stable = r.erlangs < agents;
    if (r.stable) {
      r.probability_of_wait = erlang_c(agents, r.erlangs);
      r.asa_s = erlang_c_asa_s(agents, r.arrivals_per_s, r.mean_handle_s);
      r.service_level_pct = erlang_c_service_level_pct(agents, r.arrivals_per_s, r.mean_handle_s,
                                                       r.service_level_threshold_s);
    }
    out.push_back(r);
  }
  return out;
}

std::string simulation_json(const Scenario& s, const SimulationResult& r) {
  JsonWriter j;
  j.begin_object();
  j.key("scenario").value(s.source);
  j.key("seed").value(s.seed);
  j.key("measured_from_s").seconds(r.measured_from_us);
  j.key("measured_to_s").seconds(r.measured_to_us);
  j.key("ended_s").seconds(r.ended_us);
  j.key("engine_calls").value(r.engine_calls);
  j.key("callers").begin_object();
  j.key("arrived").value(r.callers.arrived);
  j.key("answered").value(r.callers.answered);
  j.key("abandoned").value(r.callers.abandoned);
  j.key("overflowed").value(r.callers.overflowed);
  j.key("refused").value(r.callers.refused);
  j.key("overflow_moves").value(r.callers.overflow_moves);
  j.key("in_system_at_end").value(r.callers.in_system_at_end);
  j.end_object();
  j.key("invariants").begin_object();
  j.key("checked").value(s.check_invariants);
  j.key("offers_checked").value(r.invariants.offers_checked);
  j.key("priority_comparisons").value(r.invariants.priority_comparisons);
  j.key("violations").value(r.invariants.violations);
  j.key("examples").begin_array();
  for (const std::string& e : r.invariants.examples) j.value(e);
  j.end_array();
  j.end_object();
  j.key("metrics").begin_object();
  write_metrics(j, r.metrics);
  j.end_object();
  j.key("batches").begin_object();
  write_batches(j, "queues", r.queue_batches);
  write_batches(j, "skills", r.skill_batches);
  j.end_object();
  j.key("erlang_c").begin_object();
  for (const ErlangReference& e : r.erlang) {
    j.key(e.queue).begin_object();
    j.key("agents").value(e.agents);
    j.key("offered_erlangs").value(e.erlangs);
    j.key("stable").value(e.stable);
    j.key("probability_of_wait").value(e.stable ? e.probability_of_wait : std::nan(""));
    j.key("service_level_threshold_s").value(e.service_level_threshold_s);
    j.key("service_level_pct").value(e.stable ? e.service_level_pct : std::nan(""));
    j.key("asa_s").value(e.stable ? e.asa_s : std::nan(""));
    j.end_object();
  }
  j.end_object();
  j.end_object();
  return j.str() + "\n";
}

}  // namespace trunkline::acd
