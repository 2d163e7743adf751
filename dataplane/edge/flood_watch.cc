#include "dataplane/edge/flood_watch.h"

namespace trunkline::edge {

FloodWatch::Event FloodWatch::observe(const EdgeDrops& totals) {
  const EdgeDrops prev = last_;
  last_ = totals;
  if (!primed_) {
    primed_ = true;
    return Event::kNone;
  }
  const bool moved = totals.total() != prev.total();
  if (moved && !dropping_) {
    dropping_ = true;
    episode_start_ = prev;
    return Event::kStarted;
  }
  if (!moved && dropping_) {
    dropping_ = false;
    return Event::kEnded;
  }
  return Event::kNone;
}

EdgeDrops FloodWatch::episode() const {
  return EdgeDrops{last_.rate_limited - episode_start_.rate_limited,
                   last_.untrusted_limited - episode_start_.untrusted_limited,
                   last_.scanner - episode_start_.scanner};
}

}  // namespace trunkline::edge
