// Framing of a SIP message head: the start line, then header lines
// (name ":" value, folded continuation lines joined), up to the empty line.
// Shared by the full parser, the dataplane's pre-parse and the refusal
// rules' salvage of broken messages.
#pragma once

#include <cstdint>
#include <cstring>
#include <string_view>

#include "control/sip/lex.h"

namespace trunkline::sip {

// Skips CRLFs before the start line (RFC 3261 section 7.5); returns the
// first line, excluding its CRLF, and where the header lines start.
bool scan_start_line(std::string_view datagram, std::string_view* line, const char** headers_begin,
                     SyntaxError* err);

struct RawHeader {
  std::string_view name;   // token as written
  std::string_view value;  // trimmed of LWS at both ends; inner folds kept
};

class HeaderScanner {
 public:
  enum class Step { kHeader, kEnd, kError };

  HeaderScanner(const char* begin, const char* end)
      : p_(begin), end_(end), begin_(begin), block_(begin) {}

  // The next header line, or kEnd at the empty line (body_start() is then
  // valid), or kError with err set. A datagram that stops right after a
  // header line's CRLF is taken as ending its head there.
  Step next(RawHeader* out, SyntaxError* err);
  const char* body_start() const { return body_; }
  // Where the header line being scanned (or the last one returned) starts.
  const char* line_start() const { return line_; }

 private:
  // The first CR or LF at or after q (q never moves backwards), or nullptr.
  const char* find_break(const char* q);

  const char* p_;
  const char* end_;
  const char* begin_;
  // CR and LF positions of the 64 octets from block_ (bit i: block_[i]),
  // found in one SIMD pass and used up line by line, so a header line costs
  // a bit scan rather than a search loop of its own.
  const char* block_;
  std::uint64_t breaks_ = 0;
  bool loaded_ = false;
  const char* line_ = nullptr;
  const char* body_ = nullptr;
};

}  // namespace trunkline::sip
