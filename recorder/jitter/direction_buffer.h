// The short jitter buffer of one direction (caller or agent) of one call.
//
// Packets are copied, as G.711 code words, straight into a ring at their
// place on the call's timeline, so reordering is just writing out of order,
// and what no packet covered keeps the silence code: loss and silence gaps
// become silence and the timeline stays true. A packet's place comes from its
// RTP timestamp, anchored to its arrival time by the first packet of each
// SSRC (timeline position 0 is the start of the recording, 8 frames per ms).
//
// Code words, not PCM, are kept and stored: half the memory and half the
// bytes to compress, and zstd packs log-companded speech well (see
// docs/recording-format.md). A direction's law (µ or A) is set by its first
// audio packet; a packet in the other law is transcoded (and counted).
//
// The worker drains ("seals") the ring up to a playout point that trails real
// time by the jitter delay; a packet whose place is already sealed is late.
#pragma once

#include <cstdint>
#include <memory>

#include "recorder/codec/g711.h"
#include "recorder/ingest/rtp_record.h"
#include "recorder/jitter/sequence_tracker.h"
#include "recorder/jitter/stream_stats.h"

namespace trunkline::recorder {

class DirectionBuffer {
 public:
  // Default ring: 8192 frames = 1.024 s. The sealed point trails arrivals by
  // at most the flush interval plus the jitter delay (0.6 s by default);
  // ring_frames_for() sizes it for other settings.
  static constexpr std::int64_t kDefaultRingFrames = 8192;
  // An in-order packet placed further than this from where its arrival time
  // puts it means the sender's timestamps jumped: re-anchor on arrival.
  static constexpr std::int64_t kReanchorAheadSamples = 200 * 8;
  static constexpr std::int64_t kReanchorBehindSamples = 1000 * 8;

  // `ring_frames` must be a power of two.
  explicit DirectionBuffer(std::int64_t ring_frames = kDefaultRingFrames);

  // The smallest power-of-two ring that holds `span_us` of unsealed audio
  // with 40% to spare (for scheduling delays and packets that run ahead).
  static std::int64_t ring_frames_for(std::int64_t span_us);
  std::int64_t ring_frames() const { return ring_frames_; }

  // Places one packet. `arrival_position` is the timeline position of its
  // arrival time; `sealed_upto` is the first position not yet sealed.
  void place(const RtpRecord& record, std::int64_t arrival_position, std::int64_t sealed_upto);

  // Moves the code words of [from, to) out of the ring into out[0 .. to-from)
  // and leaves silence in their place. `from` must be the current sealed point.
  void drain(std::int64_t from, std::int64_t to, std::uint8_t* out);

  // The law of every code word this direction hands out.
  g711::Law law() const { return law_; }
  std::uint8_t silence() const { return g711::silence_code(law_); }

  // Counters so far, with `expected` taken from the sequence numbers.
  StreamStats stats() const;

 private:
  void set_law(g711::Law law);

  std::int64_t ring_frames_;
  std::int64_t mask_;
  std::unique_ptr<std::uint8_t[]> ring_;
  SequenceTracker sequence_;
  StreamStats stats_;
  g711::Law law_ = g711::Law::kUlaw;
  bool law_known_ = false;
  bool anchored_ = false;
  std::uint32_t ssrc_ = 0;
  std::uint32_t anchor_timestamp_ = 0;
  std::int64_t anchor_position_ = 0;
};

}  // namespace trunkline::recorder
