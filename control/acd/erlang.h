// Erlang C: the M/M/c queue (Poisson arrivals, exponential handle times, c
// agents, infinite patience, first come first served). The simulator prints
// these as a reference and the tests check the simulator against them.
#pragma once

namespace trunkline::acd {

// Probability that a caller has to wait, for `agents` agents offered
// `erlangs` = arrival rate x mean handle time. Needs erlangs < agents.
double erlang_c(int agents, double erlangs);
// Mean wait in queue (ASA) in seconds.
double erlang_c_asa_s(int agents, double arrivals_per_s, double mean_handle_s);
// P(wait <= threshold), in percent.
double erlang_c_service_level_pct(int agents, double arrivals_per_s, double mean_handle_s,
                                  double threshold_s);

}  // namespace trunkline::acd
