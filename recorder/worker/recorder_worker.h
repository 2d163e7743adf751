// A recorder worker: one thread that owns many recorded calls. It drains the
// RTP records its producers (dataplane lcores) copied into their SPSC queues,
// and the commands of the control thread, places each packet on its call's
// timeline, and every flush interval seals each call's new audio as a
// segment in its spool file and makes it durable.
//
// Producers never wait: each has its own queue, and a full queue is a counted
// drop. Everything else belongs to the worker thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <unordered_map>
#include <vector>

#include "common/result.h"
#include "recorder/crypto/key_provider.h"
#include "recorder/ingest/bounded_queue.h"
#include "recorder/ingest/recorder_command.h"
#include "recorder/ingest/rtp_record.h"
#include "recorder/worker/call_recording.h"
#include "recorder/worker/recorder_config.h"

namespace trunkline::recorder {

using RtpQueue = BoundedQueue<RtpRecord>;
using CommandQueue = BoundedQueue<RecorderCommand>;

// Written by the worker thread, read by anyone (stats).
struct RecorderWorkerCounters {
  std::atomic<std::uint64_t> packets{0};
  std::atomic<std::uint64_t> packets_unknown_recording{0};
  std::atomic<std::uint64_t> commands_unknown_recording{0};
  std::atomic<std::uint64_t> recordings_started{0};
  std::atomic<std::uint64_t> recordings_start_failed{0};
  std::atomic<std::uint64_t> recordings_sealed{0};
  std::atomic<std::uint64_t> recordings_active{0};
  std::atomic<std::uint64_t> segments_sealed{0};
  std::atomic<std::uint64_t> frames_sealed{0};
  std::atomic<std::uint64_t> bytes_written{0};
  std::atomic<std::uint64_t> syncs{0};
  std::atomic<std::uint64_t> spool_errors{0};
  std::atomic<std::uint64_t> pause_frames_too_late{0};
};

// Called on the worker thread when a recording is sealed under its final name.
// `start_us`/`end_us`: the recording's start and stop (UNIX-epoch µs).
using SealedCallback =
    std::function<void(const std::filesystem::path& path, const CallDetails& details,
                       std::int64_t start_us, std::int64_t end_us)>;

Status validate_config(const RecorderConfig& config);

class RecorderWorker {
 public:
  // Validates the config first (validate_config).
  static Result<std::unique_ptr<RecorderWorker>> create(RecorderConfig config, KeyProvider& keys);
  // `config` must pass validate_config.
  RecorderWorker(RecorderConfig config, KeyProvider& keys);
  ~RecorderWorker();
  RecorderWorker(const RecorderWorker&) = delete;
  RecorderWorker& operator=(const RecorderWorker&) = delete;

  // --- Set-up, before the worker runs -------------------------------------
  // A new RTP queue for one producer (lcore).
  RtpQueue& add_rtp_producer();
  // A queue someone else owns (the dataplane's fork queue of one lcore); it
  // must outlive the worker's last poll.
  void attach_rtp_queue(RtpQueue& queue) { rtp_queues_.push_back(&queue); }
  void on_sealed(SealedCallback callback) { on_sealed_ = std::move(callback); }

  // --- Control thread (the single producer of commands) -------------------
  // Allocates a handle and queues the start; nullopt if the command queue is full.
  std::optional<RecordingHandle> start_recording(std::shared_ptr<const CallDetails> details,
                                                 std::int64_t at_us);
  bool pause_recording(RecordingHandle handle, std::int64_t at_us);
  bool resume_recording(RecordingHandle handle, std::int64_t at_us);
  bool stop_recording(RecordingHandle handle, std::int64_t at_us);

  // --- Worker thread -------------------------------------------------------
  // One round: commands, packets, due segments. Returns packets consumed.
  std::size_t poll(std::int64_t now_us);
  // Loops on poll() with the wall clock until `stop` is set, then seals every
  // recording (drain on shutdown).
  void run(const std::atomic<bool>& stop);
  // Stops and seals every recording now.
  void seal_all(std::int64_t now_us);

  const RecorderWorkerCounters& counters() const { return counters_; }
  std::uint64_t rtp_queue_drops() const;
  std::uint64_t command_queue_drops() const { return commands_.dropped(); }
  std::size_t active_recordings() const { return calls_.size(); }

 private:
  bool push_command(RecorderCommand::Kind kind, RecordingHandle handle, std::int64_t at_us,
                    std::shared_ptr<const CallDetails> details);
  void drain_commands();
  void apply(const RecorderCommand& command);
  void on_packet(const RtpRecord& record);
  void flush_due(std::int64_t now_us, bool force);
  // Seals and writes one call's due audio; true if it wrote something.
  bool flush_call(CallRecording& call, std::int64_t now_us, bool final_seal);
  void schedule(RecordingHandle handle, std::int64_t due_us);
  void sync_round(std::vector<CallRecording*>& written);
  void finalize(RecordingHandle handle, CallRecording& call);

  const RecorderConfig config_;
  KeyProvider& keys_;
  SealedCallback on_sealed_;
  CommandQueue commands_;
  std::vector<RtpQueue*> rtp_queues_;                    // drained in this order
  std::vector<std::unique_ptr<RtpQueue>> owned_queues_;  // from add_rtp_producer
  RecordingHandle next_handle_ = 1;                      // control thread only

  std::unordered_map<RecordingHandle, std::unique_ptr<CallRecording>> calls_;
  SealScratch scratch_;
  // Which calls fall due when: slot i holds the calls due in scan interval
  // i (mod the wheel size), so a scan touches only the calls it must flush.
  std::vector<std::vector<RecordingHandle>> wheel_;
  std::vector<RecordingHandle> due_;
  std::vector<RecordingHandle> stopping_;  // stopped, waiting out the jitter delay
  std::vector<CallRecording*> written_;
  std::vector<RecordingHandle> finished_;
  std::int64_t last_flush_scan_us_ = 0;
  std::int64_t last_scanned_slot_ = -1;
  bool commands_drained_this_poll_ = false;
  int spool_dir_fd_ = -1;  // for syncfs
  RecorderWorkerCounters counters_;
};

}  // namespace trunkline::recorder
