#include "control/sip/start_line.h"

#include <cstring>

#include "control/sip/simd_scan.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace trunkline::sip {
namespace {

// "SIP/" as a little-endian word.
constexpr std::uint32_t kSipSlash = 'S' | 'I' << 8 | 'P' << 16 | std::uint32_t{'/'} << 24;

// Exactly "SIP/2.0", the version nearly every line has: two overlapping
// 4-octet compares instead of the general checks below.
bool is_exactly_sip_2_0(std::string_view v) {
  if (v.size() != 7) return false;
  std::uint32_t head = 0, tail = 0;
  std::memcpy(&head, v.data(), 4);
  std::memcpy(&tail, v.data() + 3, 4);
  constexpr std::uint32_t kTail = '/' | '2' << 8 | '.' << 16 | std::uint32_t{'0'} << 24;
  return head == kSipSlash && tail == kTail;
}

#if defined(__SSE2__)
// Bit i set where p[i] is SP or HTAB.
unsigned white_mask(const char* p) {
  __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
  return static_cast<unsigned>(_mm_movemask_epi8(
      _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8(' ')), _mm_cmpeq_epi8(v, _mm_set1_epi8('\t')))));
}

// Bit i set where p[i] is a control character other than HTAB (below 0x20,
// or 0x7F); octets from 0x80 are UTF-8 and fine.
unsigned control_mask(const char* p) {
  __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
  // Signed: octets >= 0x80 are negative, so "0 <= v < 0x20" leaves them out.
  __m128i low =
      _mm_and_si128(_mm_cmpgt_epi8(v, _mm_set1_epi8(-1)), _mm_cmplt_epi8(v, _mm_set1_epi8(0x20)));
  low = _mm_andnot_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('\t')), low);
  return static_cast<unsigned>(
      _mm_movemask_epi8(_mm_or_si128(low, _mm_cmpeq_epi8(v, _mm_set1_epi8(0x7F)))));
}
#endif

bool is_white(unsigned char u) { return u == ' ' || u == '\t'; }
bool is_control(unsigned char u) { return (u < 0x20 && u != '\t') || u == 0x7F; }

// SIP-Version = "SIP" "/" 1*DIGIT "." 1*DIGIT (the literal is case-insensitive).
bool is_sip_version(std::string_view v) {
  if (v.size() < 7 || !iequals(v.substr(0, 4), "SIP/")) return false;
  std::size_t dot = v.find('.', 4);
  if (dot == std::string_view::npos || dot == 4 || dot + 1 == v.size()) return false;
  for (std::size_t i = 4; i < v.size(); ++i)
    if (i != dot && !is(v[i], kDigit)) return false;
  return true;
}

bool is_sip_2_0(std::string_view v) { return iequals(v, "SIP/2.0"); }

}  // namespace

bool looks_like_status_line(std::string_view line) {
  if (line.size() <= 4 || !is(line[4], kDigit)) return false;
  // "SIP/" as written nearly always: one compare before the folding one.
  std::uint32_t head = 0;
  std::memcpy(&head, line.data(), 4);
  return head == kSipSlash || iequals(line.substr(0, 4), "SIP/");
}

bool parse_request_line(std::string_view line, RequestLine* out, SyntaxError* err,
                        bool* wrong_version) {
  *wrong_version = false;
  Cursor c(line);
  out->method = c.take_token();
  if (out->method.empty()) return c.fail(err, "expected request method");
  if (!c.at(' ')) return c.fail(err, "invalid character in request method");
  out->method_id = lookup_method(out->method);
  c.advance();
  if (c.at(' ') || c.at('\t'))
    return c.fail(err, "more than one SP between method and Request-URI");
  std::size_t last_sp = line.rfind(' ');
  const char* uri_begin = c.pos();
  const char* version_begin = line.data() + last_sp + 1;
  if (version_begin <= uri_begin) {
    c.set_pos(line.data() + line.size());
    return c.fail(err, "expected SP and SIP version after Request-URI");
  }
  if (version_begin == line.data() + line.size()) {
    c.set_pos(line.data() + last_sp);
    return c.fail(err, "white space after SIP version");
  }
  std::string_view uri_text(uri_begin, static_cast<std::size_t>(version_begin - 1 - uri_begin));
  if (uri_text.empty()) return c.fail(err, "empty Request-URI");
  if (uri_text.back() == ' ' || uri_text.back() == '\t') {
    c.set_pos(uri_text.data() + uri_text.size() - 1);
    return c.fail(err, "more than one SP between Request-URI and SIP version");
  }
  const char* uri_end = uri_text.data() + uri_text.size();
  if (const char* ws =
          find_first_marked(line.data(), uri_text.data(), uri_end, white_mask, is_white);
      ws != uri_end) {
    c.set_pos(ws);
    return c.fail(err, "white space inside Request-URI");
  }
  if (uri_text.front() == '<') return c.fail(err, "Request-URI enclosed in '<' '>'");
  if (!parse_uri(uri_text, &out->uri, err)) return false;
  if (out->uri.has_headers) {
    c.set_pos(out->uri.headers.data() - 1);
    return c.fail(err, "headers in Request-URI");
  }
  out->version = std::string_view(
      version_begin, static_cast<std::size_t>(line.data() + line.size() - version_begin));
  c.set_pos(version_begin);
  if (is_exactly_sip_2_0(out->version)) return true;
  if (!is_sip_version(out->version)) return c.fail(err, "invalid SIP version");
  if (!is_sip_2_0(out->version)) {
    *wrong_version = true;
    return c.fail(err, "SIP version not supported");
  }
  return true;
}

bool parse_status_line(std::string_view line, StatusLine* out, SyntaxError* err) {
  Cursor c(line);
  std::size_t sp = line.find(' ');
  if (sp == std::string_view::npos) {
    c.set_pos(line.data() + line.size());
    return c.fail(err, "expected SP after SIP version");
  }
  out->version = line.substr(0, sp);
  if (!is_exactly_sip_2_0(out->version)) {
    if (!is_sip_version(out->version)) return c.fail(err, "invalid SIP version");
    if (!is_sip_2_0(out->version)) return c.fail(err, "SIP version not supported");
  }
  c.advance(sp + 1);
  std::string_view digits = c.take_while(kDigit);
  if (digits.size() != 3) {
    c.set_pos(digits.data());
    return c.fail(err, "status code is not three digits");
  }
  out->code = static_cast<std::uint16_t>((digits[0] - '0') * 100 + (digits[1] - '0') * 10 +
                                         (digits[2] - '0'));
  if (out->code < 100 || out->code > 699) {
    c.set_pos(digits.data());
    return c.fail(err, "status code outside 100-699");
  }
  if (!c.consume(' ')) return c.fail(err, "expected SP after status code");
  out->reason = c.rest();
  // Reason-Phrase: printable text, white space and UTF-8; accepted a little
  // more widely than the ABNF (quotes, brackets) since dropping a response
  // for its reason text helps no one.
  const char* reason_end = out->reason.data() + out->reason.size();
  if (const char* bad =
          find_first_marked(line.data(), out->reason.data(), reason_end, control_mask, is_control);
      bad != reason_end) {
    c.set_pos(bad);
    return c.fail(err, "control character in reason phrase");
  }
  return true;
}

}  // namespace trunkline::sip
