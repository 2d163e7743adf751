// RFC 4733 telephone-events seen on the relay: the end of an event is
// reported once, although its sender repeats the end packet (three times is
// the usual practice, §2.5.1.4).
#pragma once

#include <cstddef>
#include <cstdint>

#include "dataplane/media/rtp_stats.h"

namespace trunkline::media {

struct DtmfEnd {
  std::uint8_t event = 0;      // 0-9, * (10), # (11), A-D (12-15), or another RFC 4733 event
  std::uint16_t duration = 0;  // timestamp units
};

// `payload` is the RTP payload of a telephone-event packet of stream `s`
// with RTP timestamp `timestamp` (the event's start). True, with `*out`
// filled, for the first packet with the E bit of an event not reported yet;
// the retransmitted end packets (same timestamp) return false.
bool dtmf_end(RtpStream& s, const std::uint8_t* payload, std::size_t len, std::uint32_t timestamp,
              DtmfEnd* out);

}  // namespace trunkline::media
