// Parameters: header parameters (SEMI generic-param, LWS allowed around the
// separators, values token / host / quoted-string) and URI parameters
// (";" pname ["=" pvalue], %-escaped, no white space). Parsers validate a
// parameter section once and keep it as one raw view; lookups re-walk it.
#pragma once

#include <string_view>

#include "control/sip/lex.h"

namespace trunkline::sip {

struct Param {
  std::string_view name;
  std::string_view value;  // quoted values: the inside of the quotes, escapes kept
  bool has_value = false;
  bool quoted = false;
};

// parse_generic_param() for every shape: white space around "=", quoted,
// [IPv6] and bare IPv6 values, and the errors.
bool parse_generic_param_general(Cursor& c, Param* out, SyntaxError* err);

// generic-param = token [ EQUAL gen-value ], cursor just past the SEMI.
// Inline for the usual shapes, "name" and "name=token"; anything else is
// parsed again from the start by the general code.
[[gnu::always_inline]] inline bool parse_generic_param(Cursor& c, Param* out, SyntaxError* err) {
  const char* start = c.pos();
  const char* end = c.end();
  const char* q = scan_token(start, end);
  if (q != start) {
    if (q == end || (*q != '=' && !is(*q, kLws))) {
      *out = Param{std::string_view(start, static_cast<std::size_t>(q - start)), {}, false, false};
      c.set_pos(q);
      return true;
    }
    // A token value not followed by ':' (a bare IPv6 address goes on).
    if (*q == '=' && end - q > 1 && is(q[1], kToken)) {
      const char* v = q + 1;
      const char* v_end = scan_token(v, end);
      if (v_end == end || *v_end != ':') {
        *out = Param{std::string_view(start, static_cast<std::size_t>(q - start)),
                     std::string_view(v, static_cast<std::size_t>(v_end - v)), true, false};
        c.set_pos(v_end);
        return true;
      }
    }
  }
  return parse_generic_param_general(c, out, err);
}

// A validated ";a=b;c" run of header parameters.
class HeaderParams {
 public:
  HeaderParams() = default;
  explicit HeaderParams(std::string_view raw) : raw_(raw) {}

  std::string_view raw() const { return raw_; }
  bool empty() const { return raw_.empty(); }
  // Case-insensitive lookup of the first parameter with that name.
  bool find(std::string_view name, Param* out) const;
  bool has(std::string_view name) const {
    Param p;
    return find(name, &p);
  }
  // Calls f(const Param&) for each parameter in order.
  template <typename F>
  void for_each(F&& f) const {
    Cursor c(raw_);
    Param p;
    while (c.consume_separator(';') && parse_generic_param(c, &p, nullptr)) f(p);
  }

 private:
  std::string_view raw_;
};

// The rest of take_escaped() from p, the first "%" of the run.
bool take_escaped_from(Cursor& c, const char* p, std::uint32_t classes, std::string_view* out,
                       SyntaxError* err);

// %-escaped run of characters of `classes` (at least `min` long). Fails on a
// "%" not followed by two hex digits. Inline: most runs hold no escape.
[[gnu::always_inline]] inline bool take_escaped(Cursor& c, std::uint32_t classes,
                                                std::string_view* out, SyntaxError* err) {
  const char* start = c.pos();
  const char* p = scan_class(start, c.end(), classes);
  if (p != c.end() && *p == '%') return take_escaped_from(c, p, classes, out, err);
  c.set_pos(p);
  *out = std::string_view(start, static_cast<std::size_t>(p - start));
  return true;
}

// uri-parameter after its ";": pname [ "=" pvalue ].
[[gnu::always_inline]] inline bool parse_uri_param(Cursor& c, Param* out, SyntaxError* err) {
  constexpr std::uint32_t kParamChar = kParamUnreserved | kUnreserved;
  if (!take_escaped(c, kParamChar, &out->name, err)) return false;
  if (out->name.empty()) return c.fail(err, "empty URI parameter");
  out->quoted = false;
  out->has_value = c.consume('=');
  out->value = {};
  if (!out->has_value) return true;
  if (!take_escaped(c, kParamChar, &out->value, err)) return false;
  if (out->value.empty()) return c.fail(err, "empty URI parameter value");
  return true;
}

class UriParams {
 public:
  UriParams() = default;
  explicit UriParams(std::string_view raw) : raw_(raw) {}

  std::string_view raw() const { return raw_; }
  bool empty() const { return raw_.empty(); }
  // Case-insensitive lookup; names are compared as written (escapes kept).
  bool find(std::string_view name, Param* out) const;
  bool has(std::string_view name) const {
    Param p;
    return find(name, &p);
  }
  template <typename F>
  void for_each(F&& f) const {
    Cursor c(raw_);
    Param p;
    while (c.consume(';') && parse_uri_param(c, &p, nullptr)) f(p);
  }

 private:
  std::string_view raw_;
};

}  // namespace trunkline::sip
