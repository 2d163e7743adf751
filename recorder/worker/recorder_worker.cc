#include "recorder/worker/recorder_worker.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <thread>

#include "common/log.h"

namespace trunkline::recorder {
namespace {

// Packets consumed per queue per poll before looking at commands and timers again.
constexpr std::size_t kPacketBurst = 4096;
// How often the worker looks for calls whose segment is due.
constexpr std::int64_t kFlushScanIntervalUs = 10'000;
// Slots of the flush wheel: 1.28 s, more than any allowed flush interval.
constexpr std::int64_t kWheelSlots = 128;

std::int64_t wall_clock_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

void bump(std::atomic<std::uint64_t>& counter, std::uint64_t by = 1) {
  // Single writer (the worker thread): no read-modify-write needed.
  counter.store(counter.load(std::memory_order_relaxed) + by, std::memory_order_relaxed);
}

}  // namespace

Status validate_config(const RecorderConfig& c) {
  if (c.spool_dir.empty()) return Error{"recorder: spool_dir is not set"};
  if (c.jitter_delay_us < 0 || c.jitter_delay_us > 500'000)
    return Error{"recorder: jitter_delay_us must be between 0 and 500000"};
  // Durable at least every second (and the flush wheel spans 1.28 s).
  if (c.flush_interval_us < kFlushScanIntervalUs || c.flush_interval_us > 1'000'000)
    return Error{"recorder: flush_interval_us must be between 10000 and 1000000"};
  if (c.rtp_queue_capacity < 2 || c.command_queue_capacity < 2 || c.max_calls == 0)
    return Error{"recorder: queue capacities and max_calls must be positive"};
  return Status::Ok();
}

Result<std::unique_ptr<RecorderWorker>> RecorderWorker::create(RecorderConfig config,
                                                               KeyProvider& keys) {
  if (Status st = validate_config(config); !st) return st.error();
  return std::make_unique<RecorderWorker>(std::move(config), keys);
}

RecorderWorker::RecorderWorker(RecorderConfig config, KeyProvider& keys)
    : config_(std::move(config)),
      keys_(keys),
      commands_(config_.command_queue_capacity),
      scratch_(config_.zstd_level),
      wheel_(kWheelSlots) {}

RecorderWorker::~RecorderWorker() {
  if (spool_dir_fd_ >= 0) ::close(spool_dir_fd_);
}

RtpQueue& RecorderWorker::add_rtp_producer() {
  owned_queues_.push_back(std::make_unique<RtpQueue>(config_.rtp_queue_capacity));
  rtp_queues_.push_back(owned_queues_.back().get());
  return *rtp_queues_.back();
}

std::uint64_t RecorderWorker::rtp_queue_drops() const {
  std::uint64_t n = 0;
  for (const auto& q : rtp_queues_) n += q->dropped();
  return n;
}

bool RecorderWorker::push_command(RecorderCommand::Kind kind, RecordingHandle handle,
                                  std::int64_t at_us, std::shared_ptr<const CallDetails> details) {
  RecorderCommand c;
  c.kind = kind;
  c.handle = handle;
  c.at_us = at_us;
  c.details = std::move(details);
  return commands_.push(c);
}

std::optional<RecordingHandle> RecorderWorker::start_recording(
    std::shared_ptr<const CallDetails> details, std::int64_t at_us) {
  const RecordingHandle handle = next_handle_;
  if (!push_command(RecorderCommand::Kind::kStart, handle, at_us, std::move(details)))
    return std::nullopt;
  // Zero is never a handle, so a zeroed record matches no call.
  next_handle_ = next_handle_ + 1 == 0 ? 1 : next_handle_ + 1;
  return handle;
}

bool RecorderWorker::pause_recording(RecordingHandle handle, std::int64_t at_us) {
  return push_command(RecorderCommand::Kind::kPause, handle, at_us, nullptr);
}

bool RecorderWorker::resume_recording(RecordingHandle handle, std::int64_t at_us) {
  return push_command(RecorderCommand::Kind::kResume, handle, at_us, nullptr);
}

bool RecorderWorker::stop_recording(RecordingHandle handle, std::int64_t at_us) {
  return push_command(RecorderCommand::Kind::kStop, handle, at_us, nullptr);
}

void RecorderWorker::drain_commands() {
  RecorderCommand c;
  while (commands_.pop(c)) apply(c);
}

void RecorderWorker::apply(const RecorderCommand& c) {
  if (c.kind == RecorderCommand::Kind::kStart) {
    const char* refusal = c.details == nullptr                 ? "no_details"
                          : calls_.size() >= config_.max_calls ? "too_many_calls"
                          : calls_.contains(c.handle)          ? "handle_in_use"
                                                               : nullptr;
    if (refusal != nullptr) {
      bump(counters_.recordings_start_failed);
      TL_LOG(kError, "recording_start_refused", "handle=%u reason=%s", c.handle, refusal);
      return;
    }
    auto call = CallRecording::start(*c.details, c.at_us, config_, keys_, scratch_);
    if (!call) {
      bump(counters_.recordings_start_failed);
      TL_LOG(kError, "recording_start_failed", "tenant=%s recording=%s error=\"%s\"",
             c.details->tenant_id.c_str(), c.details->recording_id.c_str(),
             call.error().message.c_str());
      return;
    }
    schedule(c.handle, (*call)->next_flush_us);
    calls_.emplace(c.handle, std::move(*call));
    bump(counters_.recordings_started);
    counters_.recordings_active.store(calls_.size(), std::memory_order_relaxed);
    return;
  }
  auto it = calls_.find(c.handle);
  if (it == calls_.end()) {
    bump(counters_.commands_unknown_recording);
    return;
  }
  CallRecording& call = *it->second;
  switch (c.kind) {
    case RecorderCommand::Kind::kPause:
      if (std::int64_t late = call.pause(c.at_us); late > 0) {
        bump(counters_.pause_frames_too_late, static_cast<std::uint64_t>(late));
        TL_LOG(kWarn, "recording_pause_late", "recording=%s frames_already_sealed=%lld",
               call.details().recording_id.c_str(), static_cast<long long>(late));
      }
      break;
    case RecorderCommand::Kind::kResume:
      call.resume(c.at_us);
      break;
    case RecorderCommand::Kind::kStop:
      if (!call.stopping()) stopping_.push_back(c.handle);
      call.stop(c.at_us);
      break;
    case RecorderCommand::Kind::kStart:
      break;
  }
}

void RecorderWorker::on_packet(const RtpRecord& record) {
  auto it = calls_.find(record.handle);
  if (it == calls_.end() && !commands_drained_this_poll_) {
    // The start may have been queued after this poll read the commands.
    commands_drained_this_poll_ = true;
    drain_commands();
    it = calls_.find(record.handle);
  }
  if (it == calls_.end()) {
    bump(counters_.packets_unknown_recording);
    return;
  }
  it->second->place(record);
}

std::size_t RecorderWorker::poll(std::int64_t now_us) {
  commands_drained_this_poll_ = false;
  drain_commands();
  std::size_t consumed = 0;
  for (auto& queue : rtp_queues_)
    consumed += queue->consume(kPacketBurst, [this](const RtpRecord& r) { on_packet(r); });
  if (consumed != 0) bump(counters_.packets, consumed);
  if (now_us - last_flush_scan_us_ >= kFlushScanIntervalUs) {
    last_flush_scan_us_ = now_us;
    flush_due(now_us, /*force=*/false);
  }
  return consumed;
}

bool RecorderWorker::flush_call(CallRecording& call, std::int64_t now_us, bool final_seal) {
  const std::uint32_t segments_before = call.audio_segments();
  auto frames = call.seal_audio(now_us, config_.jitter_delay_us, scratch_);
  Status st = frames ? Status::Ok() : Status(frames.error());
  if (st && final_seal) st = call.seal_end(scratch_);
  if (!st) {
    // Whatever was sealed before the failure is still written below: its
    // records are numbered, and leaving them out would leave a gap.
    bump(counters_.spool_errors);
    TL_LOG(kError, "recording_seal_failed", "recording=%s error=\"%s\"",
           call.details().recording_id.c_str(), st.error().message.c_str());
  }
  bump(counters_.segments_sealed, call.audio_segments() - segments_before);
  if (frames) bump(counters_.frames_sealed, static_cast<std::uint64_t>(*frames));
  const std::size_t bytes = scratch_.output.size() + call.unwritten_bytes();
  if (bytes == 0) return false;
  if (Status w = call.write(scratch_.output); !w) {
    bump(counters_.spool_errors);
    TL_LOG(kError, "recording_spool_write_failed", "recording=%s error=\"%s\"",
           call.details().recording_id.c_str(), w.error().message.c_str());
    return false;
  }
  bump(counters_.bytes_written, bytes);
  return true;
}

void RecorderWorker::schedule(RecordingHandle handle, std::int64_t due_us) {
  // The first slot that starts at or after `due_us` (a scan of slot k happens
  // at k * interval or later, so the call is due by then), and never a slot
  // already scanned: it would wait a whole lap.
  const std::int64_t slot =
      std::max((due_us + kFlushScanIntervalUs - 1) / kFlushScanIntervalUs, last_scanned_slot_ + 1);
  wheel_[static_cast<std::size_t>(slot % kWheelSlots)].push_back(handle);
}

void RecorderWorker::flush_due(std::int64_t now_us, bool force) {
  written_.clear();
  finished_.clear();
  // Stopped calls whose jitter delay has passed: seal the rest and the trailer.
  for (std::size_t i = 0; i < stopping_.size();) {
    const RecordingHandle handle = stopping_[i];
    auto it = calls_.find(handle);
    CallRecording* call = it == calls_.end() ? nullptr : it->second.get();
    if (call != nullptr && !force && now_us < call->stop_us() + config_.jitter_delay_us) {
      ++i;
      continue;
    }
    if (call != nullptr) {
      if (flush_call(*call, now_us, /*final_seal=*/true)) written_.push_back(call);
      if (call->unwritten_bytes() == 0) finished_.push_back(handle);
      // Otherwise the write failed: try again on the next scan.
      if (call->unwritten_bytes() != 0) {
        ++i;
        continue;
      }
    }
    stopping_[i] = stopping_.back();
    stopping_.pop_back();
  }
  // Calls whose next segment is due, slot by slot since the last scan.
  const std::int64_t now_slot = now_us / kFlushScanIntervalUs;
  std::int64_t first_slot = last_scanned_slot_ + 1;
  if (force || last_scanned_slot_ < 0 || now_slot - first_slot >= kWheelSlots)
    first_slot = now_slot - kWheelSlots + 1;  // every bucket once
  for (std::int64_t slot = first_slot; slot <= now_slot; ++slot) {
    last_scanned_slot_ = slot;
    auto& bucket = wheel_[static_cast<std::size_t>(slot % kWheelSlots)];
    due_.swap(bucket);
    bucket.clear();
    for (RecordingHandle handle : due_) {
      auto it = calls_.find(handle);
      if (it == calls_.end()) continue;  // sealed and gone
      CallRecording& call = *it->second;
      if (call.stopping()) continue;  // in stopping_ now
      if (!force && call.next_flush_us > now_us) {
        schedule(handle, call.next_flush_us);  // not yet (the scan ran early): keep it
        continue;
      }
      if (flush_call(call, now_us, /*final_seal=*/false)) written_.push_back(&call);
      call.next_flush_us = now_us + config_.flush_interval_us;
      schedule(handle, call.next_flush_us);
    }
  }
  sync_round(written_);
  for (RecordingHandle h : finished_) {
    auto it = calls_.find(h);
    finalize(h, *it->second);
    calls_.erase(it);
  }
  counters_.recordings_active.store(calls_.size(), std::memory_order_relaxed);
}

void RecorderWorker::sync_round(std::vector<CallRecording*>& written) {
  if (written.empty() || config_.sync_mode == SyncMode::kNone) return;
  if (config_.sync_mode == SyncMode::kSyncfs) {
    if (spool_dir_fd_ < 0)
      spool_dir_fd_ = ::open(config_.spool_dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    const int fd = spool_dir_fd_;
    if (fd >= 0 && ::syncfs(fd) == 0) {
      bump(counters_.syncs);
      for (CallRecording* call : written) call->spool().mark_directory_durable();
    } else {
      bump(counters_.spool_errors);
      TL_LOG(kError, "recording_syncfs_failed", "spool=%s", config_.spool_dir.c_str());
    }
    return;
  }
  for (CallRecording* call : written) {
    if (Status st = call->spool().sync(); !st) {
      bump(counters_.spool_errors);
      TL_LOG(kError, "recording_sync_failed", "error=\"%s\"", st.error().message.c_str());
    } else {
      bump(counters_.syncs);
    }
  }
}

void RecorderWorker::finalize(RecordingHandle handle, CallRecording& call) {
  auto path = call.finish();
  if (!path) {
    bump(counters_.spool_errors);
    TL_LOG(kError, "recording_finish_failed", "handle=%u error=\"%s\"", handle,
           path.error().message.c_str());
    return;  // stays a .part file: recovery seals it on the next start
  }
  bump(counters_.recordings_sealed);
  if (on_sealed_) on_sealed_(*path, call.details(), call.start_us(), call.stop_us());
}

void RecorderWorker::seal_all(std::int64_t now_us) {
  drain_commands();
  for (auto& queue : rtp_queues_)
    while (queue->consume(kPacketBurst, [this](const RtpRecord& r) { on_packet(r); }) != 0) {
    }
  for (auto& [handle, call] : calls_) {
    if (!call->stopping()) stopping_.push_back(handle);
    call->stop(now_us);
  }
  flush_due(now_us, /*force=*/true);
  // Anything still here could not be written; it stays in the spool for recovery.
  calls_.clear();
  stopping_.clear();
  for (auto& bucket : wheel_) bucket.clear();
  counters_.recordings_active.store(0, std::memory_order_relaxed);
}

void RecorderWorker::run(const std::atomic<bool>& stop) {
  while (!stop.load(std::memory_order_relaxed)) {
    if (poll(wall_clock_us()) == 0) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  seal_all(wall_clock_us());
}

}  // namespace trunkline::recorder
