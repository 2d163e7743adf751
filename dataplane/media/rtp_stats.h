// Receive statistics of one RTP stream, kept per leg on the packet path:
// RFC 3550 A.1 sequence validation and loss accounting (with wrap), A.8
// interarrival jitter, and an E-model (ITU-T G.107) MOS estimate computed only
// when the statistics are read. The state is 56 bytes so that a leg's receive
// side fills one cache line with its session id.
#pragma once

#include <cstdint>

#include "dataplane/media/media_types.h"

namespace trunkline::media {

// RTP clock the jitter is measured in: 8 kHz (G.711, G.729, G.722's RTP clock
// and RFC 4733 events with them). Streams on another clock report a jitter
// scaled by 8000 / their rate.
inline constexpr std::uint32_t kRtpClockHz = 8000;
inline constexpr std::uint32_t kUsPerTick = 1000000 / kRtpClockHz;  // 125

struct RtpStream {
  std::uint32_t ssrc = 0;
  std::uint16_t max_seq = 0;   // highest sequence number seen
  std::uint16_t base_seq = 0;  // first sequence number of the validated stream
  std::uint16_t bad_seq = 0;   // valid when kBadSeq is set (RFC 3550's RTP_SEQ_MOD + 1 otherwise)
  std::uint16_t cycles = 0;    // wraps of max_seq (RFC 3550 keeps cycles << 16)
  std::uint8_t probation = 0;  // sequential packets still needed before the source is valid
  std::uint8_t flags = 0;      // kHaveSsrc | kHaveTransit | kBadSeq | kHaveDtmfEnd
  std::uint16_t dtmf_events = 0;
  std::uint32_t received = 0;    // packets counted by A.1 since the last (re)synchronisation
  std::uint32_t lost_prior = 0;  // loss of earlier synchronisations (SSRC change, restart)
  std::uint32_t transit = 0;     // A.8: arrival - timestamp of the previous packet
  std::uint32_t jitter_q4 = 0;   // A.8: jitter in timestamp units, times 16
  std::uint32_t packets = 0;     // every RTP packet accepted from the peer
  std::uint32_t rtcp_packets = 0;
  std::uint32_t spoofed = 0;      // packets dropped: from an address other than the latched one
  std::uint32_t dtmf_end_ts = 0;  // RTP timestamp of the last RFC 4733 event that ended
  std::uint64_t bytes = 0;        // UDP payload bytes of `packets`

  static constexpr std::uint8_t kHaveSsrc = 1;
  static constexpr std::uint8_t kHaveTransit = 2;
  static constexpr std::uint8_t kBadSeq = 4;
  static constexpr std::uint8_t kHaveDtmfEnd = 8;
};
static_assert(sizeof(RtpStream) == 56);

// Accounts one RTP packet (RFC 3550 A.1 update_seq, A.8 jitter). A new SSRC
// restarts the validation (the loss so far is kept). `arrival_ts` is the
// arrival time in kRtpClockHz units; `jitter_sample` false skips the jitter
// update (RFC 4733 events carry their start time, not the sampling instant).
// Returns false while the source is on probation or for a packet that A.1
// holds back (a large jump not yet confirmed).
bool rtp_received(RtpStream& s, std::uint32_t ssrc, std::uint16_t seq, std::uint32_t timestamp,
                  std::uint32_t arrival_ts, bool jitter_sample);

// Packets expected since the last synchronisation minus those received
// (never negative; duplicates do not make it go down), plus earlier loss.
std::uint64_t lost_packets(const RtpStream& s);

// E-model estimate (ITU-T G.107) from loss and jitter, times 100 (441 = 4.41);
// 0 when `received` + `lost` is 0. Documented in rtp_stats.cc.
std::uint32_t estimate_mos_x100(std::uint64_t received, std::uint64_t lost,
                                std::uint32_t jitter_us);

// The contract's StreamStats of a stream, with the MOS estimate.
StreamStats snapshot(const RtpStream& s);

// Folds the statistics of the same leg seen on another lcore into `into`:
// counts add up, the jitter is the worse of the two, the MOS is re-estimated
// from the sums. For control, to build one figure per leg for the CDR.
void accumulate(StreamStats& into, const StreamStats& from);

}  // namespace trunkline::media
