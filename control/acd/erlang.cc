#include "control/acd/erlang.h"

#include <cmath>

namespace trunkline::acd {

// Erlang B by its recurrence B(0) = 1, B(k) = a B(k-1) / (k + a B(k-1)), which
// stays stable for hundreds of agents, then C = c B / (c - a (1 - B)).
double erlang_c(int agents, double erlangs) {
  if (agents <= 0 || erlangs <= 0) return 0.0;
  if (erlangs >= agents) return 1.0;
  double b = 1.0;
  for (int k = 1; k <= agents; ++k) b = erlangs * b / (k + erlangs * b);
  return agents * b / (agents - erlangs * (1.0 - b));
}

// W_q = C / (c mu - lambda).
double erlang_c_asa_s(int agents, double arrivals_per_s, double mean_handle_s) {
  double a = arrivals_per_s * mean_handle_s;
  double mu = 1.0 / mean_handle_s;
  return erlang_c(agents, a) / (agents * mu - arrivals_per_s);
}

// P(W <= t) = 1 - C e^{-(c mu - lambda) t}.
double erlang_c_service_level_pct(int agents, double arrivals_per_s, double mean_handle_s,
                                  double threshold_s) {
  double a = arrivals_per_s * mean_handle_s;
  double mu = 1.0 / mean_handle_s;
  return 100.0 *
         (1.0 - erlang_c(agents, a) * std::exp(-(agents * mu - arrivals_per_s) * threshold_s));
}

}  // namespace trunkline::acd
