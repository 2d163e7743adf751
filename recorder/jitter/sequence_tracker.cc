#include "recorder/jitter/sequence_tracker.h"

namespace trunkline::recorder {

SequenceTracker::Verdict SequenceTracker::accept(std::uint16_t sequence) {
  if (!started_) {
    started_ = true;
    lowest_ = highest_ = sequence;
    window_ = 1;
    return Verdict::kInOrder;
  }
  // The extension of `sequence` closest to the newest number seen.
  std::int64_t ext = (highest_ & ~std::int64_t{0xFFFF}) | sequence;
  if (ext - highest_ > 0x8000) ext -= 0x10000;
  if (highest_ - ext > 0x8000) ext += 0x10000;

  const std::int64_t ahead = ext - highest_;
  if (ahead > kMaxDropout) {
    // The sender restarted its numbering without a new SSRC.
    restart();
    return accept(sequence);
  }
  if (ahead > 0) {
    window_ = ahead >= 64 ? 0 : window_ << ahead;
    window_ |= 1;
    highest_ = ext;
    return Verdict::kInOrder;
  }
  const std::int64_t behind = -ahead;
  if (behind >= 64) return Verdict::kTooOld;
  const std::uint64_t bit = std::uint64_t{1} << behind;
  if (window_ & bit) return Verdict::kDuplicate;
  window_ |= bit;
  if (ext < lowest_) lowest_ = ext;
  return Verdict::kReordered;
}

void SequenceTracker::restart() {
  carried_expected_ = expected();
  started_ = false;
  window_ = 0;
}

std::uint64_t SequenceTracker::expected() const {
  if (!started_) return carried_expected_;
  return carried_expected_ + static_cast<std::uint64_t>(highest_ - lowest_ + 1);
}

}  // namespace trunkline::recorder
