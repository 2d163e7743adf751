// Comma-separated header values: the generic walker, token lists (Require,
// Supported, Proxy-Require, Unsupported, Allow, Content-Encoding), and media
// types (Content-Type, Accept) from RFC 3261 sections 20.1, 20.5, 20.12,
// 20.15, 20.29, 20.32, 20.37, 20.40.
#pragma once

#include <string_view>

#include "control/sip/lex.h"
#include "control/sip/params.h"

namespace trunkline::sip {

// Calls parse_one(Cursor&) for each COMMA-separated element of one header
// value; parse_one leaves the cursor after its element. An empty value is
// accepted only when allow_empty (e.g. "Supported:").
template <typename F>
bool parse_comma_list(std::string_view value, bool allow_empty, SyntaxError* err, F&& parse_one) {
  Cursor c(value);
  c.skip_lws();
  if (c.done()) return allow_empty ? true : c.fail(err, "empty header value");
  while (true) {
    if (!parse_one(c)) return false;
    c.skip_lws();
    if (c.done()) return true;
    if (!c.consume(',')) return c.fail(err, "expected ',' or end of value");
    c.skip_lws();
    if (c.done() || c.at(',')) return c.fail(err, "empty element in list");
  }
}

namespace list_detail {

// scan_token() for the short tokens of lists ("INVITE", "100rel"): with 16
// octets readable, one compare for alphanumerics, '-' and '.' (a third of
// scan_token()'s work), then one by one from the first other octet, which
// usually ends the token.
inline const char* scan_list_token(const char* p, const char* end) {
#if defined(__SSE2__)
  if (end - p >= 16) {
    __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    auto in_range = [](__m128i x, char lo, char hi) {
      return _mm_and_si128(_mm_cmpgt_epi8(x, _mm_set1_epi8(static_cast<char>(lo - 1))),
                           _mm_cmplt_epi8(x, _mm_set1_epi8(static_cast<char>(hi + 1))));
    };
    __m128i ok = _mm_or_si128(in_range(_mm_or_si128(v, _mm_set1_epi8(0x20)), 'a', 'z'),
                              _mm_or_si128(in_range(v, '0', '9'), in_range(v, '-', '.')));
    unsigned stop = ~static_cast<unsigned>(_mm_movemask_epi8(ok)) & 0xFFFFu;
    if (stop == 0) return scan_token(p + 16, end);
    p += __builtin_ctz(stop);
  }
#endif
  while (p < end && is(*p, kToken)) ++p;
  return p;
}

}  // namespace list_detail

// One token element (option-tag, Method, content-coding, event type).
// Inline: a ListReader over a token list then calls no function per token.
[[gnu::always_inline]] inline bool parse_list_token(Cursor& c, std::string_view* out,
                                                    SyntaxError* err) {
  const char* start = c.pos();
  const char* end = list_detail::scan_list_token(start, c.end());
  if (end == start) return c.fail(err, "expected token in list");
  *out = std::string_view(start, static_cast<std::size_t>(end - start));
  c.set_pos(end);
  return true;
}

struct MediaType {
  std::string_view type;     // "application", or "*" in an Accept range
  std::string_view subtype;  // "sdp", or "*"
  HeaderParams params;
  // Case-insensitive match of type/subtype.
  bool matches(std::string_view t, std::string_view s) const;
};

// media-type (Content-Type): m-type SLASH m-subtype *( SEMI m-parameter )
bool parse_media_type(Cursor& c, MediaType* out, SyntaxError* err);

// accept-range (Accept): media-range with "*" allowed, q checked.
bool parse_media_range(Cursor& c, MediaType* out, SyntaxError* err);

// Content-Encoding and Accept-Encoding values: coding *( SEMI param ).
bool parse_coding(Cursor& c, std::string_view* out, SyntaxError* err);

}  // namespace trunkline::sip
