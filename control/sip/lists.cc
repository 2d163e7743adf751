#include "control/sip/lists.h"

#include "control/sip/name_addr.h"

namespace trunkline::sip {

bool MediaType::matches(std::string_view t, std::string_view s) const {
  return iequals(type, t) && iequals(subtype, s);
}

namespace {

bool parse_media_common(Cursor& c, MediaType* out, SyntaxError* err, bool range) {
  *out = MediaType{};
  if (range && c.at('*')) {
    out->type = c.rest().substr(0, 1);
    c.advance();
  } else if (!parse_token(c, &out->type, err, "expected media type")) {
    return false;
  }
  if (!c.consume_separator('/')) return c.fail(err, "expected '/' in media type");
  if (range && c.at('*')) {
    out->subtype = c.rest().substr(0, 1);
    c.advance();
  } else if (!parse_token(c, &out->subtype, err, "expected media subtype")) {
    return false;
  }
  if (out->type == "*" && out->subtype != "*") return c.fail(err, "'*/' needs '*' subtype");
  const char* params_start = c.pos();
  while (c.consume_separator(';')) {
    Param p;
    const char* at = c.pos();
    if (!parse_generic_param(c, &p, err)) return false;
    if (!range && !p.has_value) {
      c.set_pos(at);
      return c.fail(err, "media type parameter needs a value");
    }
    if (range && iequals(p.name, "q") && (!p.has_value || p.quoted || !is_qvalue(p.value))) {
      c.set_pos(at);
      return c.fail(err, "q is not a qvalue");
    }
  }
  out->params = HeaderParams(
      std::string_view(params_start, static_cast<std::size_t>(c.pos() - params_start)));
  return true;
}

}  // namespace

bool parse_media_type(Cursor& c, MediaType* out, SyntaxError* err) {
  return parse_media_common(c, out, err, false);
}

bool parse_media_range(Cursor& c, MediaType* out, SyntaxError* err) {
  return parse_media_common(c, out, err, true);
}

bool parse_coding(Cursor& c, std::string_view* out, SyntaxError* err) {
  if (c.at('*')) {
    *out = c.rest().substr(0, 1);
    c.advance();
  } else if (!parse_token(c, out, err, "expected content coding")) {
    return false;
  }
  Param p;
  while (c.consume_separator(';'))
    if (!parse_generic_param(c, &p, err)) return false;
  return true;
}

}  // namespace trunkline::sip
