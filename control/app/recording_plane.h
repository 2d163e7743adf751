// The daemon's recorder: one RecorderWorker thread per control shard. Shard
// s is the only producer of its worker's commands (start/stop through the
// CallRecorder it is given); every worker lcore forks the RTP of shard s's
// recorded calls into its own queue towards that worker (Dataplane::
// fork_queue). On start, recordings a crash left unfinished in the spool are
// sealed as truncated-but-valid ones before new calls are taken. With
// [nas] mirrors, every sealed recording goes to the NAS publisher
// (nas/mirror/publisher.h), which also picks up what an earlier run left in
// the spool.
#pragma once

#include <atomic>
#include <memory>
#include <thread>
#include <vector>

#include "common/result.h"
#include "control/audit/audit_log.h"
#include "control/b2bua/call_recorder.h"
#include "control/config/config.h"
#include "control/stats/snapshot.h"
#include "control/store/recording_index.h"
#include "control/store/sqlite_store.h"
#include "dataplane/dataplane.h"
#include "nas/mirror/mirror_set.h"
#include "nas/mirror/publisher.h"
#include "recorder/crypto/file_key_provider.h"
#include "recorder/worker/recorder_worker.h"

namespace trunkline::app {

class RecordingPlane {
 public:
  // Null (and no error) when [recorder] enabled is false.
  static Result<std::unique_ptr<RecordingPlane>> start(const config::Config& c,
                                                       const dataplane::Dataplane& dp,
                                                       store::SqliteStore& store);
  ~RecordingPlane();
  RecordingPlane(const RecordingPlane&) = delete;
  RecordingPlane& operator=(const RecordingPlane&) = delete;

  b2bua::CallRecorder* recorder(unsigned shard);
  void add_rows(stats::Snapshot& s) const;
  // Stops the workers (each seals every recording it holds and hands it to
  // the NAS), then the publisher. Idempotent. Call after the shards (the
  // command producers) have stopped.
  void stop();

 private:
  class ShardRecorder;
  RecordingPlane() = default;
  void add_nas_rows(stats::Snapshot& s) const;

  std::unique_ptr<recorder::FileKeyProvider> keys_;
  std::unique_ptr<nas::MirrorSet> mirrors_;  // null: no [nas] mirrors
  std::unique_ptr<store::RecordingIndex> index_;
  std::unique_ptr<audit::AuditLog> audit_;
  std::unique_ptr<nas::Publisher> publisher_;
  std::vector<std::unique_ptr<recorder::RecorderWorker>> workers_;
  std::vector<std::unique_ptr<ShardRecorder>> recorders_;
  std::vector<std::thread> threads_;
  std::atomic<bool> stop_{false};
  std::uint64_t recovered_ = 0;
  std::uint64_t recovery_failed_ = 0;
};

}  // namespace trunkline::app
