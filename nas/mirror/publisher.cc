#include "nas/mirror/publisher.h"

#include <algorithm>
#include <charconv>

#include "common/log.h"
#include "common/thread_name.h"
#include "nas/scrub/scrub.h"

namespace trunkline::nas {

Result<store::IndexedRecording> index_row_for(const recorder::CallDetails& d,
                                              std::int64_t started_at_ms,
                                              std::int64_t ended_at_ms) {
  store::IndexedRecording row;
  const std::string& t = d.tenant_id;
  auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), row.tenant_id);
  if (ec != std::errc() || end != t.data() + t.size() || row.tenant_id <= 0) {
    return Error{"nas: tenant ID '" + t + "' is not a store tenant ID"};
  }
  row.recording_id = d.recording_id;
  row.call_id = d.call_id;
  row.caller_number = d.caller_number;
  row.did = d.did;
  row.agent = d.agent;
  row.skill = d.skill;
  row.codec = d.codec;
  row.started_at_ms = started_at_ms;
  row.ended_at_ms = ended_at_ms;
  return row;
}

Publisher::Publisher(MirrorSet& mirrors, store::RecordingIndex& index, PublisherOptions options,
                     Clock clock)
    : replicator_(mirrors, index, options.spool_dir, clock, options.write_deadline_ms),
      options_(std::move(options)),
      clock_(std::move(clock)) {}

Publisher::~Publisher() { stop(); }

void Publisher::start() {
  // What the spool still holds goes first, and past the queue's bound:
  // those recordings were accepted long ago.
  auto left = replicator_.sealed_in_spool();
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (auto& [path, header_row] : left) {
      // The index may already know it (a crash between mirrors): its row,
      // with the call's details, wins inside Replicator::publish.
      queue_.push_front({path, std::move(header_row)});
      counters_.picked_up.fetch_add(1, std::memory_order_relaxed);
    }
    stop_ = false;
  }
  thread_ = std::thread([this] {
    name_this_thread("tl-nas");
    run();
  });
}

void Publisher::stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

bool Publisher::submit(const std::filesystem::path& sealed_file, store::IndexedRecording row) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (queue_.size() >= options_.queue_capacity) {
      counters_.queue_full.fetch_add(1, std::memory_order_relaxed);
      return false;
    }
    queue_.push_back({sealed_file, std::move(row)});
  }
  counters_.submitted.fetch_add(1, std::memory_order_relaxed);
  cv_.notify_one();
  return true;
}

bool Publisher::submit(const std::filesystem::path& sealed_file,
                       const recorder::CallDetails& details, std::int64_t started_at_ms,
                       std::int64_t ended_at_ms) {
  auto row = index_row_for(details, started_at_ms, ended_at_ms);
  if (!row) {
    counters_.bad_submissions.fetch_add(1, std::memory_order_relaxed);
    TL_LOG(kError, "nas_bad_submission", "file=%s reason=\"%s\"", sealed_file.c_str(),
           row.error().message.c_str());
    return false;
  }
  return submit(sealed_file, std::move(*row));
}

void Publisher::wait_idle() {
  std::unique_lock<std::mutex> lock(mu_);
  idle_cv_.wait(lock, [&] { return (queue_.empty() && !busy_) || stop_; });
}

void Publisher::probe_and_resync(bool recheck_all) {
  for (auto& m : replicator_.mirrors().mirrors()) {
    bool returned = false;
    if (!m->up()) {
      if (Status p = m->probe(); !p) continue;
      m->mark_up();
      returned = true;
    }
    // A mirror that was away may have come back empty or older: check what
    // the index says it holds before trusting it.
    auto n = returned || recheck_all ? replicator_.recover(*m) : replicator_.resync(*m);
    if (!n) {
      TL_LOG(kError, "nas_resync_failed", "mirror=%s reason=\"%s\"", m->name().c_str(),
             n.error().message.c_str());
    } else if (*n > 0) {
      TL_LOG(kInfo, "nas_resynced", "mirror=%s copies=%zu", m->name().c_str(), *n);
    }
  }
}

void Publisher::run() {
  // First, bring every mirror up to date (it may have missed recordings
  // while this process was not running).
  probe_and_resync(/*recheck_all=*/true);
  std::int64_t next_probe = clock_() + options_.probe_interval_ms;
  std::int64_t next_scrub =
      options_.scrub_interval_ms > 0 ? clock_() + options_.scrub_interval_ms : INT64_MAX;
  const bool sweeping = options_.sweep_interval_ms > 0 && options_.audit != nullptr;
  std::int64_t next_sweep = sweeping ? clock_() + options_.sweep_interval_ms : INT64_MAX;
  std::unique_lock<std::mutex> lock(mu_);
  for (;;) {
    cv_.wait_for(lock,
                 std::chrono::milliseconds(std::max<std::int64_t>(options_.probe_interval_ms, 1)),
                 [&] { return stop_ || !queue_.empty(); });
    if (stop_) break;
    while (!queue_.empty() && !stop_) {
      Item item = std::move(queue_.front());
      queue_.pop_front();
      busy_ = true;
      lock.unlock();
      auto state = replicator_.publish(item.path, std::move(item.row));
      if (!state) {
        counters_.publish_errors.fetch_add(1, std::memory_order_relaxed);
        TL_LOG(kError, "nas_publish_failed", "file=%s reason=\"%s\"", item.path.c_str(),
               state.error().message.c_str());
      }
      lock.lock();
      busy_ = false;
    }
    const std::int64_t now = clock_();
    if (now >= next_probe || now >= next_scrub || now >= next_sweep) {
      busy_ = true;
      lock.unlock();
      if (now >= next_probe) {
        probe_and_resync(/*recheck_all=*/false);
        next_probe = now + options_.probe_interval_ms;
      }
      if (now >= next_scrub) {
        auto report = scrub(replicator_, clock_);
        counters_.scrubs.fetch_add(1, std::memory_order_relaxed);
        if (report && !report->clean()) {
          TL_LOG(kWarn, "nas_scrub_findings",
                 "missing=%llu bad=%llu repaired=%llu "
                 "unrepairable=%llu",
                 static_cast<unsigned long long>(report->missing),
                 static_cast<unsigned long long>(report->bad),
                 static_cast<unsigned long long>(report->repaired),
                 static_cast<unsigned long long>(report->unrepairable));
        }
        next_scrub = now + options_.scrub_interval_ms;
      }
      if (now >= next_sweep) {
        sweep_now();
        next_sweep = now + options_.sweep_interval_ms;
      }
      lock.lock();
      busy_ = false;
    }
    if (queue_.empty()) idle_cv_.notify_all();
  }
  idle_cv_.notify_all();
}

// On the publisher's thread, so the replicator is never used by two threads.
void Publisher::sweep_now() {
  RetentionSweeper sweeper(replicator_, *options_.audit, options_.retention, clock_);
  auto report = sweeper.sweep();
  counters_.sweeps.fetch_add(1, std::memory_order_relaxed);
  if (!report) {
    counters_.sweep_errors.fetch_add(1, std::memory_order_relaxed);
    TL_LOG(kError, "nas_sweep_failed", "reason=\"%s\"", report.error().message.c_str());
    return;
  }
  const std::uint64_t deleted = report->expired + report->purged + report->finished;
  counters_.swept_deletions.fetch_add(deleted, std::memory_order_relaxed);
  if (deleted != 0 || report->incomplete != 0)
    TL_LOG(kInfo, "nas_sweep", "expired=%llu purged=%llu finished=%llu held=%llu incomplete=%llu",
           static_cast<unsigned long long>(report->expired),
           static_cast<unsigned long long>(report->purged),
           static_cast<unsigned long long>(report->finished),
           static_cast<unsigned long long>(report->held),
           static_cast<unsigned long long>(report->incomplete));
}

}  // namespace trunkline::nas
