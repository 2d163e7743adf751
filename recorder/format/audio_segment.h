// The plaintext of an audio record: a small header, then the audio as two
// planes of G.711 code words, one per channel.
//
//   u8 version (1) | u8 caller law | u8 agent law | u8 reserved
//   | u16 pause count | u16 reserved | u32 frames | u64 first frame
//   | caller stats (8 x u64) | agent stats (8 x u64)
//   | pause spans (count x {u64 begin frame, u64 end frame})
//   | caller code words (frames bytes) | agent code words (frames bytes)
//
// Law 0 is µ-law (PCMU), 1 is A-law (PCMA). Frame numbers are positions on
// the recording's timeline (8000 per second from its start). Stats are
// cumulative up to this segment, and pause spans are the parts of this
// segment that were paused (silence codes), so a recording cut short by a
// crash still knows both. The decoded audio ("PCM") of a segment is its code
// words decoded by G.711 and interleaved as s16le stereo frames.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "common/result.h"
#include "recorder/codec/g711.h"
#include "recorder/jitter/stream_stats.h"

namespace trunkline::recorder {

struct FrameSpan {
  std::int64_t begin = 0;  // first frame
  std::int64_t end = 0;    // one past the last frame
  bool operator==(const FrameSpan&) const = default;
};

struct AudioSegmentHeader {
  std::int64_t first_frame = 0;
  std::uint32_t frames = 0;
  g711::Law caller_law = g711::Law::kUlaw;
  g711::Law agent_law = g711::Law::kUlaw;
  StreamStats caller;
  StreamStats agent;
  std::vector<FrameSpan> pauses;
};

// Decoded PCM: two s16le samples per frame.
inline constexpr std::size_t kPcmBytesPerFrame = 4;

std::size_t audio_segment_header_size(std::size_t pause_count);
// Writes the header into out[0 .. audio_segment_header_size(pauses)).
void encode_audio_segment_header(const AudioSegmentHeader& header, std::uint8_t* out);

struct AudioSegmentView {
  AudioSegmentHeader header;
  std::span<const std::uint8_t> caller_codes;  // `frames` code words
  std::span<const std::uint8_t> agent_codes;
};
Result<AudioSegmentView> parse_audio_segment(std::span<const std::uint8_t> plaintext);

// Decodes both planes into interleaved stereo PCM (2 * frames samples).
void decode_stereo(g711::Law caller_law, const std::uint8_t* caller_codes, g711::Law agent_law,
                   const std::uint8_t* agent_codes, std::size_t frames, std::int16_t* out);

}  // namespace trunkline::recorder
