// Everything a worker keeps for one recorded call: the two directions'
// jitter buffers, the pause schedule, the record sealer, the running PCM
// checksum and the spool file. Owned and touched only by its worker thread.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <vector>

#include "common/result.h"
#include "recorder/crypto/key_provider.h"
#include "recorder/crypto/sha256.h"
#include "recorder/format/record_codec.h"
#include "recorder/format/record_sealer.h"
#include "recorder/ingest/recorder_command.h"
#include "recorder/ingest/rtp_record.h"
#include "recorder/jitter/direction_buffer.h"
#include "recorder/mix/pause_schedule.h"
#include "recorder/spool/spool_file.h"
#include "recorder/worker/recorder_config.h"

namespace trunkline::recorder {

// Scratch space a worker lends to whichever call it is sealing.
struct SealScratch {
  explicit SealScratch(int zstd_level) : codec(zstd_level) {}
  RecordCodec codec;
  std::vector<std::int16_t> pcm;
  std::vector<std::uint8_t> plaintext;
  std::vector<FrameSpan> pauses;
  std::vector<std::uint8_t> output;  // sealed records on their way to a spool file
};

class CallRecording {
 public:
  // Creates the spool file and writes header and metadata; they become
  // durable with the first segment's sync, before any audio could be lost.
  static Result<std::unique_ptr<CallRecording>> start(const CallDetails& details,
                                                      std::int64_t start_us,
                                                      const RecorderConfig& config,
                                                      KeyProvider& keys, SealScratch& scratch);

  // Timeline frame of a wall-clock time (8 frames per millisecond since the start).
  std::int64_t frame_at(std::int64_t time_us) const;

  void place(const RtpRecord& record) {
    DirectionBuffer& dir = record.leg == Leg::kCaller ? caller_ : agent_;
    dir.place(record, frame_at(record.arrival_us), sealed_upto_);
  }
  // Returns frames of the pause that came too late to honour.
  std::int64_t pause(std::int64_t at_us) { return pauses_.pause(frame_at(at_us), sealed_upto_); }
  void resume(std::int64_t at_us) { pauses_.resume(std::max(frame_at(at_us), sealed_upto_)); }
  void stop(std::int64_t at_us);
  bool stopping() const { return end_frame_.has_value(); }
  std::int64_t start_us() const { return start_us_; }
  std::int64_t stop_us() const { return stop_us_; }

  // Seals everything up to the playout point of `now_us` (or the end, once
  // stopped) as audio segments into scratch.output. Returns frames sealed.
  Result<std::int64_t> seal_audio(std::int64_t now_us, std::int64_t jitter_delay_us,
                                  SealScratch& scratch);
  // Seals the rest and the trailer (marked last) into scratch.output. Only after stop().
  Status seal_end(SealScratch& scratch);

  // Appends what an earlier write could not, then `output`, to the spool
  // file, and clears `output`. What cannot be written is kept for the next try.
  Status write(std::vector<std::uint8_t>& output);
  std::size_t unwritten_bytes() const { return unwritten_.size(); }
  SpoolFile& spool() { return *spool_; }
  // Renames the spool file to its final name (after seal_end + write).
  Result<std::filesystem::path> finish() { return spool_->finish(); }

  std::int64_t next_flush_us = 0;
  std::int64_t sealed_upto() const { return sealed_upto_; }
  std::uint32_t audio_segments() const { return audio_segments_; }
  const CallDetails& details() const { return details_; }

 private:
  CallRecording(const CallDetails& details, std::int64_t start_us, RecordSealer sealer,
                std::unique_ptr<SpoolFile> spool, std::int64_t ring_frames);
  Status seal_range(std::int64_t to, SealScratch& scratch);

  CallDetails details_;
  std::int64_t start_us_;
  RecordSealer sealer_;
  std::unique_ptr<SpoolFile> spool_;
  DirectionBuffer caller_;
  DirectionBuffer agent_;
  PauseSchedule pauses_;
  Sha256 pcm_hash_;
  std::int64_t sealed_upto_ = 0;
  std::uint32_t audio_segments_ = 0;
  std::optional<std::int64_t> end_frame_;
  bool trailer_sealed_ = false;
  std::int64_t stop_us_ = 0;
  std::vector<std::uint8_t> unwritten_;
};

}  // namespace trunkline::recorder
