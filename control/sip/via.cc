#include "control/sip/via.h"

namespace trunkline::sip {

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
  if (!parse_token(c, &out->protocol_name, err, "expected protocol name in Via")) return false;
  if (!c.consume_separator('/')) return c.fail(err, "expected '/' after protocol name in Via");
  if (!parse_token(c, &out->protocol_version, err, "expected protocol version in Via"))
    return false;
  if (!c.consume_separator('/')) return c.fail(err, "expected '/' after protocol version in Via");
  if (!parse_token(c, &out->transport, err, "expected transport in Via")) return false;
  if (c.skip_lws() == 0) return c.fail(err, "expected white space before Via sent-by");
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
  while (c.consume_separator(';')) {
    Param p;
    const char* at = c.pos();
    if (!parse_generic_param(c, &p, err)) {
      if (c.pos() == at) c.fail(err, "empty Via parameter");
      return false;
    }
    // Dispatch on the name's length first: most parameters are branch.
    switch (p.name.size()) {
      case 6:
        if (iequals(p.name, "branch")) {
          if (!p.has_value || p.quoted) {
            c.set_pos(at);
            return c.fail(err, "branch parameter needs a token value");
          }
          out->branch = p.value;
          out->has_branch = true;
        }
        break;
      case 8:
        if (iequals(p.name, "received")) {
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
        if (iequals(p.name, "rport")) {
          out->has_rport = true;
          if (p.has_value) {
            Cursor v(p.value);
            if (p.quoted || !parse_port(v, &out->rport, err) || !v.done()) {
              c.set_pos(p.value.data());
              return c.fail(err, "rport is not a port number");
            }
          }
        } else if (iequals(p.name, "maddr")) {
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
        if (iequals(p.name, "ttl")) {
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
