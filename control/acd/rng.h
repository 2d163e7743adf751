// SplitMix64: a small, fast, seedable generator. The engine's random strategy
// and the simulator both draw from it so that a run is reproducible from its
// seed on every platform (the <random> distributions are not).
#pragma once

#include <cstdint>

namespace trunkline::acd {

class SplitMix64 {
 public:
  explicit SplitMix64(std::uint64_t seed = 1) : state_(seed) {}

  std::uint64_t next() {
    std::uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }

  // Uniform in [0, bound) for bound in 1..2^32 by multiply-shift of the top 32
  // bits (bias below bound / 2^32, under 1e-6 for the candidate counts used).
  std::uint32_t below(std::uint32_t bound) {
    return static_cast<std::uint32_t>(((next() >> 32) * bound) >> 32);
  }

  // Uniform in [0, 1) with 53 random bits.
  double uniform01() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }

 private:
  std::uint64_t state_;
};

}  // namespace trunkline::acd
