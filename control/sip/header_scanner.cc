#include "control/sip/header_scanner.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace trunkline::sip {
namespace {

const char* find_lf(const char* p, const char* end) {
  return static_cast<const char*>(std::memchr(p, '\n', static_cast<std::size_t>(end - p)));
}

// Bit i set where p[i] is CR or LF, for the 64 octets from p. Written out
// straight: -O2 does not unroll the loop, which then costs as much as the
// compares.
std::uint64_t break_mask64(const char* p) {
#if defined(__SSE2__)
  const __m128i cr = _mm_set1_epi8('\r');
  const __m128i lf = _mm_set1_epi8('\n');
  auto bits = [&](const char* q) {
    __m128i chunk = _mm_loadu_si128(reinterpret_cast<const __m128i*>(q));
    __m128i hit = _mm_or_si128(_mm_cmpeq_epi8(chunk, cr), _mm_cmpeq_epi8(chunk, lf));
    return static_cast<std::uint64_t>(static_cast<unsigned>(_mm_movemask_epi8(hit)));
  };
  return (bits(p) | bits(p + 16) << 16) | (bits(p + 32) << 32 | bits(p + 48) << 48);
#else
  std::uint64_t mask = 0;
  for (int i = 0; i < 64; ++i)
    if (p[i] == '\r' || p[i] == '\n') mask |= std::uint64_t{1} << i;
  return mask;
#endif
}

// The same for the octets from p to `end`, fewer than 64 (those past `end`
// read as 0). When 64 octets before `end` may be read (from `begin` on),
// those are classified and shifted into place: no copy.
std::uint64_t tail_break_mask(const char* begin, const char* p, const char* end) {
  auto left = static_cast<std::size_t>(end - p);
  if (end - begin >= 64) return break_mask64(end - 64) >> (64 - left);
  char tail[64] = {};
  std::memcpy(tail, p, left);
  return break_mask64(tail);
}

}  // namespace

bool scan_start_line(std::string_view datagram, std::string_view* line, const char** headers_begin,
                     SyntaxError* err) {
  const char* p = datagram.data();
  const char* end = p + datagram.size();
  while (end - p >= 2 && p[0] == '\r' && p[1] == '\n') p += 2;
  Cursor c(p, end);
  if (p == end) return c.fail(err, "no start line");
  const char* lf = find_lf(p, end);
  if (lf == nullptr) {
    c.set_pos(end);
    return c.fail(err, "start line not terminated by CRLF");
  }
  if (lf == p || lf[-1] != '\r') {
    c.set_pos(lf);
    return c.fail(err, "start line ends with LF without CR");
  }
  const char* cr =
      static_cast<const char*>(std::memchr(p, '\r', static_cast<std::size_t>(lf - 1 - p)));
  if (cr != nullptr) {
    c.set_pos(cr);
    return c.fail(err, "CR inside start line");
  }
  *line = std::string_view(p, static_cast<std::size_t>(lf - 1 - p));
  *headers_begin = lf + 1;
  return true;
}

const char* HeaderScanner::find_break(const char* q) {
  while (q < end_) {
    if (!loaded_ || q - block_ >= 64) {
      block_ = q;
      breaks_ = end_ - q >= 64 ? break_mask64(q) : tail_break_mask(begin_, q, end_);
      loaded_ = true;
    }
    std::uint64_t ahead = breaks_ >> (q - block_);
    if (ahead != 0) return q + __builtin_ctzll(ahead);
    q = block_ + 64;
  }
  return nullptr;
}

HeaderScanner::Step HeaderScanner::next(RawHeader* out, SyntaxError* err) {
  line_ = p_;
  Cursor c(p_, end_);
  if (p_ == end_) {
    body_ = end_;
    return Step::kEnd;
  }
  if (*p_ == '\r') {
    if (end_ - p_ >= 2 && p_[1] == '\n') {
      body_ = p_ + 2;
      return Step::kEnd;
    }
    c.fail(err, "CR without LF");
    return Step::kError;
  }
  // The line's end does not depend on its name: look for both at once.
  const char* eol = find_break(p_);
  out->name = c.take_token();
  if (out->name.empty()) {
    c.fail(err, is(c.peek(), kWsp) ? "header line starts with white space"
                                   : "invalid character in header name");
    return Step::kError;
  }
  while (!c.done() && is(c.peek(), kWsp)) c.advance();
  if (!c.consume(':')) {
    c.fail(err, "expected ':' after header name");
    return Step::kError;
  }
  const char* value_start = c.pos();
  const char* line_end;
  while (true) {
    if (eol == nullptr) {
      c.set_pos(end_);
      c.fail(err, "header line not terminated by CRLF");
      return Step::kError;
    }
    if (*eol == '\n') {
      c.set_pos(eol);
      c.fail(err, "header line ends with LF without CR");
      return Step::kError;
    }
    if (eol + 1 >= end_ || eol[1] != '\n') {
      c.set_pos(eol);
      c.fail(err, eol + 1 >= end_ ? "header line not terminated by CRLF"
                                  : "CR without LF in header value");
      return Step::kError;
    }
    if (eol + 2 < end_ && (eol[2] == ' ' || eol[2] == '\t')) {
      eol = find_break(eol + 2);  // folded: the value goes on
      continue;
    }
    line_end = eol;
    p_ = eol + 2;
    break;
  }
  const char* v = value_start;
  const char* e = line_end;
  while (v < e && is(*v, kLws)) ++v;
  while (e > v && is(e[-1], kLws)) --e;
  out->value = std::string_view(v, static_cast<std::size_t>(e - v));
  return Step::kHeader;
}

}  // namespace trunkline::sip
