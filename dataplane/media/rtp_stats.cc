#include "dataplane/media/rtp_stats.h"

#include <algorithm>
#include <cmath>

namespace trunkline::media {

namespace {

// RFC 3550 A.1 constants.
constexpr std::uint16_t kMaxDropout = 3000;
constexpr std::uint16_t kMaxMisorder = 100;
constexpr std::uint8_t kMinSequential = 2;
// A transit difference above this (about 35 minutes of 8 kHz clock) is a clock
// jump, not jitter; clamping it keeps jitter_q4 far from overflowing.
constexpr std::uint32_t kMaxTransitDelta = 1u << 24;

std::uint64_t extended_max(const RtpStream& s) {
  return (static_cast<std::uint64_t>(s.cycles) << 16) + s.max_seq;
}

std::uint64_t current_loss(const RtpStream& s) {
  if (s.probation != 0 || (s.flags & RtpStream::kHaveSsrc) == 0) return 0;
  const std::uint64_t expected = extended_max(s) - s.base_seq + 1;
  return expected > s.received ? expected - s.received : 0;
}

void init_seq(RtpStream& s, std::uint16_t seq) {
  s.base_seq = seq;
  s.max_seq = seq;
  s.flags = static_cast<std::uint8_t>(s.flags & ~RtpStream::kBadSeq);
  s.cycles = 0;
  s.received = 0;
}

// A.1 update_seq: true when the packet counts as received.
bool update_seq(RtpStream& s, std::uint16_t seq) {
  const auto udelta = static_cast<std::uint16_t>(seq - s.max_seq);
  if (s.probation != 0) {
    if (seq == static_cast<std::uint16_t>(s.max_seq + 1)) {
      --s.probation;
      s.max_seq = seq;
      if (s.probation == 0) {
        init_seq(s, seq);
        ++s.received;
        return true;
      }
    } else {
      s.probation = kMinSequential - 1;
      s.max_seq = seq;
    }
    return false;
  }
  if (udelta < kMaxDropout) {
    if (seq < s.max_seq) ++s.cycles;  // wrapped: count another 64K cycle
    s.max_seq = seq;
  } else if (udelta <= 0xffff - kMaxMisorder + 1) {
    // A very large jump. Two sequential packets: the sender restarted
    // without telling us, so re-synchronise on it.
    if ((s.flags & RtpStream::kBadSeq) != 0 && seq == s.bad_seq) {
      s.lost_prior += static_cast<std::uint32_t>(current_loss(s));
      init_seq(s, seq);
    } else {
      s.bad_seq = static_cast<std::uint16_t>(seq + 1);
      s.flags |= RtpStream::kBadSeq;
      return false;
    }
  }
  // else: a duplicate or a reordered packet, counted as received.
  ++s.received;
  return true;
}

}  // namespace

bool rtp_received(RtpStream& s, std::uint32_t ssrc, std::uint16_t seq, std::uint32_t timestamp,
                  std::uint32_t arrival_ts, bool jitter_sample) {
  if ((s.flags & RtpStream::kHaveSsrc) == 0 || s.ssrc != ssrc) {
    // A new source (A.1): on probation until kMinSequential packets in a row.
    s.lost_prior += static_cast<std::uint32_t>(current_loss(s));
    init_seq(s, seq);
    s.ssrc = ssrc;
    s.max_seq = static_cast<std::uint16_t>(seq - 1);
    s.probation = kMinSequential;
    s.flags =
        static_cast<std::uint8_t>((s.flags | RtpStream::kHaveSsrc) & ~RtpStream::kHaveTransit);
  }
  if (!update_seq(s, seq)) return false;
  if (jitter_sample) {
    // A.8: D(i-1, i) = (Rj - Ri) - (Sj - Si), J += (|D| - J) / 16, kept times 16.
    const std::uint32_t transit = arrival_ts - timestamp;
    if ((s.flags & RtpStream::kHaveTransit) != 0) {
      auto d = static_cast<std::int32_t>(transit - s.transit);
      std::uint32_t ad = d < 0 ? static_cast<std::uint32_t>(-static_cast<std::int64_t>(d))
                               : static_cast<std::uint32_t>(d);
      ad = std::min(ad, kMaxTransitDelta);
      s.jitter_q4 += ad - ((s.jitter_q4 + 8) >> 4);
    }
    s.transit = transit;
    s.flags |= RtpStream::kHaveTransit;
  }
  return true;
}

std::uint64_t lost_packets(const RtpStream& s) { return s.lost_prior + current_loss(s); }

// The E-model reduced to what a relay can observe (Cole & Rosenbluth,
// "Voice over IP performance monitoring", 2001, after ITU-T G.107):
//   d      = 2 * jitter_ms + 10       one-way delay added by a jitter buffer
//                                     sized at twice the jitter, plus 10 ms of
//                                     packetisation; network delay is not
//                                     observable on the relay and taken as 0
//   Id     = 0.024 d + 0.11 (d - 177.3) H(d - 177.3)
//   Ppl    = 100 * lost / (received + lost)
//   Ie_eff = Ie + (95 - Ie) * Ppl / (Ppl + Bpl)   G.711 with PLC: Ie = 0,
//                                                 Bpl = 25.1 (G.113 App. I)
//   R      = 93.2 - Id - Ie_eff                   (G.107 default Ro - Is)
//   MOS    = 1 + 0.035 R + 7e-6 R (R - 60)(100 - R), 1 below R = 0, 4.5 above 100
// So a clean stream scores 4.40, 5 % random loss 3.91.
std::uint32_t estimate_mos_x100(std::uint64_t received, std::uint64_t lost,
                                std::uint32_t jitter_us) {
  if (received + lost == 0) return 0;
  const double d = 2.0 * jitter_us / 1000.0 + 10.0;
  const double id = 0.024 * d + (d > 177.3 ? 0.11 * (d - 177.3) : 0.0);
  const double ppl = 100.0 * static_cast<double>(lost) / static_cast<double>(received + lost);
  constexpr double kIe = 0.0, kBpl = 25.1;
  const double ie_eff = kIe + (95.0 - kIe) * ppl / (ppl + kBpl);
  const double r = 93.2 - id - ie_eff;
  double mos = 1.0;
  if (r >= 100.0) {
    mos = 4.5;
  } else if (r > 0.0) {
    mos = 1.0 + 0.035 * r + 7e-6 * r * (r - 60.0) * (100.0 - r);
  }
  return static_cast<std::uint32_t>(std::lround(mos * 100.0));
}

StreamStats snapshot(const RtpStream& s) {
  StreamStats st;
  st.packets = s.packets;
  st.bytes = s.bytes;
  st.rtcp_packets = s.rtcp_packets;
  st.lost = lost_packets(s);
  st.jitter_ts = s.jitter_q4 >> 4;
  st.jitter_us = st.jitter_ts * kUsPerTick;
  st.mos_x100 = estimate_mos_x100(st.packets, st.lost, st.jitter_us);
  st.dtmf_events = s.dtmf_events;
  st.spoofed_dropped = s.spoofed;
  return st;
}

void accumulate(StreamStats& into, const StreamStats& from) {
  into.packets += from.packets;
  into.bytes += from.bytes;
  into.rtcp_packets += from.rtcp_packets;
  into.lost += from.lost;
  into.jitter_ts = std::max(into.jitter_ts, from.jitter_ts);
  into.jitter_us = std::max(into.jitter_us, from.jitter_us);
  into.dtmf_events += from.dtmf_events;
  into.spoofed_dropped += from.spoofed_dropped;
  into.mos_x100 = estimate_mos_x100(into.packets, into.lost, into.jitter_us);
}

}  // namespace trunkline::media
