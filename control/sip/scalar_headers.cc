#include "control/sip/scalar_headers.h"

#include "control/sip/params.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace trunkline::sip {
namespace {

// The value of a run of decimal digits. Up to 18 digits cannot overflow 64
// bits, so the range check is one compare; longer runs (leading zeros) go
// to parse_decimal(). The same result as parse_decimal(digits, max, out).
bool decimal(std::string_view digits, std::uint64_t max, std::uint64_t* out) {
  if (digits.empty() || digits.size() > 18) return parse_decimal(digits, max, out);
  std::uint64_t v = 0;
  for (char ch : digits) v = v * 10 + static_cast<unsigned char>(ch - '0');
  if (v > max) return false;
  *out = v;
  return true;
}

bool parse_number(std::string_view value, std::uint64_t max, std::uint64_t* out, SyntaxError* err,
                  const char* what_too_big) {
  // Usually a few digits and nothing else: one pass. Anything else (empty,
  // other octets, more than 18 digits, too big) is worded below.
  std::uint64_t v = 0;
  std::size_t n = 0;
  for (; n < value.size() && n <= 18; ++n) {
    auto d = static_cast<unsigned>(static_cast<unsigned char>(value[n]) - '0');
    if (d > 9) break;
    v = v * 10 + d;
  }
  if (n != 0 && n == value.size() && n <= 18 && v <= max) {
    *out = v;
    return true;
  }
  Cursor c(value);
  std::string_view digits = c.take_while(kDigit);
  if (digits.empty()) return c.fail(err, "expected a decimal number");
  if (!c.done()) return c.fail(err, "unexpected character after number");
  if (!decimal(digits, max, out)) {
    c.set_pos(digits.data());
    return c.fail(err, what_too_big);
  }
  return true;
}

const char* scan_word_tail(const char* p, const char* end) {
  while (p < end && is(*p, kWord)) ++p;
  return p;
}

#if defined(__SSE2__)
// Bit i set where p[i] is not alphanumeric, '-' or '.', what Call-IDs are
// mostly made of. Checking the whole word set would cost three times more.
inline unsigned not_alnum_dash_dot(const char* p) {
  __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
  auto in_range = [](__m128i x, char lo, char hi) {
    return _mm_and_si128(_mm_cmpgt_epi8(x, _mm_set1_epi8(static_cast<char>(lo - 1))),
                         _mm_cmpgt_epi8(_mm_set1_epi8(static_cast<char>(hi + 1)), x));
  };
  __m128i ok = _mm_or_si128(in_range(_mm_or_si128(v, _mm_set1_epi8(0x20)), 'a', 'z'),
                            _mm_or_si128(in_range(v, '0', '9'), in_range(v, '-', '.')));
  return ~static_cast<unsigned>(_mm_movemask_epi8(ok)) & 0xFFFFu;
}
#endif

// End of the run of word characters at p, within [begin, end). Sixteen
// octets at a time while they are alphanumerics, '-' or '.' (the last
// partial block read as the view's last 16 octets, some passed already);
// one by one from the first other octet on.
const char* scan_word(const char* begin, const char* p, const char* end) {
#if defined(__SSE2__)
  for (; end - p >= 16; p += 16)
    if (unsigned stop = not_alnum_dash_dot(p); stop != 0)
      return scan_word_tail(p + __builtin_ctz(stop), end);
  if (p < end && end - begin >= 16) {
    unsigned stop = not_alnum_dash_dot(end - 16) >> (16 - (end - p));
    return stop != 0 ? scan_word_tail(p + __builtin_ctz(stop), end) : end;
  }
#else
  (void)begin;
#endif
  return scan_word_tail(p, end);
}

}  // namespace

bool parse_cseq(std::string_view value, CSeq* out, SyntaxError* err) {
  // The usual shape in one pass: up to 10 digits, one SP, the method to the
  // end. Anything else goes the general way below, which words the errors.
  const char* p = value.data();
  const char* end = p + value.size();
  const char* q = p;
  std::uint64_t number = 0;
  for (; q < end && q - p <= 10; ++q) {
    auto d = static_cast<unsigned>(static_cast<unsigned char>(*q) - '0');
    if (d > 9) break;
    number = number * 10 + d;
  }
  if (q != p && q - p <= 10 && number <= kMaxCSeq && q < end && *q == ' ') {
    const char* method = q + 1;
    const char* method_end = method;
    while (method_end < end && is(*method_end, kToken)) ++method_end;
    if (method_end != method && method_end == end) {
      out->method = std::string_view(method, static_cast<std::size_t>(end - method));
      out->number = static_cast<std::uint32_t>(number);
      out->method_id = lookup_method(out->method);
      return true;
    }
  }
  Cursor c(value);
  std::string_view digits = c.take_while(kDigit);
  if (digits.empty()) return c.fail(err, "CSeq must start with a sequence number");
  std::uint64_t n = 0;
  if (!decimal(digits, kMaxCSeq, &n)) {
    c.set_pos(digits.data());
    return c.fail(err, "CSeq number not below 2^31");
  }
  if (c.skip_lws() == 0) return c.fail(err, "expected white space after CSeq number");
  if (!parse_token(c, &out->method, err, "expected method in CSeq")) return false;
  c.skip_lws();
  if (!c.done()) return c.fail(err, "unexpected character after CSeq method");
  out->number = static_cast<std::uint32_t>(n);
  out->method_id = lookup_method(out->method);
  return true;
}

bool parse_call_id(std::string_view value, SyntaxError* err) {
  Cursor c(value);
  const char* word_end = scan_word(value.data(), c.pos(), c.end());
  if (word_end == c.pos()) return c.fail(err, "Call-ID must start with a word");
  c.set_pos(word_end);
  if (c.consume('@')) {
    word_end = scan_word(value.data(), c.pos(), c.end());
    if (word_end == c.pos()) return c.fail(err, "expected word after '@' in Call-ID");
    c.set_pos(word_end);
  }
  if (!c.done()) return c.fail(err, "invalid character in Call-ID");
  return true;
}

bool parse_max_forwards(std::string_view value, std::uint8_t* out, SyntaxError* err) {
  std::uint64_t v = 0;
  if (!parse_number(value, 255, &v, err, "Max-Forwards above 255")) return false;
  *out = static_cast<std::uint8_t>(v);
  return true;
}

bool parse_content_length(std::string_view value, std::uint32_t* out, SyntaxError* err) {
  std::uint64_t v = 0;
  if (!parse_number(value, 0xFFFFFFFFu, &v, err, "Content-Length above 2^32-1")) return false;
  *out = static_cast<std::uint32_t>(v);
  return true;
}

bool parse_delta_seconds(std::string_view value, std::uint32_t* out, SyntaxError* err) {
  std::uint64_t v = 0;
  if (!parse_number(value, 0xFFFFFFFFu, &v, err, "delta-seconds above 2^32-1")) return false;
  *out = static_cast<std::uint32_t>(v);
  return true;
}

bool parse_retry_after(std::string_view value, std::uint32_t* out, SyntaxError* err) {
  Cursor c(value);
  std::string_view digits = c.take_while(kDigit);
  std::uint64_t v = 0;
  if (digits.empty()) return c.fail(err, "expected delta-seconds");
  if (!decimal(digits, 0xFFFFFFFFu, &v)) {
    c.set_pos(digits.data());
    return c.fail(err, "delta-seconds above 2^32-1");
  }
  *out = static_cast<std::uint32_t>(v);
  c.skip_lws();
  if (c.consume('(')) {
    // comment = LPAREN *(ctext / quoted-pair / comment) RPAREN
    int depth = 1;
    while (!c.done() && depth > 0) {
      char ch = c.peek();
      if (ch == '\\') {
        if (c.pos() + 1 >= c.end()) break;
        c.advance(2);
        continue;
      }
      if (ch == '(') ++depth;
      if (ch == ')') --depth;
      c.advance();
    }
    if (depth != 0) return c.fail(err, "unterminated comment");
  }
  Param p;
  while (c.consume_separator(';'))
    if (!parse_generic_param(c, &p, err)) return false;
  c.skip_lws();
  if (!c.done()) return c.fail(err, "unexpected character in Retry-After");
  return true;
}

bool parse_date(std::string_view value, SipDate* out, SyntaxError* err) {
  static constexpr std::string_view kDays[] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
  static constexpr std::string_view kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                 "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  Cursor c(value);
  auto two_digits = [&](int* v) {
    if (!is(c.peek(), kDigit) || !is(c.peek(1), kDigit)) return false;
    *v = (c.peek() - '0') * 10 + (c.peek(1) - '0');
    c.advance(2);
    return true;
  };
  std::string_view day = c.rest().substr(0, 3);
  bool day_ok = false;
  for (auto d : kDays) day_ok = day_ok || day == d;
  if (!day_ok) return c.fail(err, "expected day of week in Date");
  c.advance(3);
  if (!c.consume(',') || !c.consume(' ')) return c.fail(err, "expected \", \" after day in Date");
  if (!two_digits(&out->day) || !c.consume(' ')) return c.fail(err, "expected 2-digit day in Date");
  std::string_view month = c.rest().substr(0, 3);
  out->month = 0;
  for (int i = 0; i < 12; ++i)
    if (month == kMonths[i]) out->month = i + 1;
  if (out->month == 0) return c.fail(err, "expected month in Date");
  c.advance(3);
  int hi = 0, lo = 0;
  if (!c.consume(' ') || !two_digits(&hi) || !two_digits(&lo) || !c.consume(' '))
    return c.fail(err, "expected 4-digit year in Date");
  out->year = hi * 100 + lo;
  if (!two_digits(&out->hour) || !c.consume(':') || !two_digits(&out->minute) || !c.consume(':') ||
      !two_digits(&out->second))
    return c.fail(err, "expected hh:mm:ss in Date");
  if (out->day < 1 || out->day > 31 || out->hour > 23 || out->minute > 59 || out->second > 60)
    return c.fail(err, "Date field out of range");
  if (!c.consume(' ') || c.rest() != "GMT") return c.fail(err, "Date time zone must be GMT");
  return true;
}

}  // namespace trunkline::sip
