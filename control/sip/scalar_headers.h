// Header fields with one scalar value: CSeq, Call-ID, Max-Forwards,
// Content-Length, Expires, Min-Expires, Retry-After and Date (RFC 3261
// sections 20.8, 20.16, 20.17, 20.19, 20.22, 20.23, 20.33, 25.1). Each
// parser takes the whole trimmed header value.
#pragma once

#include <cstdint>
#include <string_view>

#include "control/sip/lex.h"
#include "control/sip/method.h"

namespace trunkline::sip {

// CSeq numbers must be below 2**31 (section 8.1.1.5).
inline constexpr std::uint32_t kMaxCSeq = 0x7FFFFFFF;

struct CSeq {
  std::uint32_t number = 0;
  std::string_view method;
  Method method_id = Method::kUnknown;
};

bool parse_cseq(std::string_view value, CSeq* out, SyntaxError* err);

// callid = word [ "@" word ]
bool parse_call_id(std::string_view value, SyntaxError* err);

// Max-Forwards = 1*DIGIT, 0..255
bool parse_max_forwards(std::string_view value, std::uint8_t* out, SyntaxError* err);

// Content-Length = 1*DIGIT, within 32 bits
bool parse_content_length(std::string_view value, std::uint32_t* out, SyntaxError* err);

// delta-seconds = 1*DIGIT, 0..2**32-1 (Expires, Min-Expires)
bool parse_delta_seconds(std::string_view value, std::uint32_t* out, SyntaxError* err);

// Retry-After = delta-seconds [ comment ] *( SEMI retry-param )
bool parse_retry_after(std::string_view value, std::uint32_t* out, SyntaxError* err);

struct SipDate {
  int year = 0, month = 0, day = 0;  // month 1..12
  int hour = 0, minute = 0, second = 0;
};

// rfc1123-date = wkday "," SP date1 SP time SP "GMT"
bool parse_date(std::string_view value, SipDate* out, SyntaxError* err);

}  // namespace trunkline::sip
