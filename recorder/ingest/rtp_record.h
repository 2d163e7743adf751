// The fixed-size copy of one RTP packet that a dataplane lcore hands to a
// recorder worker. The lcore copies the payload out of the mbuf, so a slow
// recorder never holds receive buffers.
#pragma once

#include <cstdint>
#include <cstring>
#include <span>

namespace trunkline::recorder {

// Which side of the call a packet came from: caller -> left channel,
// agent -> right channel.
enum class Leg : std::uint8_t { kCaller = 0, kAgent = 1 };

// Identifies one recording inside the worker that owns it. Allocated by the
// control side (RecorderWorker::Producer) before the fork is installed.
using RecordingHandle = std::uint32_t;

// 320 bytes is 40 ms of G.711, the longest packetisation we accept.
inline constexpr std::size_t kMaxRecordedPayload = 320;

struct RtpRecord {
  RecordingHandle handle = 0;
  std::uint32_t ssrc = 0;
  std::uint32_t timestamp = 0;
  std::uint16_t sequence = 0;
  std::uint8_t payload_type = 0;
  Leg leg = Leg::kCaller;
  std::uint16_t payload_size = 0;
  std::uint16_t reserved = 0;
  std::int64_t arrival_us = 0;  // wall clock (UNIX epoch microseconds)
  std::uint8_t payload[kMaxRecordedPayload];

  std::span<const std::uint8_t> payload_bytes() const { return {payload, payload_size}; }

  // Fills the record; returns false (and fills nothing) if the payload is
  // larger than kMaxRecordedPayload.
  bool assign(RecordingHandle h, Leg l, std::uint16_t seq, std::uint32_t ts, std::uint32_t src,
              std::uint8_t pt, std::int64_t arrival, std::span<const std::uint8_t> bytes) {
    if (bytes.size() > kMaxRecordedPayload) return false;
    handle = h;
    leg = l;
    sequence = seq;
    timestamp = ts;
    ssrc = src;
    payload_type = pt;
    arrival_us = arrival;
    payload_size = static_cast<std::uint16_t>(bytes.size());
    if (!bytes.empty()) std::memcpy(payload, bytes.data(), bytes.size());
    return true;
  }
};

static_assert(sizeof(RtpRecord) == 352, "RtpRecord layout changed: the fork copies it per packet");

}  // namespace trunkline::recorder
