// Wall-clock time for the NAS, injectable: retention and scrub tests run
// days in a moment.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>

namespace trunkline::nas {

// Unix milliseconds, UTC.
using Clock = std::function<std::int64_t()>;

inline std::int64_t wall_clock_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

inline constexpr std::int64_t kDayMs = 24LL * 3600 * 1000;

}  // namespace trunkline::nas
