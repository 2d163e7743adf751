// Character classes of the RFC 3261 grammar (section 25.1), one table lookup
// per byte. Every scanner in control/sip/ asks this table, so the grammar's
// character sets are written down exactly once.
#pragma once

#include <array>
#include <cstdint>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace trunkline::sip {

enum CharClass : std::uint32_t {
  kDigit = 1u << 0,
  kAlpha = 1u << 1,
  kHex = 1u << 2,
  kToken = 1u << 3,  // token: alphanum / "-" / "." / "!" / "%" / "*" / "_" / "+" / "`" / "'" / "~"
  kWord = 1u << 4,   // word: token chars plus ( ) < > : \ DQUOTE / [ ] ? { }
  kUnreserved = 1u << 5,       // alphanum / mark
  kUserUnreserved = 1u << 6,   // "&" / "=" / "+" / "$" / "," / ";" / "?" / "/"
  kPasswordExtra = 1u << 7,    // "&" / "=" / "+" / "$" / ","
  kParamUnreserved = 1u << 8,  // "[" / "]" / "/" / ":" / "&" / "+" / "$"
  kHnvUnreserved = 1u << 9,    // "[" / "]" / "/" / "?" / ":" / "+" / "$"
  kReserved = 1u << 10,        // ";" / "/" / "?" / ":" / "@" / "&" / "=" / "+" / "$" / ","
  kWsp = 1u << 11,             // SP / HTAB
  kLws = 1u << 12,  // SP / HTAB / CR / LF: inside a framed header value a CRLF is always a fold
  kSchemeChar = 1u << 13,   // ALPHA / DIGIT / "+" / "-" / "."
  kHostChar = 1u << 14,     // alphanum / "-" / "."
  kPhoneVisual = 1u << 15,  // "-" / "." / "(" / ")"
  kPhoneLocal = 1u << 16,   // HEXDIG / "*" / "#"
  kReasonChar = 1u << 17,   // reserved / unreserved / "%" / SP / HTAB / UTF-8 octets
  kNonAscii = 1u << 18,     // %x80-FF
  kHyphen = 1u << 19,       // "-"
};

namespace detail {

constexpr bool in(const char* set, int c) {
  for (const char* p = set; *p != '\0'; ++p)
    if (static_cast<unsigned char>(*p) == c) return true;
  return false;
}

constexpr std::array<std::uint32_t, 256> make_char_table() {
  std::array<std::uint32_t, 256> t{};
  for (int c = 0; c < 256; ++c) {
    std::uint32_t f = 0;
    bool digit = c >= '0' && c <= '9';
    bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    bool alnum = digit || alpha;
    if (digit) f |= kDigit;
    if (alpha) f |= kAlpha;
    if (digit || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')) f |= kHex;
    if (alnum || in("-.!%*_+`'~", c)) f |= kToken;
    if (alnum || in("-.!%*_+`'~()<>:\\\"/[]?{}", c)) f |= kWord;
    if (alnum || in("-_.!~*'()", c)) f |= kUnreserved;
    if (in("&=+$,;?/", c)) f |= kUserUnreserved;
    if (in("&=+$,", c)) f |= kPasswordExtra;
    if (in("[]/:&+$", c)) f |= kParamUnreserved;
    if (in("[]/?:+$", c)) f |= kHnvUnreserved;
    if (in(";/?:@&=+$,", c)) f |= kReserved;
    if (c == ' ' || c == '\t') f |= kWsp | kLws;
    if (c == '\r' || c == '\n') f |= kLws;
    if (alnum || in("+-.", c)) f |= kSchemeChar;
    if (alnum || in("-.", c)) f |= kHostChar;
    if (in("-.()", c)) f |= kPhoneVisual;
    if ((f & kHex) != 0 || in("*#", c)) f |= kPhoneLocal;
    if (c >= 0x80) f |= kNonAscii;
    if (c == '-') f |= kHyphen;
    if ((f & (kReserved | kUnreserved | kNonAscii | kWsp)) != 0 || c == '%') f |= kReasonChar;
    t[static_cast<std::size_t>(c)] = f;
  }
  return t;
}

inline constexpr std::array<std::uint32_t, 256> kCharTable = make_char_table();

}  // namespace detail

constexpr bool is(char c, std::uint32_t classes) {
  return (detail::kCharTable[static_cast<unsigned char>(c)] & classes) != 0;
}

#if defined(__SSE2__)
// Bit i set where octet i of v is a token character.
[[gnu::always_inline]] inline unsigned token_bits16(__m128i v) {
  auto in_range = [](__m128i x, char lo, char hi) {
    return _mm_and_si128(_mm_cmpgt_epi8(x, _mm_set1_epi8(static_cast<char>(lo - 1))),
                         _mm_cmpgt_epi8(_mm_set1_epi8(static_cast<char>(hi + 1)), x));
  };
  __m128i lower = _mm_or_si128(v, _mm_set1_epi8(0x20));
  __m128i ok = _mm_or_si128(in_range(lower, 'a', 'z'), in_range(v, '0', '9'));
  ok = _mm_or_si128(ok, in_range(v, '-', '.'));  // - .
  ok = _mm_or_si128(ok, in_range(v, '*', '+'));  // * +
  ok = _mm_or_si128(ok, _mm_cmpeq_epi8(v, _mm_set1_epi8('!')));
  ok = _mm_or_si128(ok, _mm_cmpeq_epi8(v, _mm_set1_epi8('%')));
  ok = _mm_or_si128(ok, _mm_cmpeq_epi8(v, _mm_set1_epi8('\'')));
  ok = _mm_or_si128(ok, _mm_cmpeq_epi8(v, _mm_set1_epi8('_')));
  ok = _mm_or_si128(ok, _mm_cmpeq_epi8(v, _mm_set1_epi8('`')));
  ok = _mm_or_si128(ok, _mm_cmpeq_epi8(v, _mm_set1_epi8('~')));
  return static_cast<unsigned>(_mm_movemask_epi8(ok));
}
#endif

// End of the run of octets of `classes` from p, four table lookups per
// loop test. Cheaper than a 16-octet SIMD classification for the short runs
// (names, tags, users, hosts) that most SIP items are.
[[gnu::always_inline]] inline const char* scan_class(const char* p, const char* end,
                                                     std::uint32_t classes) {
  while (end - p >= 4) {
    if (!is(p[0], classes)) return p;
    if (!is(p[1], classes)) return p + 1;
    if (!is(p[2], classes)) return p + 2;
    if (!is(p[3], classes)) return p + 3;
    p += 4;
  }
  while (p < end && is(*p, classes)) ++p;
  return p;
}

// End of the run of token characters starting at p (RFC 3261 token:
// alphanumerics and - . ! % * _ + ` ' ~). The first 16 octets one by one
// (most tokens end there), then 16 at a time with SSE2: branch values,
// Call-IDs and long host names.
inline const char* scan_token(const char* p, const char* end) {
#if defined(__SSE2__)
  if (end - p > 16) {
    const char* q = scan_class(p, p + 16, kToken);
    if (q != p + 16) return q;
    p = q;
    while (end - p >= 16) {
      unsigned bad = ~token_bits16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p))) & 0xFFFFu;
      if (bad != 0) return p + __builtin_ctz(bad);
      p += 16;
    }
  }
#endif
  return scan_class(p, end, kToken);
}

constexpr char to_lower_ascii(char c) {
  return static_cast<unsigned char>(c - 'A') < 26 ? static_cast<char>(c | 0x20) : c;
}

constexpr int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace trunkline::sip
