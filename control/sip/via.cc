#include "control/sip/via.h"

#include <cstring>

namespace trunkline::sip {
namespace {

// Eight (or fewer) octets as a little-endian integer, for comparing short
// literals at once. N is a compile-time constant, so this is a plain load.
template <std::size_t N>
std::uint64_t load(const char* p) {
  static_assert(N <= 8);
  std::uint64_t v = 0;
  std::memcpy(&v, p, N);
  return v;
}

template <std::size_t N>
consteval std::uint64_t literal(const char (&s)[N + 1]) {
  std::uint64_t v = 0;
  for (std::size_t i = 0; i < N; ++i)
    v |= std::uint64_t{static_cast<unsigned char>(s[i])} << (8 * i);
  return v;
}

// Case-insensitive match of a parameter name against an all-letter,
// lower-case literal of the same length: OR-ing in 0x20 folds exactly the
// two cases of each letter and maps nothing else onto a lower-case letter.
template <std::size_t N>
bool is_name(std::string_view name, std::uint64_t lower) {
  constexpr std::uint64_t kCaseBits = 0x2020202020202020ull >> (8 * (8 - N));
  return name.size() == N && (load<N>(name.data()) | kCaseBits) == lower;
}

// End of the IPv4address at p (four dot-separated groups of 1-3 digits,
// each at most 255), or nullptr. A tighter private twin of
// is_ipv4_address() for the sent-by and received= of the Via hot path.
const char* scan_ipv4(const char* p, const char* end) {
  // An address is at most 15 octets: with 16 readable, no bounds checks.
  if (end - p >= 16) {
    for (int group = 0; group < 4; ++group) {
      if (group != 0 && *p++ != '.') return nullptr;
      auto digit = [p](int i) {
        return static_cast<unsigned>(static_cast<unsigned char>(p[i]) - '0');
      };
      unsigned value = digit(0);
      if (value > 9) return nullptr;
      unsigned d = digit(1);
      if (d > 9) {
        p += 1;
        continue;
      }
      value = value * 10 + d;
      d = digit(2);
      if (d > 9) {
        p += 2;
        continue;
      }
      if (value * 10 + d > 255) return nullptr;
      p += 3;
    }
    return p;
  }
  auto digit = [end](const char* q) -> unsigned {
    return q < end ? static_cast<unsigned char>(*q) - unsigned{'0'} : 10u;
  };
  for (int group = 0; group < 4; ++group) {
    if (group != 0) {
      if (p == end || *p != '.') return nullptr;
      ++p;
    }
    unsigned value = digit(p);
    if (value > 9) return nullptr;
    ++p;
    if (unsigned d = digit(p); d <= 9) {
      value = value * 10 + d;
      ++p;
      if (d = digit(p); d <= 9) {
        value = value * 10 + d;
        ++p;
      }
    }
    if (value > 255) return nullptr;
  }
  return p;
}

// parse_port() for 1-5 digits up to 65535; false, nothing consumed, for
// anything else, which parse_port() then words.
bool fast_port(Cursor& c, std::uint16_t* out) {
  const char* p = c.pos();
  auto n = static_cast<std::size_t>(c.end() - p);
  std::uint32_t v = 0;
  std::size_t i = 0;
  for (; i < n && i < 6; ++i) {
    std::uint32_t d = static_cast<unsigned char>(p[i]) - std::uint32_t{'0'};
    if (d > 9) break;
    v = v * 10 + d;
  }
  if (i == 0 || i == 6 || v > 65535) return false;
  *out = static_cast<std::uint16_t>(v);
  c.advance(i);
  return true;
}

// c.consume_separator(';'), the usual ";name" (no white space) first.
bool next_param(Cursor& c) {
  if (c.at(';') && !is(c.peek(1), kLws)) {
    c.advance();
    return true;
  }
  return c.consume_separator(';');
}

bool is_ipv4(std::string_view v) {
  return !v.empty() && scan_ipv4(v.data(), v.data() + v.size()) == v.data() + v.size();
}

// parse_host() for the common dotted-quad sent-by: the same result whenever
// the run of host characters is exactly an IPv4address. False (nothing
// consumed) for anything else, which parse_host() then handles.
bool fast_ipv4_host(Cursor& c, Host* out) {
  const char* end = scan_ipv4(c.pos(), c.end());
  if (end == nullptr || (end != c.end() && is(*end, kHostChar))) return false;
  out->text = std::string_view(c.pos(), static_cast<std::size_t>(end - c.pos()));
  out->kind = HostKind::kIPv4;
  c.set_pos(end);
  return true;
}

// The general sent-protocol: token SLASH token SLASH token LWS.
bool parse_sent_protocol(Cursor& c, Via* out, SyntaxError* err) {
  if (!parse_token(c, &out->protocol_name, err, "expected protocol name in Via")) return false;
  if (!c.consume_separator('/')) return c.fail(err, "expected '/' after protocol name in Via");
  if (!parse_token(c, &out->protocol_version, err, "expected protocol version in Via"))
    return false;
  if (!c.consume_separator('/')) return c.fail(err, "expected '/' after protocol version in Via");
  if (!parse_token(c, &out->transport, err, "expected transport in Via")) return false;
  if (c.skip_lws() == 0) return c.fail(err, "expected white space before Via sent-by");
  return true;
}

// generic-param in its two usual shapes, `name=token` and a bare `name`
// followed by neither LWS nor '='. False means "not that simple" with
// nothing consumed; parse_generic_param() then decides (and words any error).
bool simple_param(Cursor& c, Param* p) {
  const char* at = c.pos();
  const char* end = c.end();
  // Names are a few octets: one by one beats scan_token()'s setup, and
  // "branch=", in nearly every Via, is known at once.
  const char* name_end = at;
  constexpr std::uint64_t kSevenOctets = 0x00FFFFFFFFFFFFFFull;
  if (end - at >= 8 && (load<8>(at) & kSevenOctets) == literal<7>("branch=")) {
    name_end = at + 6;
  } else {
    while (name_end < end && is(*name_end, kToken)) ++name_end;
  }
  if (name_end == at) return false;
  p->name = std::string_view(at, static_cast<std::size_t>(name_end - at));
  p->quoted = false;
  if (name_end == end || (*name_end != '=' && !is(*name_end, kLws))) {
    p->value = {};
    p->has_value = false;
    c.set_pos(name_end);
    return true;
  }
  if (*name_end != '=') return false;
  const char* value_end = scan_token(name_end + 1, end);
  // An empty value, or ':' (a bare IPv6 address) needs the general path.
  if (value_end == name_end + 1 || (value_end != end && *value_end == ':')) return false;
  p->value = std::string_view(name_end + 1, static_cast<std::size_t>(value_end - name_end - 1));
  p->has_value = true;
  c.set_pos(value_end);
  return true;
}

}  // namespace

bool parse_via_sent_by(Cursor& c, Via* out, SyntaxError* err) {
  // Field by field: `*out = Via{}` compiles to a slow `rep stos`.
  out->text = {};
  out->host = Host{};
  out->port = 0;
  out->has_port = false;
  out->params = HeaderParams{};
  out->branch = {};
  out->has_branch = false;
  out->received = {};
  out->has_rport = false;
  out->rport = 0;
  out->maddr = {};
  out->ttl = -1;
  const char* start = c.pos();
  // Nearly every Via starts "SIP/2.0/UDP " (or TCP, TLS): two compares
  // instead of three token scans. Anything else takes the general path.
  bool fast = false;
  if (c.end() - start >= 12 && load<8>(start) == literal<8>("SIP/2.0/")) {
    std::uint64_t t = load<4>(start + 8);
    fast = t == literal<4>("UDP ") || t == literal<4>("TCP ") || t == literal<4>("TLS ");
  }
  if (fast) {
    out->protocol_name = std::string_view(start, 3);
    out->protocol_version = std::string_view(start + 4, 3);
    out->transport = std::string_view(start + 8, 3);
    c.advance(11);
    c.skip_lws();
  } else if (!parse_sent_protocol(c, out, err)) {
    return false;
  }
  if (!fast_ipv4_host(c, &out->host) && !parse_host(c, &out->host, err)) return false;
  if (c.consume_separator(':')) {
    if (!fast_port(c, &out->port) && !parse_port(c, &out->port, err)) return false;
    out->has_port = true;
  }
  out->text = std::string_view(start, static_cast<std::size_t>(c.pos() - start));
  return true;
}

bool parse_via(Cursor& c, Via* out, SyntaxError* err) {
  const char* start = c.pos();
  if (!parse_via_sent_by(c, out, err)) return false;
  const char* params_start = c.pos();
  while (next_param(c)) {
    Param p;
    const char* at = c.pos();
    if (!simple_param(c, &p) && !parse_generic_param(c, &p, err)) {
      if (c.pos() == at) c.fail(err, "empty Via parameter");
      return false;
    }
    // Dispatch on the name's length first: most parameters are branch.
    switch (p.name.size()) {
      case 6:
        if (is_name<6>(p.name, literal<6>("branch"))) {
          if (!p.has_value || p.quoted) {
            c.set_pos(at);
            return c.fail(err, "branch parameter needs a token value");
          }
          out->branch = p.value;
          out->has_branch = true;
        }
        break;
      case 8:
        if (is_name<8>(p.name, literal<8>("received"))) {
          // received = IPv4address / IPv6address (no brackets)
          if (!p.has_value || p.quoted || (!is_ipv4(p.value) && !is_ipv6_address(p.value))) {
            c.set_pos(p.has_value ? p.value.data() : at);
            return c.fail(err, "received is not an IP address");
          }
          out->received = p.value;
        }
        break;
      case 5:
        if (is_name<5>(p.name, literal<5>("rport"))) {
          out->has_rport = true;
          if (p.has_value) {
            Cursor v(p.value);
            if (p.quoted || !(fast_port(v, &out->rport) || parse_port(v, &out->rport, err)) ||
                !v.done()) {
              c.set_pos(p.value.data());
              return c.fail(err, "rport is not a port number");
            }
          }
        } else if (is_name<5>(p.name, literal<5>("maddr"))) {
          Cursor v(p.value);
          Host h;
          if (p.quoted || !parse_host(v, &h, nullptr) || !v.done()) {
            c.set_pos(p.has_value ? p.value.data() : at);
            return c.fail(err, "maddr is not a host");
          }
          out->maddr = p.value;
        }
        break;
      case 3:
        if (is_name<3>(p.name, literal<3>("ttl"))) {
          std::uint64_t ttl = 0;
          if (p.quoted || !parse_decimal(p.value, 255, &ttl)) {
            c.set_pos(p.has_value ? p.value.data() : at);
            return c.fail(err, "ttl is not a number 0-255");
          }
          out->ttl = static_cast<int>(ttl);
        }
        break;
      default:
        break;
    }
  }
  out->params = HeaderParams(
      std::string_view(params_start, static_cast<std::size_t>(c.pos() - params_start)));
  out->text = std::string_view(start, static_cast<std::size_t>(c.pos() - start));
  return true;
}

}  // namespace trunkline::sip
