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

// generic-param = token [ EQUAL gen-value ], cursor just past the SEMI.
bool parse_generic_param(Cursor& c, Param* out, SyntaxError* err);

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

// %-escaped run of characters of `classes` (at least `min` long). Fails on a
// "%" not followed by two hex digits.
bool take_escaped(Cursor& c, std::uint32_t classes, std::string_view* out, SyntaxError* err);

// uri-parameter after its ";": pname [ "=" pvalue ].
bool parse_uri_param(Cursor& c, Param* out, SyntaxError* err);

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
