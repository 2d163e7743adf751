#include "control/acd/strategy.h"

#include <array>

namespace trunkline::acd {
namespace {

constexpr std::array<std::string_view, kStrategyCount> kStrategyNames = {
    "longest_idle", "fewest_calls", "least_talk_time", "round_robin",
    "linear",       "ring_all",     "random",          "best_proficiency",
};

}  // namespace

std::string_view strategy_name(Strategy strategy) {
  auto index = static_cast<std::size_t>(strategy);
  return index < kStrategyNames.size() ? kStrategyNames[index] : "unknown";
}

bool parse_strategy(std::string_view text, Strategy* out) {
  for (std::size_t i = 0; i < kStrategyNames.size(); ++i) {
    if (kStrategyNames[i] == text) {
      *out = static_cast<Strategy>(i);
      return true;
    }
  }
  return false;
}

// Distance from the last offered position to `position`, going forward and
// wrapping: the member right after the last one has distance 0.
std::uint32_t AgentSelector::round_robin_distance(std::uint32_t position) const {
  if (member_count_ == 0) return position;
  std::uint32_t start = (last_position_ + 1) % member_count_;
  return position >= start ? position - start : position + member_count_ - start;
}

// Strictly better on the strategy's own key; equal keys are not better, which
// leaves ties to the earlier (longer idle) candidate.
bool AgentSelector::better(const Candidate& a, const Candidate& b) const {
  switch (strategy_) {
    case Strategy::kLongestIdle:
    case Strategy::kRingAll:
    case Strategy::kRandom:
      return false;
    case Strategy::kFewestCalls:
      return a.calls < b.calls;
    case Strategy::kLeastTalkTime:
      return a.talk_us < b.talk_us;
    case Strategy::kRoundRobin:
      return round_robin_distance(a.position) < round_robin_distance(b.position);
    case Strategy::kLinear:
      return a.position < b.position;
    case Strategy::kBestProficiency:
      return a.proficiency > b.proficiency;
  }
  return false;
}

void AgentSelector::consider(const Candidate& candidate) {
  if (settled_) return;
  ++seen_;
  if (seen_ == 1) {
    best_ = candidate;
    settled_ = strategy_ == Strategy::kLongestIdle || strategy_ == Strategy::kRingAll;
    return;
  }
  if (strategy_ == Strategy::kRandom) {
    // Reservoir sampling: the k-th candidate is kept with probability 1/k,
    // which leaves each of the n candidates chosen with probability 1/n.
    if (rng_ != nullptr && rng_->below(seen_) == 0) best_ = candidate;
    return;
  }
  if (better(candidate, best_)) best_ = candidate;
}

}  // namespace trunkline::acd
