#include "recorder/format/audio_segment.h"

#include "recorder/format/byte_order.h"

namespace trunkline::recorder {
namespace {

constexpr std::size_t kStatsSize = 8 * 8;
constexpr std::size_t kFixedSize = 20 + 2 * kStatsSize;

std::uint8_t* store_stats(std::uint8_t* p, const StreamStats& s) {
  for (std::uint64_t v : {s.received, s.expected, s.duplicates, s.late, s.out_of_window,
                          s.non_audio, s.reanchors, s.transcoded})
    p = store_le(p, v);
  return p;
}

StreamStats get_stats(ByteReader& r) {
  StreamStats s;
  s.received = r.le<std::uint64_t>();
  s.expected = r.le<std::uint64_t>();
  s.duplicates = r.le<std::uint64_t>();
  s.late = r.le<std::uint64_t>();
  s.out_of_window = r.le<std::uint64_t>();
  s.non_audio = r.le<std::uint64_t>();
  s.reanchors = r.le<std::uint64_t>();
  s.transcoded = r.le<std::uint64_t>();
  return s;
}

}  // namespace

std::size_t audio_segment_header_size(std::size_t pause_count) {
  return kFixedSize + 16 * pause_count;
}

void encode_audio_segment_header(const AudioSegmentHeader& h, std::uint8_t* out) {
  std::uint8_t* p = out;
  *p++ = 1;
  *p++ = static_cast<std::uint8_t>(h.caller_law);
  *p++ = static_cast<std::uint8_t>(h.agent_law);
  *p++ = 0;
  p = store_le(p, static_cast<std::uint16_t>(h.pauses.size()));
  p = store_le<std::uint16_t>(p, 0);
  p = store_le(p, h.frames);
  p = store_le(p, static_cast<std::uint64_t>(h.first_frame));
  p = store_stats(p, h.caller);
  p = store_stats(p, h.agent);
  for (const FrameSpan& s : h.pauses) {
    p = store_le(p, static_cast<std::uint64_t>(s.begin));
    p = store_le(p, static_cast<std::uint64_t>(s.end));
  }
}

Result<AudioSegmentView> parse_audio_segment(std::span<const std::uint8_t> plaintext) {
  ByteReader r(plaintext);
  AudioSegmentView view;
  AudioSegmentHeader& h = view.header;
  const std::uint8_t version = r.le<std::uint8_t>();
  const std::uint8_t caller_law = r.le<std::uint8_t>();
  const std::uint8_t agent_law = r.le<std::uint8_t>();
  const std::uint8_t reserved = r.le<std::uint8_t>();
  const std::uint16_t pause_count = r.le<std::uint16_t>();
  const std::uint16_t reserved2 = r.le<std::uint16_t>();
  h.frames = r.le<std::uint32_t>();
  h.first_frame = static_cast<std::int64_t>(r.le<std::uint64_t>());
  h.caller = get_stats(r);
  h.agent = get_stats(r);
  if (!r.ok()) return Error{"audio segment header is truncated"};
  if (version != 1) return Error{"unknown audio segment version " + std::to_string(version)};
  if (caller_law > 1 || agent_law > 1 || reserved != 0 || reserved2 != 0)
    return Error{"audio segment header has unknown values"};
  h.caller_law = static_cast<g711::Law>(caller_law);
  h.agent_law = static_cast<g711::Law>(agent_law);
  if (h.first_frame < 0) return Error{"audio segment starts before the recording"};
  for (std::uint16_t i = 0; i < pause_count; ++i) {
    FrameSpan p;
    p.begin = static_cast<std::int64_t>(r.le<std::uint64_t>());
    p.end = static_cast<std::int64_t>(r.le<std::uint64_t>());
    if (!r.ok()) return Error{"audio segment pause list is truncated"};
    if (p.begin < h.first_frame || p.end <= p.begin || p.end > h.first_frame + h.frames)
      return Error{"audio segment pause span lies outside the segment"};
    h.pauses.push_back(p);
  }
  if (r.remaining() != 2 * std::size_t{h.frames})
    return Error{"audio segment size does not match its frame count"};
  view.caller_codes = plaintext.subspan(r.position(), h.frames);
  view.agent_codes = plaintext.subspan(r.position() + h.frames, h.frames);
  return view;
}

void decode_stereo(g711::Law caller_law, const std::uint8_t* caller_codes, g711::Law agent_law,
                   const std::uint8_t* agent_codes, std::size_t frames, std::int16_t* out) {
  // One pass writing whole frames: ~4 µs per 4000 frames here, against ~6 µs
  // for two strided passes.
  const std::int16_t* left = g711::decode_table(caller_law);
  const std::int16_t* right = g711::decode_table(agent_law);
  for (std::size_t i = 0; i < frames; ++i) {
    out[2 * i] = left[caller_codes[i]];
    out[2 * i + 1] = right[agent_codes[i]];
  }
}

}  // namespace trunkline::recorder
