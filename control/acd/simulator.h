// A discrete-event simulation that drives the real engine: Poisson arrivals
// per traffic stream, handle times and patience drawn from distributions,
// agents that log in and out on schedules, take breaks, and answer, reject,
// ring out or are busy with given probabilities. Time is simulated; a run is
// reproducible from the scenario's seed.
//
// Metrics cover [warmup, duration], split into equal batches whose spread
// gives a standard error (batch means). After the duration no caller
// arrives; the run goes on (up to drain_s) until every caller is answered
// and done, abandoned or overflowed, so the caller totals can be balanced.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/result.h"
#include "control/acd/metrics.h"
#include "control/acd/scenario.h"

namespace trunkline::acd {

// Mean over batches and its standard error (sample sd / sqrt(batches)).
struct BatchEstimate {
  double mean = 0;
  double std_error = 0;
  std::uint32_t batches = 0;  // batches with a defined value
};

struct FlowBatches {
  std::string name;
  BatchEstimate service_level_pct;
  BatchEstimate asa_s;
};

// The M/M/c prediction for a queue that is one: a single Poisson stream with
// exponential handle times and infinite patience, served by agents who belong
// to it alone, are always logged in and answer at once, without wrap-up.
struct ErlangReference {
  std::string queue;
  int agents = 0;
  double arrivals_per_s = 0;
  double mean_handle_s = 0;
  double erlangs = 0;
  double probability_of_wait = 0;
  double service_level_threshold_s = 0;
  double service_level_pct = 0;
  double asa_s = 0;
  bool stable = false;  // erlangs < agents; otherwise the queue grows without bound
};

struct InvariantReport {
  std::uint64_t offers_checked = 0;
  std::uint64_t priority_comparisons = 0;
  std::uint64_t violations = 0;
  std::vector<std::string> examples;  // the first few
};

struct CallerTotals {
  std::uint64_t arrived = 0;
  std::uint64_t answered = 0;
  std::uint64_t abandoned = 0;
  std::uint64_t overflowed = 0;  // to an announcement or an external number
  std::uint64_t refused = 0;
  std::uint64_t overflow_moves = 0;  // queue to queue (not an outcome)
  std::uint64_t in_system_at_end = 0;
};

struct SimulationResult {
  MetricsSnapshot metrics;  // over [warmup, duration]
  std::vector<FlowBatches> queue_batches;
  std::vector<FlowBatches> skill_batches;
  std::vector<ErlangReference> erlang;
  InvariantReport invariants;
  CallerTotals callers;
  std::int64_t measured_from_us = 0;
  std::int64_t measured_to_us = 0;
  std::int64_t ended_us = 0;
  std::uint64_t engine_calls = 0;
};

Result<SimulationResult> simulate(const Scenario& scenario);
std::string simulation_json(const Scenario& scenario, const SimulationResult& result);

}  // namespace trunkline::acd

namespace trunkline::acd {

// Mean and standard error of the defined (non-NaN) values.
BatchEstimate estimate_from_batches(const std::vector<double>& values);
// The Erlang C prediction for each queue of the scenario that is an M/M/c queue.
std::vector<ErlangReference> erlang_references(const Scenario& scenario);

}  // namespace trunkline::acd
