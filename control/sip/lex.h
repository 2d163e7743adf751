// The small lexical pieces every SIP header parser is built from: a cursor
// over a header value, linear white space, tokens, quoted strings, numbers
// and hosts (RFC 3261 section 25.1). Nothing here allocates; results are
// views into the text being parsed.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "control/sip/chars.h"

namespace trunkline::sip {

// Where and why a value failed to parse. `detail` is a static string,
// `at` points into the text that was being parsed.
struct SyntaxError {
  const char* detail = nullptr;
  const char* at = nullptr;
};

class Cursor {
 public:
  explicit Cursor(std::string_view text)
      : begin_(text.data()), p_(text.data()), end_(text.data() + text.size()) {}
  Cursor(const char* begin, const char* end) : begin_(begin), p_(begin), end_(end) {}

  bool done() const { return p_ >= end_; }
  // The next byte, or NUL at the end (callers check done() where NUL matters).
  char peek() const { return p_ < end_ ? *p_ : '\0'; }
  char peek(std::size_t ahead) const {
    return static_cast<std::size_t>(end_ - p_) > ahead ? p_[ahead] : '\0';
  }
  bool at(char c) const { return p_ < end_ && *p_ == c; }
  const char* pos() const { return p_; }
  const char* end() const { return end_; }
  // Where the text began: a SIMD scan near the end may load the 16 or 32
  // octets that end at end() when the text has them, instead of a padded copy.
  const char* begin() const { return begin_; }
  void set_pos(const char* p) { p_ = p; }
  void advance(std::size_t n = 1) { p_ += n; }
  std::string_view rest() const { return {p_, static_cast<std::size_t>(end_ - p_)}; }

  // Skips SP, HTAB and folds (CRLF followed by SP/HTAB); returns how many bytes.
  std::size_t skip_lws() {
    const char* start = p_;
    while (p_ < end_ && is(*p_, kLws)) ++p_;
    return static_cast<std::size_t>(p_ - start);
  }
  bool consume(char c) {
    if (!at(c)) return false;
    ++p_;
    return true;
  }
  // SWS c SWS, the shape of SEMI, COMMA, EQUAL, SLASH, COLON. Leaves the
  // cursor where it was when c is not next.
  bool consume_separator(char c) {
    const char* save = p_;
    skip_lws();
    if (!consume(c)) {
      p_ = save;
      return false;
    }
    skip_lws();
    return true;
  }
  std::string_view take_token() {
    const char* start = p_;
    p_ = scan_token(p_, end_);
    return {start, static_cast<std::size_t>(p_ - start)};
  }
  std::string_view take_while(std::uint32_t classes) {
    const char* start = p_;
    while (p_ < end_ && is(*p_, classes)) ++p_;
    return {start, static_cast<std::size_t>(p_ - start)};
  }
  // Records the failure at the current position and returns false.
  bool fail(SyntaxError* err, const char* detail) const {
    if (err != nullptr) {
      err->detail = detail;
      err->at = p_;
    }
    return false;
  }

 private:
  const char* begin_;
  const char* p_;
  const char* end_;
};

// token (1 or more token chars).
inline bool parse_token(Cursor& c, std::string_view* out, SyntaxError* err, const char* what) {
  std::string_view t = c.take_token();
  if (t.empty()) return c.fail(err, what);
  *out = t;
  return true;
}

// quoted-string = SWS DQUOTE *(qdtext / quoted-pair) DQUOTE. `inner` is the
// text between the quotes with its escapes still in place.
bool parse_quoted_string(Cursor& c, std::string_view* inner, SyntaxError* err);

// The text of a quoted string's inside with quoted-pairs resolved.
std::string unquote(std::string_view inner);

// Decimal digits only (leading zeros allowed), at most `max`.
bool parse_decimal(std::string_view digits, std::uint64_t max, std::uint64_t* out);

// %-escapes resolved (RFC 3261 section 19.1.2); "%" not followed by two hex
// digits is kept as it is.
std::string unescape(std::string_view text);

enum class HostKind : std::uint8_t { kNone, kName, kIPv4, kIPv6 };

struct Host {
  std::string_view text;  // as written; an IPv6 reference keeps its brackets
  HostKind kind = HostKind::kNone;
  // The address without brackets for an IPv6 reference, else the text.
  std::string_view address() const {
    return kind == HostKind::kIPv6 ? text.substr(1, text.size() - 2) : text;
  }
};

bool is_ipv4_address(std::string_view text);
bool is_ipv6_address(std::string_view text);
bool is_hostname(std::string_view text);

// host = hostname / IPv4address / IPv6reference
bool parse_host(Cursor& c, Host* out, SyntaxError* err);

// port = 1*DIGIT, 0..65535
bool parse_port(Cursor& c, std::uint16_t* out, SyntaxError* err);

// Case-insensitive ASCII comparison. Octets that differ must differ only in
// the case bit, and be letters.
inline bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    unsigned diff = static_cast<unsigned char>(a[i] ^ b[i]);
    if (diff == 0) continue;
    if (diff != 0x20 || static_cast<unsigned char>((a[i] | 0x20) - 'a') >= 26) return false;
  }
  return true;
}

// A lowercase name known at compile time, with the octets to compare and
// the case bit to fold in (on letters only), zero-padded to 16.
template <std::size_t N>
struct LowerName {
  static_assert(N > 1 && N <= 17, "1 to 16 octets");
  static constexpr std::size_t size = N - 1;
  char want[16] = {};
  char fold[16] = {};
  consteval LowerName(const char (&lit)[N]) {  // NOLINT(google-explicit-constructor)
    for (std::size_t i = 0; i < size; ++i) {
      want[i] = lit[i];
      fold[i] = lit[i] >= 'a' && lit[i] <= 'z' ? 0x20 : 0;
    }
  }
};

namespace detail {
// Len (1-8) octets at p equal to want[0..8) once fold is or-ed in.
template <std::size_t Len>
[[gnu::always_inline]] inline bool folded_equal(const char* p, const char* want, const char* fold) {
  std::uint64_t x = 0, w = 0, f = 0;
  std::memcpy(&x, p, Len);
  std::memcpy(&w, want, 8);
  std::memcpy(&f, fold, 8);
  return (x | f) == w;
}
}  // namespace detail

// iequals(a, Name) for the known parameter and scheme names: fixed-size
// loads and one compare per 8 octets. Use: iequals_lower<"tag">(name).
template <LowerName Name>
[[gnu::always_inline]] inline bool iequals_lower(std::string_view a) {
  constexpr std::size_t n = Name.size;
  if (a.size() != n) return false;
  if constexpr (n <= 8) {
    return detail::folded_equal<n>(a.data(), Name.want, Name.fold);
  } else {
    return detail::folded_equal<8>(a.data(), Name.want, Name.fold) &&
           detail::folded_equal<n - 8>(a.data() + 8, Name.want + 8, Name.fold + 8);
  }
}

}  // namespace trunkline::sip
