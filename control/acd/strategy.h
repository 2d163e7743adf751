// Agent-selection strategies. The engine walks a queue's free agents in the
// order they became free (longest idle first), filters those qualified for
// the caller, and hands each to an AgentSelector. A later candidate replaces
// the current choice only when it is strictly better on the strategy's key,
// so every tie goes to the candidate seen first: the longest idle agent.
#pragma once

#include <cstdint>
#include <string_view>

#include "control/acd/rng.h"
#include "control/acd/types.h"

namespace trunkline::acd {

enum class Strategy : std::uint8_t {
  kLongestIdle,      // the agent free for the longest time
  kFewestCalls,      // the fewest answered calls since the agent logged in
  kLeastTalkTime,    // the least talk time since the agent logged in
  kRoundRobin,       // the next member after the last one offered ("rrmemory")
  kLinear,           // the first member in the queue's member order (top-down)
  kRingAll,          // every qualified free agent at once; first to answer wins
  kRandom,           // uniform among qualified free agents (seeded)
  kBestProficiency,  // the highest proficiency in the caller's skills
};
inline constexpr int kStrategyCount = 8;

std::string_view strategy_name(Strategy strategy);
// Accepts the names strategy_name() returns ("longest_idle", "ring_all", ...).
bool parse_strategy(std::string_view text, Strategy* out);

// What a strategy may look at for one free, qualified agent.
struct Candidate {
  AgentId agent = kNoAgent;
  std::uint32_t position = 0;    // the agent's place in the queue's member list
  std::uint8_t proficiency = 0;  // lowest level among the caller's required skills
  std::uint64_t calls = 0;       // answered calls
  std::int64_t talk_us = 0;      // total talk time
};

class AgentSelector {
 public:
  // `last_position` is the member position the queue offered to last (round
  // robin); `member_count` the queue's member count; `rng` is used only by
  // kRandom. kRingAll is handled by the engine (it offers to all), but a
  // selector for it picks the longest idle so that it is total.
  AgentSelector(Strategy strategy, std::uint32_t last_position, std::uint32_t member_count,
                SplitMix64* rng)
      : strategy_(strategy),
        last_position_(last_position),
        member_count_(member_count),
        rng_(rng) {}

  void consider(const Candidate& candidate);
  // True when no later candidate can replace the choice (longest idle and
  // ring-all settle on the first candidate).
  bool settled() const { return settled_; }
  bool has_choice() const { return seen_ != 0; }
  const Candidate& choice() const { return best_; }

 private:
  bool better(const Candidate& a, const Candidate& b) const;
  std::uint32_t round_robin_distance(std::uint32_t position) const;

  Strategy strategy_;
  std::uint32_t last_position_;
  std::uint32_t member_count_;
  SplitMix64* rng_;
  Candidate best_;
  std::uint32_t seen_ = 0;
  bool settled_ = false;
};

}  // namespace trunkline::acd
