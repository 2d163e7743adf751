// The NAS I/O thread: takes sealed recordings from the recorder workers
// (RecorderWorker::on_sealed -> submit), publishes them to every mirror,
// probes down mirrors and resyncs them when they return, and runs the
// scheduled scrub. The recorder never waits on NAS I/O: submit only queues.
//
// Start-up picks up every sealed file still in the spool (a crash between
// two mirror writes, or before the hand-over) and publishes it again;
// publishing is idempotent.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <mutex>
#include <thread>

#include "control/store/recording_index.h"
#include "nas/clock.h"
#include "nas/mirror/replicator.h"
#include "nas/retention/retention_sweeper.h"
#include "recorder/ingest/recorder_command.h"

namespace trunkline::nas {

struct PublisherOptions {
  std::filesystem::path spool_dir;  // the recorder's spool ([paths] spool)
  std::size_t queue_capacity = 4096;
  std::int64_t write_deadline_ms = 30'000;  // a mirror slower than this per file goes down
  std::int64_t probe_interval_ms = 10'000;  // how often down mirrors are probed
  std::int64_t scrub_interval_ms = 0;       // scheduled scrub; 0: off
  // Scheduled retention sweep (expiry, shredded tenants' files, deletions a
  // down mirror held up), audited in `audit`; 0 or no audit log: off.
  std::int64_t sweep_interval_ms = 0;
  RetentionPolicy retention;
  audit::AuditLog* audit = nullptr;
};

// Names as `trunkline stats` prints them: nas_<field>.
struct PublisherCounters {
  std::atomic<std::uint64_t> submitted{0};
  std::atomic<std::uint64_t> queue_full{0};       // submit refused: the file stays in the spool
  std::atomic<std::uint64_t> bad_submissions{0};  // tenant ID not a store tenant ID, ...
  std::atomic<std::uint64_t> picked_up{0};        // found in the spool at start
  std::atomic<std::uint64_t> publish_errors{0};
  std::atomic<std::uint64_t> scrubs{0};
  std::atomic<std::uint64_t> sweeps{0};
  std::atomic<std::uint64_t> swept_deletions{0};  // files deleted by scheduled sweeps
  std::atomic<std::uint64_t> sweep_errors{0};
};

// The index row for a sealed recording, from what the recorder knew.
// CallDetails::tenant_id must be the store's tenant ID in decimal.
Result<store::IndexedRecording> index_row_for(const recorder::CallDetails& details,
                                              std::int64_t started_at_ms, std::int64_t ended_at_ms);

class Publisher {
 public:
  Publisher(MirrorSet& mirrors, store::RecordingIndex& index, PublisherOptions options,
            Clock clock = wall_clock_ms);
  ~Publisher();  // stops the thread (what is queued stays in the spool)
  Publisher(const Publisher&) = delete;
  Publisher& operator=(const Publisher&) = delete;

  // Queues the spool pick-up and starts the I/O thread.
  void start();
  // Finishes the item in hand, then stops; queued items stay in the spool
  // and are picked up on the next start.
  void stop();

  // Any thread; never blocks on I/O. false: the queue is full (counted) —
  // the file stays in the spool and is published on the next start.
  bool submit(const std::filesystem::path& sealed_file, store::IndexedRecording row);
  // RecorderWorker::on_sealed adapter; false also when details.tenant_id is
  // not a decimal tenant ID.
  bool submit(const std::filesystem::path& sealed_file, const recorder::CallDetails& details,
              std::int64_t started_at_ms, std::int64_t ended_at_ms);

  // Blocks until the queue is empty and nothing is in hand (tests, drain).
  void wait_idle();

  const PublisherCounters& counters() const { return counters_; }
  const ReplicatorCounters& replicator_counters() const { return replicator_.counters(); }
  Replicator& replicator() { return replicator_; }

 private:
  struct Item {
    std::filesystem::path path;
    store::IndexedRecording row;
  };
  void run();
  // Probes down mirrors; recovers those that return (and all when
  // `recheck_all`, at start), resyncs the others.
  void probe_and_resync(bool recheck_all);
  void sweep_now();

  Replicator replicator_;
  PublisherOptions options_;
  Clock clock_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::condition_variable idle_cv_;
  std::deque<Item> queue_;  // guarded by mu_
  bool busy_ = false;       // guarded by mu_
  bool stop_ = false;       // guarded by mu_
  std::thread thread_;
  PublisherCounters counters_;
};

}  // namespace trunkline::nas
