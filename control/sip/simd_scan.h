// Finding the first octet of a class in a run of text, sixteen octets at a
// time with SSE2, for the scans the SIP parsers share (white space in a
// Request-URI, control characters in a reason phrase, the end of plain
// quoted-string text).
#pragma once

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace trunkline::sip {

// The first octet in [p, end) that `mask` marks, or end. `mask(q)` gives
// the bits of the 16 octets from q, `scalar(octet)` the same test for one
// octet. The last partial block is read as the 16 octets ending at `end`
// when the text (from `begin`) is that long, else octet by octet: nothing
// outside [begin, end) is read.
template <typename Mask, typename Scalar>
const char* find_first_marked(const char* begin, const char* p, const char* end, Mask mask,
                              Scalar scalar) {
#if defined(__SSE2__)
  for (; end - p >= 16; p += 16)
    if (unsigned m = mask(p); m != 0) return p + __builtin_ctz(m);
  if (p < end && end - begin >= 16) {
    unsigned m = mask(end - 16) >> (16 - (end - p));
    return m != 0 ? p + __builtin_ctz(m) : end;
  }
#else
  (void)begin;
  (void)mask;
#endif
  while (p < end && !scalar(static_cast<unsigned char>(*p))) ++p;
  return p;
}

// Not plain qdtext: anything but printable ASCII other than '"' and '\\'
// (the octets a quoted-string parser has to look at one by one).
inline bool is_not_plain_qdtext(unsigned char ch) {
  return ch < 0x20 || ch >= 0x7F || ch == '"' || ch == '\\';
}

#if defined(__SSE2__)
inline unsigned not_plain_qdtext_mask(const char* p) {
  __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
  // Signed: octets 0x80-0xFF are negative and so below 0x20.
  __m128i special = _mm_cmpgt_epi8(_mm_set1_epi8(0x20), v);
  special = _mm_or_si128(special, _mm_cmpeq_epi8(v, _mm_set1_epi8('"')));
  special = _mm_or_si128(special, _mm_cmpeq_epi8(v, _mm_set1_epi8('\\')));
  special = _mm_or_si128(special, _mm_cmpeq_epi8(v, _mm_set1_epi8(0x7F)));
  return static_cast<unsigned>(_mm_movemask_epi8(special));
}
#endif

// The end of the run of plain qdtext from p: the closing quote, a
// quoted-pair, HTAB, a fold, UTF-8 or a control character stop it.
inline const char* find_not_plain_qdtext(const char* begin, const char* p, const char* end) {
#if defined(__SSE2__)
  return find_first_marked(begin, p, end, not_plain_qdtext_mask, is_not_plain_qdtext);
#else
  return find_first_marked(begin, p, end, nullptr, is_not_plain_qdtext);
#endif
}

}  // namespace trunkline::sip
