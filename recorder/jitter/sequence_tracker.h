// Tracks the RTP sequence numbers of one stream: extends them past the 16-bit
// wrap-around, recognises duplicates within a 64-packet window, and counts how
// many packets the sender sent (expected) so loss can be reported.
#pragma once

#include <cstdint>

namespace trunkline::recorder {

class SequenceTracker {
 public:
  enum class Verdict : std::uint8_t {
    kInOrder,    // newest so far
    kReordered,  // older than the newest, not seen before
    kDuplicate,  // seen before
    kTooOld,     // older than the duplicate window: cannot tell, treat as late
  };

  Verdict accept(std::uint16_t sequence);

  // Starts over for a new SSRC; what was expected so far is kept.
  void restart();

  // Packets the sender(s) sent, from the span of sequence numbers seen.
  std::uint64_t expected() const;

 private:
  // Forward jump beyond which the sender is taken to have restarted (RFC 3550 A.1).
  static constexpr std::int64_t kMaxDropout = 3000;

  bool started_ = false;
  std::int64_t lowest_ = 0;  // extended sequence numbers
  std::int64_t highest_ = 0;
  std::uint64_t window_ = 0;  // bit i set: highest_ - i was received
  std::uint64_t carried_expected_ = 0;
};

}  // namespace trunkline::recorder
