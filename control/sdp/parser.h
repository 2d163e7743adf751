// Parsing an SDP body (RFC 4566 section 5): "<type>=<value>" lines in the
// order the RFC fixes, session level then one block per m-line. Known
// attributes (rtpmap, fmtp, ptime, maxptime, rtcp, crypto, the direction
// attributes) are checked as they are read; others are kept as written.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/result.h"
#include "control/sdp/session.h"

namespace trunkline::sdp {

struct [[nodiscard]] SdpError {
  std::uint32_t line = 0;    // 1-based line number
  std::uint32_t offset = 0;  // byte offset of the line in the body
  const char* detail = nullptr;

  bool ok() const { return detail == nullptr; }
  std::string describe() const;  // "SDP line 5 (byte 61): ..."
  Error to_error() const { return Error{describe()}; }
};

// Lines end in CRLF; a bare LF is accepted too (RFC 4566 section 5).
SdpError parse_session(std::string_view text, Session* out);

}  // namespace trunkline::sdp
