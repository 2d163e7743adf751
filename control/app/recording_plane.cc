#include "control/app/recording_plane.h"

#include <filesystem>

#include "common/log.h"
#include "common/thread_name.h"
#include "recorder/spool/spool_recovery.h"

namespace trunkline::app {

class RecordingPlane::ShardRecorder final : public b2bua::CallRecorder {
 public:
  explicit ShardRecorder(recorder::RecorderWorker& worker) : worker_(worker) {}
  std::optional<std::uint32_t> start(std::shared_ptr<const recorder::CallDetails> details,
                                     std::int64_t at_us) override {
    return worker_.start_recording(std::move(details), at_us);
  }
  bool stop(std::uint32_t handle, std::int64_t at_us) override {
    return worker_.stop_recording(handle, at_us);
  }

 private:
  recorder::RecorderWorker& worker_;
};

Result<std::unique_ptr<RecordingPlane>> RecordingPlane::start(const config::Config& c,
                                                              const dataplane::Dataplane& dp,
                                                              store::SqliteStore& store) {
  const config::RecorderSettings& rs = c.recorder;
  if (!rs.enabled) return std::unique_ptr<RecordingPlane>();
  std::unique_ptr<RecordingPlane> plane(new RecordingPlane());
  std::error_code ec;
  std::filesystem::create_directories(c.spool_dir, ec);
  if (ec) return Error{"recorder: spool " + c.spool_dir + ": " + ec.message()};
  std::filesystem::create_directories(rs.key_dir, ec);
  if (ec) return Error{"recorder: key_dir " + rs.key_dir + ": " + ec.message()};
  recorder::FileKeyProviderOptions ko;
  ko.create_missing_tenant_keys = true;
  auto keys = recorder::FileKeyProvider::open(rs.key_dir, rs.master_key_file, ko);
  if (!keys) return Error{"recorder: " + keys.error().message};
  plane->keys_ = std::move(*keys);

  // What a crash left: sealed as truncated-but-valid before anything new.
  const recorder::RecoveryReport rep =
      recorder::recover_spool(c.spool_dir, *plane->keys_, static_cast<int>(rs.zstd_level));
  for (const auto& r : rep.recovered) {
    TL_LOG(kWarn, "recording_recovered", "path=%s frames=%lld bytes_cut=%llu complete=%d",
           r.path.c_str(), static_cast<long long>(r.frames),
           static_cast<unsigned long long>(r.bytes_cut), r.was_complete ? 1 : 0);
  }
  for (const auto& f : rep.failed) {
    TL_LOG(kError, "recording_recovery_failed", "path=%s reason=\"%s\"", f.path.c_str(),
           f.reason.c_str());
  }
  plane->recovered_ = rep.recovered.size();
  plane->recovery_failed_ = rep.failed.size();

  if (!c.nas.mirrors.empty()) {
    auto mirrors = nas::MirrorSet::open(c.nas.mirrors);
    if (!mirrors) return Error{"nas: " + mirrors.error().message};
    plane->mirrors_ = std::move(*mirrors);
    plane->index_ = std::make_unique<store::RecordingIndex>(store);
    nas::PublisherOptions po;
    po.spool_dir = c.spool_dir;
    po.write_deadline_ms = c.nas.write_deadline_ms;
    po.probe_interval_ms = std::int64_t{c.nas.probe_interval_s} * 1000;
    po.scrub_interval_ms = std::int64_t{c.nas.scrub_interval_s} * 1000;
    po.sweep_interval_ms = std::int64_t{c.nas.sweep_interval_s} * 1000;
    po.retention.default_days = c.nas.retention_default_days;
    po.retention.termination_grace_days = c.nas.termination_grace_days;
    plane->audit_ = std::make_unique<audit::AuditLog>(store);
    po.audit = plane->audit_.get();
    plane->publisher_ = std::make_unique<nas::Publisher>(*plane->mirrors_, *plane->index_, po);
    plane->publisher_->start();  // first publishes what the spool holds (recovered files too)
  }

  recorder::RecorderConfig wc;
  wc.spool_dir = c.spool_dir;
  wc.flush_interval_us = std::int64_t{rs.flush_interval_ms} * 1000;
  wc.jitter_delay_us = std::int64_t{rs.jitter_delay_ms} * 1000;
  wc.zstd_level = static_cast<int>(rs.zstd_level);
  wc.sync_mode = rs.sync == "syncfs" ? recorder::SyncMode::kSyncfs : recorder::SyncMode::kFdatasync;
  wc.max_calls = rs.max_calls;
  for (unsigned s = 0; s < c.sip.shards; ++s) {
    auto w = recorder::RecorderWorker::create(wc, *plane->keys_);
    if (!w) return Error{"recorder: " + w.error().message};
    for (unsigned l = 0; l < dp.workers(); ++l) {
      dataplane::RtpForkQueue* q = dp.fork_queue(l, s);
      if (q == nullptr)
        return Error{"recorder: no fork queue from lcore worker " + std::to_string(l) +
                     " to shard " + std::to_string(s)};
      (*w)->attach_rtp_queue(*q);
    }
    nas::Publisher* publisher = plane->publisher_.get();
    (*w)->on_sealed([publisher](const std::filesystem::path& path, const recorder::CallDetails& d,
                                std::int64_t start_us, std::int64_t end_us) {
      TL_LOG(kInfo, "recording_sealed", "tenant=%s recording=%s call_id=%s path=%s",
             d.tenant_id.c_str(), d.recording_id.c_str(), d.call_id.c_str(), path.c_str());
      // A refusal (queue full) leaves the file in the spool for the next start.
      if (publisher != nullptr) (void)publisher->submit(path, d, start_us / 1000, end_us / 1000);
    });
    plane->recorders_.push_back(std::make_unique<ShardRecorder>(**w));
    plane->workers_.push_back(std::move(*w));
  }
  for (auto& w : plane->workers_) {
    recorder::RecorderWorker* worker = w.get();
    const auto index = static_cast<unsigned>(plane->threads_.size());
    plane->threads_.emplace_back([worker, index, stop = &plane->stop_] {
      name_this_thread("tl-rec", index);
      worker->run(*stop);
    });
  }
  TL_LOG(kInfo, "recorder_started", "workers=%zu spool=%s recovered=%zu recovery_failed=%zu",
         plane->workers_.size(), c.spool_dir.c_str(), rep.recovered.size(), rep.failed.size());
  return plane;
}

RecordingPlane::~RecordingPlane() { stop(); }

b2bua::CallRecorder* RecordingPlane::recorder(unsigned shard) {
  return shard < recorders_.size() ? recorders_[shard].get() : nullptr;
}

void RecordingPlane::stop() {
  stop_.store(true, std::memory_order_relaxed);
  for (auto& t : threads_)
    if (t.joinable()) t.join();
  threads_.clear();
  if (publisher_) publisher_->stop();
}

void RecordingPlane::add_rows(stats::Snapshot& s) const {
  auto sum = [this](auto field) {
    std::uint64_t v = 0;
    for (const auto& w : workers_) v += (w->counters().*field).load(std::memory_order_relaxed);
    return v;
  };
  using C = recorder::RecorderWorkerCounters;
  s.rows.push_back(
      {"recorder_packets", "RTP copies the recorder workers consumed", {}, sum(&C::packets)});
  s.rows.push_back({"recorder_packets_unknown_recording",
                    "RTP copies for no recording the worker holds (after its stop)",
                    {},
                    sum(&C::packets_unknown_recording)});
  s.rows.push_back(
      {"recorder_recordings_started", "recordings started", {}, sum(&C::recordings_started)});
  s.rows.push_back({"recorder_recordings_start_failed",
                    "recordings that could not start (spool, keys, call limit)",
                    {},
                    sum(&C::recordings_start_failed)});
  s.rows.push_back({"recorder_recordings_active",
                    "recordings open now (gauge)",
                    {},
                    sum(&C::recordings_active)});
  s.rows.push_back({"recorder_recordings_sealed",
                    "recordings sealed under their final name",
                    {},
                    sum(&C::recordings_sealed)});
  s.rows.push_back(
      {"recorder_segments_sealed", "encrypted segments written", {}, sum(&C::segments_sealed)});
  s.rows.push_back(
      {"recorder_bytes_written", "bytes written to the spool", {}, sum(&C::bytes_written)});
  s.rows.push_back({"recorder_syncs", "spool syncs (durability points)", {}, sum(&C::syncs)});
  s.rows.push_back(
      {"recorder_spool_errors", "spool write or sync errors", {}, sum(&C::spool_errors)});
  std::uint64_t queue_drops = 0, command_drops = 0;
  for (const auto& w : workers_) {
    queue_drops += w->rtp_queue_drops();
    command_drops += w->command_queue_drops();
  }
  s.rows.push_back(
      {"recorder_fork_queue_drops", "RTP copies lost: a fork queue was full", {}, queue_drops});
  s.rows.push_back({"recorder_command_queue_drops",
                    "recorder commands lost: a worker's command queue was full",
                    {},
                    command_drops});
  s.rows.push_back({"recorder_recovered_at_start",
                    "unfinished spool files sealed as truncated recordings at start",
                    {},
                    recovered_});
  s.rows.push_back({"recorder_recovery_failed_at_start",
                    "unfinished spool files that could not be recovered (left in place)",
                    {},
                    recovery_failed_});
  if (publisher_) add_nas_rows(s);
}

void RecordingPlane::add_nas_rows(stats::Snapshot& s) const {
  const nas::PublisherCounters& p = publisher_->counters();
  const nas::ReplicatorCounters& r = publisher_->replicator_counters();
  const auto v = [](const std::atomic<std::uint64_t>& a) {
    return a.load(std::memory_order_relaxed);
  };
  auto row = [&s](const char* name, const char* help, std::uint64_t value) {
    s.rows.push_back({name, help, {}, value});
  };
  row("nas_submitted", "sealed recordings handed to the NAS publisher", v(p.submitted));
  row("nas_queue_full", "hand-overs refused (kept in the spool for the next start)",
      v(p.queue_full));
  row("nas_bad_submissions", "hand-overs refused: not a store tenant ID", v(p.bad_submissions));
  row("nas_picked_up", "sealed files found in the spool at start", v(p.picked_up));
  row("nas_publish_errors", "publications that failed", v(p.publish_errors));
  row("nas_scrubs", "scheduled scrubs run", v(p.scrubs));
  row("nas_sweeps", "scheduled retention sweeps run", v(p.sweeps));
  row("nas_swept_deletions", "recordings deleted by scheduled sweeps (audited)",
      v(p.swept_deletions));
  row("nas_sweep_errors", "scheduled sweeps that failed", v(p.sweep_errors));
  row("nas_published", "recordings verified on every mirror", v(r.published));
  row("nas_degraded", "recordings a mirror lacks (kept in the spool)", v(r.degraded));
  row("nas_spool_freed", "spool copies removed after publishing", v(r.spool_freed));
  row("nas_spool_mismatch", "spool files differing from their index row", v(r.spool_mismatch));
  row("nas_index_errors", "recording index (store) failures", v(r.index_errors));
  row("nas_resync_copies", "copies made by resync", v(r.resync_copies));
  row("nas_no_good_source", "resyncs that found no copy matching the index", v(r.no_good_source));
  row("nas_copies_lost", "copies recorded ok but found missing", v(r.copies_lost));
  std::uint64_t up = 0, failures = 0, down = 0;
  for (std::size_t i = 0; i < mirrors_->size(); ++i) {
    const nas::Mirror& m = mirrors_->at(i);
    up += m.up() ? 1 : 0;
    failures += v(m.counters().copy_failures);
    down += v(m.counters().went_down);
  }
  row("nas_mirrors", "mirrors configured", mirrors_->size());
  row("nas_mirrors_up", "mirrors up now (gauge)", up);
  row("nas_copy_failures", "copies that failed on some mirror", failures);
  row("nas_mirror_went_down", "times a mirror was marked down", down);
}

}  // namespace trunkline::app
