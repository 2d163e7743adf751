// Random durations for the simulator: fixed, exponential or lognormal, drawn
// by inverse transform from SplitMix64 so a seed gives the same run anywhere.
#pragma once

#include <cstdint>
#include <string_view>

#include "control/acd/rng.h"

namespace trunkline::acd {

struct Distribution {
  enum class Kind : std::uint8_t { kInfinite, kFixed, kExponential, kLognormal };
  Kind kind = Kind::kInfinite;  // kInfinite ("never"): the thing never happens (infinite patience)
  double mean_s = 0;
  double stddev_s = 0;  // lognormal only

  static Distribution fixed(double s) { return {Kind::kFixed, s, 0}; }
  static Distribution exponential(double mean) { return {Kind::kExponential, mean, 0}; }
  static Distribution lognormal(double mean, double stddev) {
    return {Kind::kLognormal, mean, stddev};
  }

  bool never() const { return kind == Kind::kInfinite; }
  // A draw in microseconds (at least 0); kNever for Kind::kInfinite.
  std::int64_t sample_us(SplitMix64& rng) const;
};

std::string_view distribution_kind_name(Distribution::Kind kind);
bool parse_distribution_kind(std::string_view text, Distribution::Kind* out);

}  // namespace trunkline::acd
