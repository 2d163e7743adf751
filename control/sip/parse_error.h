// What went wrong with a SIP message, and where: the kind of fault, the
// header it is in (by id and as written), the byte offset into the
// datagram, and a static description. No allocation: the dataplane counts
// these by kind; describe() makes the text for logs, lint and reason phrases.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/result.h"
#include "control/sip/header_id.h"

namespace trunkline::sip {

#define TL_SIP_PARSE_ERRORS(X)                                            \
  X(kNone, "ok")                                                          \
  X(kEmpty, "empty message")                                              \
  X(kStartLine, "malformed start line")                                   \
  X(kVersion, "SIP version not supported")                                \
  X(kFraming, "malformed header line")                                    \
  X(kTooManyHeaders, "too many header fields")                            \
  X(kHeaderValue, "malformed header value")                               \
  X(kDuplicateHeader, "header field that allows one value appears twice") \
  X(kMissingHeader, "mandatory header field missing")                     \
  X(kContentLength, "Content-Length larger than the body")                \
  X(kCSeqMismatch, "CSeq method differs from the request method")

enum class ParseErrorKind : std::uint8_t {
#define TL_SIP_PARSE_ERROR_ENUM(id, text) id,
  TL_SIP_PARSE_ERRORS(TL_SIP_PARSE_ERROR_ENUM)
#undef TL_SIP_PARSE_ERROR_ENUM
};

std::string_view parse_error_kind_name(ParseErrorKind kind);

struct [[nodiscard]] ParseError {
  ParseErrorKind kind = ParseErrorKind::kNone;
  HeaderId header = HeaderId::kOther;
  std::string_view header_name;  // as written in the message; empty outside headers
  std::uint32_t offset = 0;      // byte offset into the datagram
  const char* detail = "";       // static text

  bool ok() const { return kind == ParseErrorKind::kNone; }
  explicit operator bool() const { return ok(); }

  // "Via at byte 212: empty Via parameter", "start line at byte 8: ..."
  std::string describe() const;
  Error to_error() const { return Error{describe()}; }
};

}  // namespace trunkline::sip
