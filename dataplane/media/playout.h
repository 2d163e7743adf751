// Playout: announcements then music, generated as RTP on the lcore for
// callers who wait (DESIGN: "queued callers: announcement / music RTP
// generated on the lcore"). No thread and no timer per caller: every playing
// leg sits in one of 20 one-millisecond buckets of a wheel whose turn is the
// 20 ms packetisation time, so each millisecond the lcore sends the packets
// of one bucket, and a waiting caller costs one 160-byte copy per 20 ms.
//
// A leg plays `first` once, then `loop` over and over (either may be absent),
// in the law of its payload type, from its own SSRC, sequence and timestamp.
// Real media relayed towards the leg stops the playout at once (the agent's
// early media or answer), as does control (kPlay with no prompt) or deleting
// the session. Only the session's owner lcore (id % workers) plays.
#pragma once

#include <cstdint>
#include <vector>

#include "dataplane/media/media_types.h"
#include "dataplane/media/prompt.h"

namespace trunkline::media {

inline constexpr unsigned kPlayoutPtimeMs = 20;

struct PlayoutEntry {
  const Prompt* first = nullptr;
  const Prompt* loop = nullptr;
  const Prompt* now = nullptr;  // null: not playing
  std::uint32_t frame = 0;      // next frame of `now`
  std::uint32_t timestamp = 0;
  std::uint32_t ssrc = 0;
  std::uint16_t sequence = 0;
  std::uint8_t payload_type = 0;
  bool marker = true;                                    // first packet of the talk spurt
  std::uint32_t next = 0xffffffffu, prev = 0xffffffffu;  // bucket list (leg numbers)
  std::uint8_t bucket = 0;
};

class Playout {
 public:
  Playout() = default;
  explicit Playout(std::uint32_t legs) : entries_(legs) {}

  // Starts leg `leg` (a flow-table leg number) playing; false if out of range
  // or neither prompt is given. Restarting a playing leg starts it over.
  bool start(std::uint32_t leg, const Prompt* first, const Prompt* loop, std::uint8_t pt,
             std::uint32_t ssrc, std::uint64_t now_ms);
  void stop(std::uint32_t leg);
  bool playing(std::uint32_t leg) const {
    return leg < entries_.size() && entries_[leg].now != nullptr;
  }
  std::uint32_t active() const { return active_; }

  // Calls emit(leg, entry, payload) for every packet due from the last call
  // up to `now_ms` (at most one wheel turn), then advances the entry; an
  // entry whose prompts end stops. Returns the packets emitted.
  template <typename Emit>
  unsigned due(std::uint64_t now_ms, Emit&& emit);

  // The RTP packet (12-byte header + 160 bytes) of `e`'s next frame into
  // `out`; then advances `e`. False when it has nothing left to play.
  static bool next_packet(PlayoutEntry& e, std::uint8_t* out);

 private:
  void link(std::uint32_t leg, std::uint8_t bucket);
  void unlink(std::uint32_t leg);

  std::vector<PlayoutEntry> entries_;
  std::uint32_t heads_[kPlayoutPtimeMs] = {
      0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu,
      0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu,
      0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu};
  std::uint64_t done_ms_ = 0;  // buckets up to this ms have been sent
  std::uint32_t active_ = 0;
};

template <typename Emit>
unsigned Playout::due(std::uint64_t now_ms, Emit&& emit) {
  if (active_ == 0 || now_ms <= done_ms_) {
    if (now_ms > done_ms_) done_ms_ = now_ms;
    return 0;
  }
  std::uint64_t from = done_ms_ + 1;
  if (now_ms - from >= kPlayoutPtimeMs) from = now_ms - kPlayoutPtimeMs + 1;  // late: one turn
  unsigned sent = 0;
  for (std::uint64_t ms = from; ms <= now_ms; ++ms) {
    std::uint32_t leg = heads_[ms % kPlayoutPtimeMs];
    while (leg != 0xffffffffu) {
      const std::uint32_t next = entries_[leg].next;
      if (emit(leg, entries_[leg])) ++sent;
      if (entries_[leg].now == nullptr) unlink(leg);  // its prompts ended
      leg = next;
    }
  }
  done_ms_ = now_ms;
  return sent;
}

// Where an lcore's playout packet starts: after Ethernet, IP and UDP.
inline std::uint16_t playout_rtp_offset(bool ipv6) { return 14 + (ipv6 ? 40 : 20) + 8; }

// Writes the IPv4/IPv6 and UDP headers (TTL 64, checksums) of a datagram
// from `src` to `dst` whose `payload_len` bytes are already in place at
// playout_rtp_offset(); the Ethernet header is left to write_ethernet().
// Returns the frame's length.
std::uint16_t write_udp_headers(const Endpoint& src, const Endpoint& dst, std::uint8_t* frame,
                                std::uint16_t payload_len);

}  // namespace trunkline::media
