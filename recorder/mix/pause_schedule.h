// Pause/resume of one recording (PCI DSS: while a caller reads out card
// details the recording is paused). Spans are timeline frames; paused frames
// are silence in the file and listed in its segments and trailer.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "recorder/format/audio_segment.h"

namespace trunkline::recorder {

class PauseSchedule {
 public:
  // Pauses from `frame`, but never earlier than `sealed_upto` (audio already
  // sealed cannot be taken back). Returns how many frames of the request came
  // too late to honour. No effect if already paused.
  std::int64_t pause(std::int64_t frame, std::int64_t sealed_upto);
  // Resumes at `frame` (not before the pause began). No effect if not paused.
  void resume(std::int64_t frame);
  bool paused() const { return open_start_.has_value(); }

  // The paused parts of [from, to), in order, clipped to it.
  void spans_within(std::int64_t from, std::int64_t to, std::vector<FrameSpan>& out) const;
  // Every paused span, an open one ending at `end`.
  std::vector<FrameSpan> all(std::int64_t end) const;

 private:
  std::vector<FrameSpan> closed_;
  std::optional<std::int64_t> open_start_;
};

}  // namespace trunkline::recorder
