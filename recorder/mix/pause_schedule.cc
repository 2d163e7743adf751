#include "recorder/mix/pause_schedule.h"

#include <algorithm>
#include <limits>

namespace trunkline::recorder {

std::int64_t PauseSchedule::pause(std::int64_t frame, std::int64_t sealed_upto) {
  if (open_start_) return 0;
  const std::int64_t start = std::max(frame, sealed_upto);
  // Merge with a span that ends where this one starts (resume then pause again).
  if (!closed_.empty() && closed_.back().end >= start) {
    open_start_ = closed_.back().begin;
    closed_.pop_back();
  } else {
    open_start_ = start;
  }
  return start - frame;
}

void PauseSchedule::resume(std::int64_t frame) {
  if (!open_start_) return;
  const std::int64_t begin = *open_start_;
  open_start_.reset();
  if (frame > begin) closed_.push_back({begin, frame});
}

void PauseSchedule::spans_within(std::int64_t from, std::int64_t to,
                                 std::vector<FrameSpan>& out) const {
  auto clip = [&](std::int64_t b, std::int64_t e) {
    b = std::max(b, from);
    e = std::min(e, to);
    if (b < e) out.push_back({b, e});
  };
  for (const FrameSpan& s : closed_) clip(s.begin, s.end);
  if (open_start_) clip(*open_start_, std::numeric_limits<std::int64_t>::max());
}

std::vector<FrameSpan> PauseSchedule::all(std::int64_t end) const {
  std::vector<FrameSpan> out = closed_;
  if (open_start_ && end > *open_start_) out.push_back({*open_start_, end});
  return out;
}

}  // namespace trunkline::recorder
