#include "control/b2bua/cdr_writer.h"

#include "common/log.h"

namespace trunkline::b2bua {

CdrWriter::CdrWriter(Write write, std::uint32_t retry_ms)
    : write_(std::move(write)), retry_ms_(retry_ms), thread_([this] { run(); }) {}

CdrWriter::~CdrWriter() { stop(); }

void CdrWriter::submit(CallRecord r) {
  {
    std::lock_guard lock(mu_);
    queue_.push_back(std::move(r));
    queued_.store(queue_.size(), std::memory_order_relaxed);
  }
  cv_.notify_one();
}

void CdrWriter::stop() {
  {
    std::lock_guard lock(mu_);
    quit_ = true;
  }
  cv_.notify_one();
  if (thread_.joinable()) thread_.join();
}

void CdrWriter::run() {
  std::unique_lock lock(mu_);
  bool failing = false;
  unsigned attempts = 0;
  for (;;) {
    cv_.wait(lock, [&] { return quit_ || !queue_.empty(); });
    if (queue_.empty()) return;  // quit_ and drained
    CallRecord r = queue_.front();
    lock.unlock();
    Status s = write_(r);
    lock.lock();
    if (s) {
      queue_.pop_front();
      queued_.store(queue_.size(), std::memory_order_relaxed);
      written_.fetch_add(1, std::memory_order_relaxed);
      if (failing) TL_LOG(kInfo, "cdr_write_recovered", "queued=%zu", queue_.size());
      failing = false;
      attempts = 0;
      continue;
    }
    failures_.fetch_add(1, std::memory_order_relaxed);
    if (quit_ && ++attempts >= 5) {
      // Stopping with the store still failing: the record goes to the log
      // whole, so it can be re-entered; the daemon does not hang on exit.
      TL_LOG(kError, "cdr_unwritten_at_stop",
             "tenant=%lld call_id=%s caller=%s did=%s agent=%s started_ms=%lld "
             "answered_ms=%lld ended_ms=%lld outcome=%s cause=%d",
             static_cast<long long>(r.tenant), r.cdr.call_id.c_str(), r.cdr.caller.c_str(),
             r.cdr.did.c_str(), r.cdr.agent.c_str(), static_cast<long long>(r.cdr.started_at_ms),
             static_cast<long long>(r.cdr.answered_at_ms),
             static_cast<long long>(r.cdr.ended_at_ms), store::to_string(r.cdr.outcome),
             r.cdr.cause_code);
      queue_.pop_front();
      queued_.store(queue_.size(), std::memory_order_relaxed);
      attempts = 0;
      continue;
    }
    if (!failing)
      TL_LOG(kError, "cdr_write_failed", "call_id=%s queued=%zu error=\"%s\"",
             r.cdr.call_id.c_str(), queue_.size(), s.error().message.c_str());
    failing = true;
    // Keep the record and try again; a stopping writer still retries, since
    // an accepted CDR must not be lost (SIGKILL is the operator's choice).
    cv_.wait_for(lock, std::chrono::milliseconds(retry_ms_));
  }
}

}  // namespace trunkline::b2bua
