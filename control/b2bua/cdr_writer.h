// Writes CDRs to the store on a thread of its own, so a SIP shard never
// waits for the store's fsync. Records are queued in memory (the shards
// hand them over under a mutex: control plane, not the dataplane); a write
// that fails is logged, counted and retried, never dropped; stopping drains
// the queue first, so SIGTERM loses no CDR of a call that has ended.
#pragma once

#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>

#include "common/result.h"
#include "control/b2bua/call_record.h"

namespace trunkline::b2bua {

class CdrWriter {
 public:
  using Write = std::function<Status(const CallRecord&)>;
  explicit CdrWriter(Write write, std::uint32_t retry_ms = 1000);
  ~CdrWriter();  // drains, then stops

  void submit(CallRecord r);
  void stop();  // drains what is queued (retrying failures) and joins

  std::uint64_t written() const { return written_.load(std::memory_order_relaxed); }
  std::uint64_t failures() const { return failures_.load(std::memory_order_relaxed); }
  std::uint64_t queued() const { return queued_.load(std::memory_order_relaxed); }

 private:
  void run();

  Write write_;
  std::uint32_t retry_ms_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<CallRecord> queue_;
  bool quit_ = false;
  std::thread thread_;
  std::atomic<std::uint64_t> written_{0};
  std::atomic<std::uint64_t> failures_{0};
  std::atomic<std::uint64_t> queued_{0};
};

}  // namespace trunkline::b2bua
