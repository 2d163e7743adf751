#include "recorder/jitter/direction_buffer.h"

#include <algorithm>
#include <cstring>

namespace trunkline::recorder {
DirectionBuffer::DirectionBuffer(std::int64_t ring_frames)
    : ring_frames_(ring_frames),
      mask_(ring_frames - 1),
      ring_(new std::uint8_t[static_cast<std::size_t>(ring_frames)]) {
  std::memset(ring_.get(), g711::kUlawSilence, static_cast<std::size_t>(ring_frames_));
}

std::int64_t DirectionBuffer::ring_frames_for(std::int64_t span_us) {
  const std::int64_t needed = span_us * 8 / 1000 * 10 / 7;
  std::int64_t frames = 1024;
  while (frames < needed) frames *= 2;
  return frames;
}

void DirectionBuffer::set_law(g711::Law law) {
  // Only called before any packet was placed: the ring holds nothing but silence.
  law_ = law;
  law_known_ = true;
  std::memset(ring_.get(), g711::silence_code(law), static_cast<std::size_t>(ring_frames_));
}

void DirectionBuffer::place(const RtpRecord& record, std::int64_t arrival_position,
                            std::int64_t sealed_upto) {
  g711::Law law;
  if (record.payload_type == g711::kPayloadTypePcmu) {
    law = g711::Law::kUlaw;
  } else if (record.payload_type == g711::kPayloadTypePcma) {
    law = g711::Law::kAlaw;
  } else {
    ++stats_.non_audio;
    return;
  }
  const std::int64_t samples = record.payload_size;  // one byte per sample in G.711
  if (samples == 0) {
    ++stats_.non_audio;
    return;
  }
  if (!law_known_) set_law(law);
  // Where the packet's first sample was spoken, judged by its arrival alone.
  const std::int64_t arrival_start = arrival_position - samples;

  if (!anchored_ || record.ssrc != ssrc_) {
    if (anchored_) {
      sequence_.restart();
      ++stats_.reanchors;
    }
    anchored_ = true;
    ssrc_ = record.ssrc;
    anchor_timestamp_ = record.timestamp;
    anchor_position_ = arrival_start;
  }

  const SequenceTracker::Verdict verdict = sequence_.accept(record.sequence);
  if (verdict == SequenceTracker::Verdict::kDuplicate) {
    ++stats_.duplicates;
    return;
  }
  if (verdict == SequenceTracker::Verdict::kTooOld) {
    ++stats_.late;
    return;
  }

  // RTP timestamps wrap at 2^32; the signed difference is the distance.
  std::int64_t position =
      anchor_position_ + static_cast<std::int32_t>(record.timestamp - anchor_timestamp_);
  if (verdict == SequenceTracker::Verdict::kInOrder &&
      (position - arrival_start > kReanchorAheadSamples ||
       arrival_start - position > kReanchorBehindSamples)) {
    anchor_timestamp_ = record.timestamp;
    anchor_position_ = arrival_start;
    position = arrival_start;
    ++stats_.reanchors;
  }

  std::int64_t begin = position;
  const std::int64_t end = position + samples;
  if (end <= sealed_upto) {
    ++stats_.late;
    return;
  }
  if (end > sealed_upto + ring_frames_) {
    ++stats_.out_of_window;
    return;
  }
  const std::uint8_t* in = record.payload;
  std::uint8_t converted[kMaxRecordedPayload];
  if (law != law_) {
    g711::transcode(law, law_, record.payload, record.payload_size, converted);
    in = converted;
    ++stats_.transcoded;
  }
  if (begin < sealed_upto) {  // the head of the packet is already sealed: keep its tail
    in += sealed_upto - begin;
    begin = sealed_upto;
  }
  // Copy into the ring in at most two runs (the ring may wrap inside the packet).
  std::int64_t at = begin;
  while (at < end) {
    const std::int64_t slot = at & mask_;
    const std::int64_t run = std::min(end - at, ring_frames_ - slot);
    std::memcpy(ring_.get() + slot, in, static_cast<std::size_t>(run));
    in += run;
    at += run;
  }
  ++stats_.received;
}

void DirectionBuffer::drain(std::int64_t from, std::int64_t to, std::uint8_t* out) {
  const std::uint8_t quiet = silence();
  // Positions at or beyond from + ring size were never written (place refuses them).
  const std::int64_t buffered_end = std::min(to, from + ring_frames_);
  std::int64_t at = from;
  while (at < buffered_end) {
    const std::int64_t slot = at & mask_;
    const std::int64_t run = std::min(buffered_end - at, ring_frames_ - slot);
    std::memcpy(out, ring_.get() + slot, static_cast<std::size_t>(run));
    std::memset(ring_.get() + slot, quiet, static_cast<std::size_t>(run));
    out += run;
    at += run;
  }
  if (to > buffered_end) std::memset(out, quiet, static_cast<std::size_t>(to - buffered_end));
}

StreamStats DirectionBuffer::stats() const {
  StreamStats s = stats_;
  s.expected = sequence_.expected();
  return s;
}

}  // namespace trunkline::recorder
