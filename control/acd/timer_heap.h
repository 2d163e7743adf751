// The engine's pending deadlines. Entries are never removed early: each
// carries a stamp (the agent's state epoch, or the caller's generation and
// queue entry) and is ignored when it fires if the stamp no longer matches.
#pragma once

#include <algorithm>
#include <cstdint>
#include <vector>

#include "control/acd/types.h"

namespace trunkline::acd {

enum class TimerKind : std::uint8_t {
  kCallerStep,        // the caller's skill requirement expands
  kCallerMaxWait,     // the caller has waited the queue's maximum
  kAgentWrapUp,       // the queue's wrap-up limit ran out
  kAgentOfferDelay,   // the delay after a failed offer is over
  kAgentRingTimeout,  // the queue's ring timeout ran out
};

struct Timer {
  std::int64_t at_us = 0;
  std::uint64_t seq = 0;  // insertion order breaks ties between equal deadlines
  TimerKind kind = TimerKind::kCallerStep;
  std::uint32_t index = 0;  // agent id or caller slot
  std::uint32_t stamp = 0;
  std::uint32_t stamp2 = 0;
};

class TimerHeap {
 public:
  void reserve(std::size_t n) { heap_.reserve(n); }
  bool empty() const { return heap_.empty(); }
  std::size_t size() const { return heap_.size(); }
  const Timer& top() const { return heap_.front(); }
  std::int64_t next_at() const { return heap_.empty() ? kNever : heap_.front().at_us; }

  void push(std::int64_t at_us, TimerKind kind, std::uint32_t index, std::uint32_t stamp,
            std::uint32_t stamp2 = 0) {
    heap_.push_back(Timer{at_us, next_seq_++, kind, index, stamp, stamp2});
    std::push_heap(heap_.begin(), heap_.end(), Later{});
  }

  Timer pop() {
    std::pop_heap(heap_.begin(), heap_.end(), Later{});
    Timer t = heap_.back();
    heap_.pop_back();
    return t;
  }

 private:
  struct Later {
    bool operator()(const Timer& a, const Timer& b) const {
      return a.at_us != b.at_us ? a.at_us > b.at_us : a.seq > b.seq;
    }
  };
  std::vector<Timer> heap_;
  std::uint64_t next_seq_ = 0;
};

}  // namespace trunkline::acd
