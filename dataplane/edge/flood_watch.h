// When the edge starts and stops dropping: control samples the lcores'
// edge drop counters once a second and logs one line when drops begin and
// one when a quiet second ends them (with what was dropped in between), so
// a flood never floods the log and the lcores never log at all.
#pragma once

#include <cstdint>

namespace trunkline::edge {

struct EdgeDrops {
  std::uint64_t rate_limited = 0, untrusted_limited = 0, scanner = 0;
  std::uint64_t total() const { return rate_limited + untrusted_limited + scanner; }
};

class FloodWatch {
 public:
  enum class Event { kNone, kStarted, kEnded };
  // `totals`: the counters summed over the lcores now. The first sample
  // only sets the baseline.
  Event observe(const EdgeDrops& totals);
  bool dropping() const { return dropping_; }
  // During the episode that just started or ended: drops since it started.
  EdgeDrops episode() const;

 private:
  bool primed_ = false;
  bool dropping_ = false;
  EdgeDrops last_, episode_start_;
};

}  // namespace trunkline::edge
