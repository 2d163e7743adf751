#include "control/sip/params.h"

namespace trunkline::sip {

bool parse_generic_param_general(Cursor& c, Param* out, SyntaxError* err) {
  if (!parse_token(c, &out->name, err, "expected parameter name")) return false;
  out->value = {};
  out->has_value = false;
  out->quoted = false;
  if (!c.consume_separator('=')) return true;
  out->has_value = true;
  if (c.at('"')) {
    out->quoted = true;
    return parse_quoted_string(c, &out->value, err);
  }
  if (c.at('[')) {
    Host host;
    if (!parse_host(c, &host, err)) return false;
    out->value = host.text;
    return true;
  }
  out->value = c.take_token();
  if (c.at(':')) {
    // A bare IPv6 address (Via received= takes one).
    while (!c.done() && (is(c.peek(), kHex) || c.peek() == ':' || c.peek() == '.')) c.advance();
    out->value =
        std::string_view(out->value.data(), static_cast<std::size_t>(c.pos() - out->value.data()));
    if (!is_ipv6_address(out->value)) {
      c.set_pos(out->value.data());
      return c.fail(err, "invalid parameter value");
    }
  }
  if (out->value.empty()) return c.fail(err, "expected parameter value");
  return true;
}

bool HeaderParams::find(std::string_view name, Param* out) const {
  Cursor c(raw_);
  while (c.consume_separator(';') && parse_generic_param(c, out, nullptr))
    if (iequals(out->name, name)) return true;
  return false;
}

bool take_escaped_from(Cursor& c, const char* p, std::uint32_t classes, std::string_view* out,
                       SyntaxError* err) {
  const char* start = c.pos();
  const char* end = c.end();
  while (true) {
    if (p == end || *p != '%') break;
    if (end - p < 3 || hex_value(p[1]) < 0 || hex_value(p[2]) < 0) {
      c.set_pos(p);
      return c.fail(err, "invalid %-escape");
    }
    p += 3;
    p = scan_class(p, end, classes);
  }
  c.set_pos(p);
  *out = std::string_view(start, static_cast<std::size_t>(p - start));
  return true;
}

bool UriParams::find(std::string_view name, Param* out) const {
  Cursor c(raw_);
  while (c.consume(';') && parse_uri_param(c, out, nullptr))
    if (iequals(out->name, name)) return true;
  return false;
}

}  // namespace trunkline::sip
