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

// c.consume_separator(';'), the usual ";name" (no white space) first.
bool next_param(Cursor& c) {
  if (c.at(';') && !is(c.peek(1), kLws)) {
    c.advance();
    return true;
  }
  return c.consume_separator(';');
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
  if (!parse_host(c, &out->host, err)) return false;
  if (c.consume_separator(':')) {
    if (!parse_port(c, &out->port, err)) return false;
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
    if (!parse_generic_param(c, &p, err)) {
      if (c.pos() == at) c.fail(err, "empty Via parameter");
      return false;
    }
    // Dispatch on the name's length first: most parameters are branch.
    switch (p.name.size()) {
      case 6:
        if (iequals_lower<"branch">(p.name)) {
          if (!p.has_value || p.quoted) {
            c.set_pos(at);
            return c.fail(err, "branch parameter needs a token value");
          }
          out->branch = p.value;
          out->has_branch = true;
        }
        break;
      case 8:
        if (iequals_lower<"received">(p.name)) {
          // received = IPv4address / IPv6address (no brackets)
          if (!p.has_value || p.quoted ||
              (!is_ipv4_address(p.value) && !is_ipv6_address(p.value))) {
            c.set_pos(p.has_value ? p.value.data() : at);
            return c.fail(err, "received is not an IP address");
          }
          out->received = p.value;
        }
        break;
      case 5:
        if (iequals_lower<"rport">(p.name)) {
          out->has_rport = true;
          if (p.has_value) {
            Cursor v(p.value);
            if (p.quoted || !parse_port(v, &out->rport, err) || !v.done()) {
              c.set_pos(p.value.data());
              return c.fail(err, "rport is not a port number");
            }
          }
        } else if (iequals_lower<"maddr">(p.name)) {
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
        if (iequals_lower<"ttl">(p.name)) {
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
