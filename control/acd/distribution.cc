#include "control/acd/distribution.h"

#include <cmath>
#include <numbers>

#include "control/acd/types.h"

namespace trunkline::acd {
namespace {

std::int64_t to_us(double seconds) {
  if (!(seconds > 0)) return 0;
  double us = seconds * 1e6;
  return us >= 9e18 ? kNever : static_cast<std::int64_t>(std::llround(us));
}

// Box-Muller; uses 1 - u so the logarithm never sees 0.
double standard_normal(SplitMix64& rng) {
  double u1 = 1.0 - rng.uniform01();
  double u2 = rng.uniform01();
  return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * std::numbers::pi * u2);
}

}  // namespace

std::int64_t Distribution::sample_us(SplitMix64& rng) const {
  switch (kind) {
    case Kind::kInfinite:
      return kNever;
    case Kind::kFixed:
      return to_us(mean_s);
    case Kind::kExponential:
      return to_us(-mean_s * std::log(1.0 - rng.uniform01()));
    case Kind::kLognormal: {
      // Parameters of the underlying normal from the wanted mean and stddev.
      double cv2 = (stddev_s / mean_s) * (stddev_s / mean_s);
      double sigma2 = std::log1p(cv2);
      double mu = std::log(mean_s) - sigma2 / 2;
      return to_us(std::exp(mu + std::sqrt(sigma2) * standard_normal(rng)));
    }
  }
  return kNever;
}

std::string_view distribution_kind_name(Distribution::Kind kind) {
  switch (kind) {
    case Distribution::Kind::kInfinite:
      return "never";
    case Distribution::Kind::kFixed:
      return "fixed";
    case Distribution::Kind::kExponential:
      return "exponential";
    case Distribution::Kind::kLognormal:
      return "lognormal";
  }
  return "unknown";
}

bool parse_distribution_kind(std::string_view text, Distribution::Kind* out) {
  for (auto k : {Distribution::Kind::kInfinite, Distribution::Kind::kFixed,
                 Distribution::Kind::kExponential, Distribution::Kind::kLognormal}) {
    if (distribution_kind_name(k) == text) {
      *out = k;
      return true;
    }
  }
  return false;
}

}  // namespace trunkline::acd
