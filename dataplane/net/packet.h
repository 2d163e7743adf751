// A frame as the packet path sees it: bytes, their length, and the room the
// buffer has for a reply built in place. In the dataplane it wraps an mbuf's
// first segment; in unit tests, a plain array.
#pragma once

#include <cstdint>

namespace trunkline::net {

struct PacketBuf {
  std::uint8_t* data;
  std::uint16_t len;             // bytes of frame
  std::uint16_t room;            // bytes usable from data (len <= room)
  std::uint16_t l4_payload = 0;  // kToControl: offset of the UDP payload
};

// What the dataplane does with a frame after the packet path has seen it.
enum class Verdict : std::uint8_t {
  kDrop,       // counted by reason; the buffer is freed
  kReply,      // rewritten in place; send it out of the port it came in on
  kToKernel,   // pass it to the kernel through the exception path
  kToControl,  // a SIP datagram for the control plane (UDP checked, payload at l4_payload)
  kMedia,      // RTP/RTCP: UDP to the media port range (checked, payload at l4_payload)
  kForward,    // rewritten by the relay: write Ethernet for its next hop, send out of its port
};

}  // namespace trunkline::net
