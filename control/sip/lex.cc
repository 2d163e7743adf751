#include "control/sip/lex.h"

#include <cstring>

#include "control/sip/simd_scan.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace trunkline::sip {

namespace {

// Length of a UTF-8 sequence starting with `lead` as RFC 3261's UTF8-NONASCII
// admits it (up to 6 octets), or 0.
int utf8_length(unsigned char lead) {
  if (lead >= 0xC0 && lead <= 0xDF) return 2;
  if (lead >= 0xE0 && lead <= 0xEF) return 3;
  if (lead >= 0xF0 && lead <= 0xF7) return 4;
  if (lead >= 0xF8 && lead <= 0xFB) return 5;
  if (lead >= 0xFC && lead <= 0xFD) return 6;
  return 0;
}

#if defined(__SSE2__)
// Bit i set where p[i] (16 octets from p) is within [lo, hi].
unsigned range_bits16(__m128i v, char lo, char hi) {
  __m128i above = _mm_cmpgt_epi8(v, _mm_set1_epi8(static_cast<char>(lo - 1)));
  __m128i below = _mm_cmpgt_epi8(_mm_set1_epi8(static_cast<char>(hi + 1)), v);
  return static_cast<unsigned>(_mm_movemask_epi8(_mm_and_si128(above, below)));
}
#endif

#if defined(__SSE2__)
// Dotted quad from the dot mask of an all-digit run of n octets: four
// groups of 1-3 digits, none above 255 (leading zeros allowed), as
// is_ipv4_address() has it, without a second pass over the text.
bool dotted_quad(const char* p, int n, std::uint32_t dot) {
  // Exactly three dots (no popcount: that is a library call without -mpopcnt).
  if (n > 15 || dot == 0) return false;
  int d1 = __builtin_ctz(dot);
  dot &= dot - 1;
  if (dot == 0) return false;
  int d2 = __builtin_ctz(dot);
  dot &= dot - 1;
  if (dot == 0) return false;
  int d3 = __builtin_ctz(dot);
  if ((dot & (dot - 1)) != 0) return false;
  // A group is 1-3 digits; only a 3-digit one can exceed 255.
  auto group_ok = [p](int start, int len) {
    if (static_cast<unsigned>(len - 1) > 2u) return false;
    if (len < 3) return true;
    const char* q = p + start;
    return (q[0] - '0') * 100 + (q[1] - '0') * 10 + (q[2] - '0') <= 255;
  };
  return group_ok(0, d1) && group_ok(d1 + 1, d2 - d1 - 1) && group_ok(d2 + 1, d3 - d2 - 1) &&
         group_ok(d3 + 1, n - d3 - 1);
}
#endif

#if defined(__SSE2__)
// Host octet classes of 16 octets, one bit per octet.
struct HostBits {
  std::uint32_t alpha, digit, dot, hyphen;
};

[[gnu::always_inline]] inline HostBits host_bits16(const char* src, unsigned shift) {
  __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(src));
  __m128i lower = _mm_or_si128(v, _mm_set1_epi8(0x20));
  auto eq = [&v](char ch) {
    return static_cast<std::uint32_t>(_mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_set1_epi8(ch))));
  };
  return {range_bits16(lower, 'a', 'z') >> shift, range_bits16(v, '0', '9') >> shift,
          eq('.') >> shift, eq('-') >> shift};
}
#endif

// The usual host: a name or IPv4 address shorter than 32 octets, checked
// from bitmasks of 32 octets (letters, digits, dots, hyphens) instead of
// octet by octet. False, with nothing consumed, for anything else (IPv6
// references, long hosts, any fault): the general path in parse_host()
// decides those and words the errors.
[[gnu::always_inline]] inline bool fast_host(Cursor& c, Host* out) {
#if defined(__SSE2__)
  const char* p = c.pos();
  const char* end = c.end();
  std::size_t left = static_cast<std::size_t>(end - p);
  // Bits for octets p[0..31]. A load that would pass the end is taken
  // ending at the end instead and shifted down, so the octets past the end
  // read as zero bits, i.e. as stops. Only a text under 16 octets needs a
  // zero-padded copy (NUL is no host octet).
  HostBits lo, hi{0, 0, 0, 0};
  if (left >= 16) {
    lo = host_bits16(p, 0);
    if ((lo.alpha | lo.digit | lo.dot | lo.hyphen) != 0xFFFFu) {
      // The host ends in the first 16 octets: no second load.
    } else if (left >= 32) {
      hi = host_bits16(p + 16, 0);
    } else if (left > 16) {
      hi = host_bits16(end - 16, static_cast<unsigned>(32 - left));
    }
  } else if (end - c.begin() >= 16) {
    if (left == 0) return false;
    lo = host_bits16(end - 16, static_cast<unsigned>(16 - left));
  } else {
    if (left == 0) return false;  // no host (and p may be null: no memcpy from it)
    char padded[16] = {};
    std::memcpy(padded, p, left);
    lo = host_bits16(padded, 0);
  }
  std::uint32_t alpha = lo.alpha | hi.alpha << 16;
  std::uint32_t digit = lo.digit | hi.digit << 16;
  std::uint32_t dot = lo.dot | hi.dot << 16;
  std::uint32_t hyphen = lo.hyphen | hi.hyphen << 16;
  std::uint32_t stop = ~(alpha | digit | dot | hyphen);
  if (stop == 0 || (stop & 1) != 0) return false;  // 32+ host octets, or none
  int n = __builtin_ctz(stop);
  std::uint32_t in = (std::uint32_t{1} << n) - 1;
  alpha &= in;
  dot &= in;
  hyphen &= in;
  std::string_view text(p, static_cast<std::size_t>(n));
  if ((alpha | hyphen) == 0) {
    if (!dotted_quad(p, n, dot)) return false;
    out->kind = HostKind::kIPv4;
  } else {
    // A label starting or ending badly: '.' or '-' first, "..", ".-", "-.",
    // '-' last.
    std::uint32_t bad = ((dot | hyphen) & 1) | (dot & (dot >> 1)) | (dot & (hyphen >> 1)) |
                        (hyphen & (dot >> 1)) | ((hyphen >> (n - 1)) & 1);
    // One trailing dot is allowed; the last label is then the one before it.
    std::uint32_t trailing = (dot >> (n - 1)) & 1;
    std::uint32_t inner_dots = dot & (in >> trailing);
    int last_label = inner_dots == 0 ? 0 : 32 - __builtin_clz(inner_dots);
    if (bad != 0 || ((alpha >> last_label) & 1) == 0) return false;
    out->kind = HostKind::kName;
  }
  out->text = text;
  c.set_pos(p + n);
  return true;
#else
  (void)c;
  (void)out;
  return false;
#endif
}

}  // namespace

bool parse_quoted_string(Cursor& c, std::string_view* inner, SyntaxError* err) {
  if (!c.consume('"')) return c.fail(err, "expected '\"'");
  const char* start = c.pos();
  while (!c.done()) {
    c.set_pos(find_not_plain_qdtext(c.begin(), c.pos(), c.end()));
    if (c.done()) break;
    unsigned char ch = static_cast<unsigned char>(c.peek());
    if (ch == '"') {
      *inner = std::string_view(start, static_cast<std::size_t>(c.pos() - start));
      c.advance();
      return true;
    }
    if (ch == '\\') {
      unsigned char next = static_cast<unsigned char>(c.peek(1));
      if (c.pos() + 1 >= c.end() || next == 0x0A || next == 0x0D || next > 0x7F)
        return c.fail(err, "invalid quoted-pair in quoted string");
      c.advance(2);
      continue;
    }
    if (ch >= 0x80) {
      int n = utf8_length(ch);
      if (n == 0) return c.fail(err, "invalid UTF-8 in quoted string");
      for (int i = 1; i < n; ++i) {
        unsigned char cont = static_cast<unsigned char>(c.peek(static_cast<std::size_t>(i)));
        if (c.pos() + i >= c.end() || cont < 0x80 || cont > 0xBF)
          return c.fail(err, "invalid UTF-8 in quoted string");
      }
      c.advance(static_cast<std::size_t>(n));
      continue;
    }
    // qdtext = LWS / %x21 / %x23-5B / %x5D-7E
    if (ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n' || (ch >= 0x21 && ch <= 0x7E)) {
      c.advance();
      continue;
    }
    return c.fail(err, "control character in quoted string");
  }
  c.set_pos(start - 1);
  return c.fail(err, "unterminated quoted string");
}

std::string unquote(std::string_view inner) {
  std::string out;
  out.reserve(inner.size());
  for (std::size_t i = 0; i < inner.size(); ++i) {
    if (inner[i] == '\\' && i + 1 < inner.size()) ++i;
    out.push_back(inner[i]);
  }
  return out;
}

bool parse_decimal(std::string_view digits, std::uint64_t max, std::uint64_t* out) {
  if (digits.empty()) return false;
  std::uint64_t v = 0;
  if (digits.size() <= 19) {
    // Under 10^19 < 2^64: no overflow, so one compare with max at the end
    // instead of a division per digit.
    for (char ch : digits) {
      unsigned d = static_cast<unsigned char>(ch) - unsigned{'0'};
      if (d > 9) return false;
      v = v * 10 + d;
    }
    if (v > max) return false;
    *out = v;
    return true;
  }
  for (char ch : digits) {
    if (ch < '0' || ch > '9') return false;
    unsigned d = static_cast<unsigned>(ch - '0');
    if (v > (max - d) / 10) return false;
    v = v * 10 + d;
  }
  *out = v;
  return true;
}

std::string unescape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size()) {
      int hi = hex_value(text[i + 1]);
      int lo = hex_value(text[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out.push_back(static_cast<char>(hi * 16 + lo));
        i += 2;
        continue;
      }
    }
    out.push_back(text[i]);
  }
  return out;
}

bool is_ipv4_address(std::string_view text) {
  // Four groups of 1-3 digits, each at most 255, joined by dots: 7 to 15
  // octets, which turns most names away before the loop.
  if (text.size() < 7 || text.size() > 15) return false;
  const char* p = text.data();
  const char* end = p + text.size();
  for (int group = 0; group < 4; ++group) {
    if (group != 0) {
      if (p == end || *p != '.') return false;
      ++p;
    }
    // One to three digits, read one by one: no loop counter.
    auto digit = [&p, end](unsigned* d) {
      if (p == end) return false;
      *d = static_cast<unsigned char>(*p) - unsigned{'0'};
      return *d <= 9;
    };
    unsigned value = 0, d = 0;
    if (!digit(&value)) return false;
    ++p;
    if (digit(&d)) {
      value = value * 10 + d;
      ++p;
      if (digit(&d)) {
        value = value * 10 + d;
        ++p;
      }
    }
    if (value > 255) return false;
  }
  return p == end;
}

bool is_ipv6_address(std::string_view text) {
  // hexpart [ ":" IPv4address ], hexpart with at most one "::".
  int groups = 0;
  bool compressed = false;
  std::size_t i = 0;
  if (text.size() >= 2 && text[0] == ':' && text[1] == ':') {
    compressed = true;
    i = 2;
    if (i == text.size()) return true;
  } else if (!text.empty() && text[0] == ':') {
    return false;
  }
  while (i < text.size()) {
    std::size_t start = i;
    while (i < text.size() && hex_value(text[i]) >= 0 && i - start < 4) ++i;
    if (i < text.size() && text[i] == '.') {
      // Trailing IPv4 part takes two groups.
      if (!is_ipv4_address(text.substr(start))) return false;
      groups += 2;
      i = text.size();
      break;
    }
    if (i == start) return false;
    ++groups;
    if (i == text.size()) break;
    if (text[i] != ':') return false;
    ++i;
    if (i < text.size() && text[i] == ':') {
      if (compressed) return false;
      compressed = true;
      ++i;
      if (i == text.size()) break;
    } else if (i == text.size()) {
      return false;  // trailing single ':'
    }
  }
  return compressed ? groups <= 7 : groups == 8;
}

bool is_hostname(std::string_view text) {
  // hostname = *( domainlabel "." ) toplabel [ "." ]
  if (text.empty()) return false;
  if (text.back() == '.') text.remove_suffix(1);
  if (text.empty()) return false;
  std::size_t label_start = 0;
  for (std::size_t i = 0; i <= text.size(); ++i) {
    if (i == text.size() || text[i] == '.') {
      std::string_view label = text.substr(label_start, i - label_start);
      if (label.empty()) return false;
      if (!is(label.front(), kAlpha | kDigit) || !is(label.back(), kAlpha | kDigit)) return false;
      for (char ch : label)
        if (!is(ch, kAlpha | kDigit) && ch != '-') return false;
      if (i == text.size() && !is(label.front(), kAlpha)) return false;  // toplabel
      label_start = i + 1;
    }
  }
  return true;
}

namespace {

// IPv6 references, and hosts fast_host() leaves: long ones and faults.
[[gnu::noinline]] bool parse_host_general(Cursor& c, Host* out, SyntaxError* err) {
  const char* start = c.pos();
  if (c.at('[')) {
    c.advance();
    const char* addr = c.pos();
    while (!c.done() && (hex_value(c.peek()) >= 0 || c.peek() == ':' || c.peek() == '.'))
      c.advance();
    std::string_view inside(addr, static_cast<std::size_t>(c.pos() - addr));
    if (!c.at(']') || !is_ipv6_address(inside)) {
      c.set_pos(start);
      return c.fail(err, "invalid IPv6 reference");
    }
    c.advance();
    out->text = std::string_view(start, static_cast<std::size_t>(c.pos() - start));
    out->kind = HostKind::kIPv6;
    return true;
  }
  // hostname / IPv4address (RFC 3261 section 25.1). One tight pass finds
  // the run of host characters, whether it holds a letter or hyphen, where
  // its last two dots are, and whether a label starts or ends badly (a dot
  // or hyphen first, "..", ".-" or "-."); what is left is checked after.
  const char* end = c.end();
  const char* p = start;
  std::uint32_t seen = 0;
  const char* last_dot = nullptr;
  const char* dot_before = nullptr;
  bool bad = false;
  char prev = '.';  // as if after a dot: a host cannot start with '.' or '-'
  while (p < end) {
    char ch = *p;
    std::uint32_t f = detail::kCharTable[static_cast<unsigned char>(ch)];
    if ((f & kHostChar) == 0) break;
    if ((f & (kAlpha | kDigit)) == 0) {
      if (ch == '.') {
        bad |= prev == '.' || prev == '-';
        dot_before = last_dot;
        last_dot = p;
      } else {
        bad |= prev == '.';
      }
    }
    seen |= f;
    prev = ch;
    ++p;
  }
  if (p == start) return c.fail(err, "expected host");
  std::string_view text(start, static_cast<std::size_t>(p - start));
  if ((seen & (kAlpha | kHyphen)) == 0) {
    if (!is_ipv4_address(text)) return c.fail(err, "invalid host name");
    out->kind = HostKind::kIPv4;
  } else {
    // One trailing dot is allowed; the last label then is the one before it.
    const char* label_dot = prev == '.' ? dot_before : last_dot;
    const char* last_label = label_dot == nullptr ? start : label_dot + 1;
    if (bad || prev == '-' || !is(*last_label, kAlpha)) return c.fail(err, "invalid host name");
    out->kind = HostKind::kName;
  }
  c.set_pos(p);
  out->text = text;
  return true;
}

}  // namespace

bool parse_host(Cursor& c, Host* out, SyntaxError* err) {
  if (!c.at('[') && fast_host(c, out)) return true;
  return parse_host_general(c, out, err);
}

bool parse_port(Cursor& c, std::uint16_t* out, SyntaxError* err) {
  const char* start = c.pos();
  const char* p = start;
  const char* end = c.end();
  std::uint32_t v = 0;
  while (p < end) {
    std::uint32_t d = static_cast<unsigned char>(*p) - std::uint32_t{'0'};
    if (d > 9) break;
    v = v * 10 + d;
    if (v > 65535) {
      // Leading zeros cannot push past 65535, so this is a real overflow.
      c.set_pos(start);
      return c.fail(err, "port number above 65535");
    }
    ++p;
  }
  if (p == start) return c.fail(err, "expected port number");
  c.set_pos(p);
  *out = static_cast<std::uint16_t>(v);
  return true;
}

}  // namespace trunkline::sip
