#include "dataplane/media/dtmf.h"

namespace trunkline::media {

bool dtmf_end(RtpStream& s, const std::uint8_t* payload, std::size_t len, std::uint32_t timestamp,
              DtmfEnd* out) {
  // event (8) | E (1) R (1) volume (6) | duration (16), RFC 4733 §2.3.
  if (len < 4 || (payload[1] & 0x80) == 0) return false;
  if ((s.flags & RtpStream::kHaveDtmfEnd) != 0 && s.dtmf_end_ts == timestamp) return false;
  s.flags |= RtpStream::kHaveDtmfEnd;
  s.dtmf_end_ts = timestamp;
  ++s.dtmf_events;
  out->event = payload[0];
  out->duration = static_cast<std::uint16_t>(payload[2] << 8 | payload[3]);
  return true;
}

}  // namespace trunkline::media
