// Request-Line and Status-Line (RFC 3261 sections 7.1, 7.2, 25.1).
#pragma once

#include <cstdint>
#include <string_view>

#include "control/sip/lex.h"
#include "control/sip/method.h"
#include "control/sip/uri.h"

namespace trunkline::sip {

struct RequestLine {
  std::string_view method;  // as written; methods are case-sensitive
  Method method_id = Method::kUnknown;
  Uri uri;
  std::string_view version;  // "SIP/2.0"
};

struct StatusLine {
  std::string_view version;
  std::uint16_t code = 0;
  std::string_view reason;  // may be empty
};

// True when the line starts the way a Status-Line does ("SIP/" then a digit).
bool looks_like_status_line(std::string_view line);

// `line` excludes its CRLF. `wrong_version` is set when the line is well
// formed but names a version other than SIP/2.0 (answered 505); the parse
// then fails with that as its detail.
bool parse_request_line(std::string_view line, RequestLine* out, SyntaxError* err,
                        bool* wrong_version);
bool parse_status_line(std::string_view line, StatusLine* out, SyntaxError* err);

}  // namespace trunkline::sip
