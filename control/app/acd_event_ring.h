// A tenant's recent ACD events, for the supervisors' live event stream.
// Subscribed to the tenant's engine, it lives on the ACD thread: on_event()
// formats each event as one line of JSON (sequence number, wall time,
// agent and queue names resolved) and keeps the last `capacity`, dropping
// the oldest; readers ask (through the desk, on the same thread) for what
// follows the last sequence number they saw. It never blocks the engine
// and never grows: a reader that falls more than `capacity` events behind
// is told how many it missed instead.
#pragma once

#include <cstdint>
#include <deque>
#include <string>

#include "control/acd/engine.h"
#include "control/acd/event.h"

namespace trunkline::app {

class AcdEventRing final : public acd::EventSubscriber {
 public:
  static constexpr std::size_t kDefaultCapacity = 1024;
  static constexpr std::size_t kMaxBatch = 256;

  explicit AcdEventRing(const acd::Engine& engine, std::size_t capacity = kDefaultCapacity);

  void on_event(const acd::Event& event) override;
  // Names come from `engine` from now on (the tenant's engine was rebuilt on
  // a reload); the sequence numbers and the kept events go on unchanged.
  void rebind(const acd::Engine& engine) { engine_ = &engine; }

  // A JSON array of the events with a sequence number above `after`, oldest
  // first, at most kMaxBatch. When some of them are no longer kept, the
  // array starts with {"seq":…,"event":"missed","count":N} (seq: the last
  // one missed). `after` 0 (a new reader), or above the last number (a
  // reader from before a restart), gets everything kept.
  std::string since(std::uint64_t after) const;
  std::uint64_t last_seq() const { return next_seq_ - 1; }
  std::size_t size() const { return lines_.size(); }

  // For tests: the wall clock in Unix ms.
  void set_clock_for_test(std::int64_t (*clock)()) { clock_ = clock; }

 private:
  std::string format(const acd::Event& e, std::uint64_t seq) const;

  const acd::Engine* engine_;
  std::size_t capacity_;
  std::deque<std::string> lines_;  // lines_[i] has seq first_seq_ + i
  std::uint64_t first_seq_ = 1;
  std::uint64_t next_seq_ = 1;
  std::int64_t (*clock_)();
};

}  // namespace trunkline::app
