// The named fields of the metadata record (what is known when the recording
// starts) and of the trailer record (what is known when it ends).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/result.h"
#include "recorder/crypto/sha256.h"
#include "recorder/format/audio_segment.h"
#include "recorder/format/field_list.h"
#include "recorder/ingest/recorder_command.h"

namespace trunkline::recorder {

FieldList make_metadata(const CallDetails& call, std::int64_t start_us);

struct TrailerInfo {
  bool recovered = false;  // sealed by crash recovery: the audio ends early
  std::int64_t start_us = 0;
  std::int64_t end_us = 0;
  std::int64_t frames = 0;
  std::uint32_t audio_segments = 0;
  Sha256Digest pcm_sha256{};
  std::vector<FrameSpan> pauses;
  StreamStats caller;
  StreamStats agent;
};

FieldList make_trailer(const TrailerInfo& info);
Result<TrailerInfo> parse_trailer(const FieldList& fields);

// "begin-end,begin-end" in frames.
std::string format_spans(const std::vector<FrameSpan>& spans);
// Appends `span` to `spans`, merging it with the last one if they touch.
void append_span(std::vector<FrameSpan>& spans, const FrameSpan& span);

}  // namespace trunkline::recorder
