// A bounded single-producer/single-consumer queue between two threads (a
// dataplane lcore and a recorder worker, or the control thread and a worker).
// push() never blocks: when the queue is full the item is dropped and counted,
// so a slow consumer can never stall the producer.
#pragma once

#include <atomic>
#include <boost/lockfree/spsc_queue.hpp>
#include <cstddef>
#include <cstdint>

namespace trunkline::recorder {

template <typename T>
class BoundedQueue {
 public:
  explicit BoundedQueue(std::size_t capacity) : queue_(capacity) {}
  BoundedQueue(const BoundedQueue&) = delete;
  BoundedQueue& operator=(const BoundedQueue&) = delete;

  // Producer side. Returns false, and counts a drop, when the queue is full.
  bool push(const T& item) {
    if (queue_.push(item)) return true;
    // Only the producer writes the counter; relaxed is enough for readers of stats.
    dropped_.store(dropped_.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
    return false;
  }

  // Consumer side: the next item, or false when empty.
  bool pop(T& out) { return queue_.pop(out); }

  // Consumer side: calls fn(const T&) for up to `max` items in place, without
  // copying them out; returns how many it consumed.
  template <typename Fn>
  std::size_t consume(std::size_t max, Fn&& fn) {
    std::size_t n = 0;
    while (n < max && queue_.consume_one(fn)) ++n;
    return n;
  }

  // Items refused because the queue was full (the "recorder_queue_full" loss).
  std::uint64_t dropped() const { return dropped_.load(std::memory_order_relaxed); }
  bool empty() const { return queue_.read_available() == 0; }

 private:
  boost::lockfree::spsc_queue<T> queue_;
  // Written by the producer only, on its own cache line.
  alignas(64) std::atomic<std::uint64_t> dropped_{0};
};

}  // namespace trunkline::recorder
