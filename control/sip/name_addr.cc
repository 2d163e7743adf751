#include "control/sip/name_addr.h"

#include <cstring>

namespace trunkline::sip {
namespace {

bool parse_bracketed_uri(Cursor& c, NameAddr* out, SyntaxError* err) {
  // LAQUOT already consumed.
  if (!c.done() && is(c.peek(), kLws)) return c.fail(err, "white space after '<'");
  const char* begin = c.pos();
  const char* close =
      static_cast<const char*>(std::memchr(begin, '>', static_cast<std::size_t>(c.end() - begin)));
  if (close == nullptr) {
    c.set_pos(begin - 1);
    return c.fail(err, "'<' without matching '>'");
  }
  c.set_pos(close);
  std::string_view inside(begin, static_cast<std::size_t>(c.pos() - begin));
  if (!inside.empty() && is(inside.back(), kLws)) {
    c.set_pos(c.pos() - 1);
    return c.fail(err, "white space before '>'");
  }
  if (!parse_uri(inside, &out->uri, err)) return false;
  c.advance();  // '>'
  out->bracketed = true;
  return true;
}

bool parse_address_inner(Cursor& c, NameAddr* out, AddrForm form, SyntaxError* err) {
  const char* start = c.pos();
  if (c.at('"')) {
    if (!parse_quoted_string(c, &out->display_name, err)) return false;
    out->display_name_quoted = true;
    c.skip_lws();
    if (!c.consume('<')) return c.fail(err, "expected '<' after display name");
    return parse_bracketed_uri(c, out, err);
  }
  if (c.consume('<')) return parse_bracketed_uri(c, out, err);

  // display-name = *(token LWS), then "<"; anything else is an addr-spec.
  const char* name_end = start;
  while (true) {
    std::string_view tok = c.take_token();
    if (tok.empty()) break;
    name_end = c.pos();
    c.skip_lws();
  }
  if (name_end != start && c.consume('<')) {
    out->display_name = std::string_view(start, static_cast<std::size_t>(name_end - start));
    return parse_bracketed_uri(c, out, err);
  }
  const char* stopped_at = c.pos();
  c.set_pos(start);
  if (form == AddrForm::kNameAddrOnly) return c.fail(err, "expected '<' URI '>'");

  const char* uri_begin = c.pos();
  while (!c.done() && !is(c.peek(), kLws) && c.peek() != ';' && c.peek() != ',') c.advance();
  std::string_view spec(uri_begin, static_cast<std::size_t>(c.pos() - uri_begin));
  if (spec.empty()) return c.fail(err, "expected address");
  std::size_t question = spec.find('?');
  if (question != std::string_view::npos) {
    c.set_pos(spec.data() + question);
    return c.fail(err, "URI with headers must be enclosed in '<' '>'");
  }
  if (!parse_uri(spec, &out->uri, err)) {
    // "Bell, Alexander <sip:...>": the real fault is the display name.
    for (const char* p = stopped_at; p < c.end(); ++p) {
      if (*p == '<') {
        c.set_pos(stopped_at);
        return c.fail(err, "unquoted display name with non-token characters");
      }
    }
    return false;
  }
  return true;
}

}  // namespace

bool parse_address(Cursor& c, NameAddr* out, AddrForm form, SyntaxError* err) {
  // parse_uri() resets the URI; the rest field by field (`*out =
  // NameAddr{}` compiles to a slow `rep stos` over the URI as well).
  out->text = {};
  out->display_name = {};
  out->display_name_quoted = false;
  out->bracketed = false;
  out->uri.text = {};
  out->params = HeaderParams{};
  c.skip_lws();
  const char* start = c.pos();
  if (!parse_address_inner(c, out, form, err)) return false;
  out->text = std::string_view(start, static_cast<std::size_t>(c.pos() - start));
  return true;
}

bool is_qvalue(std::string_view text) {
  if (text.empty() || (text[0] != '0' && text[0] != '1')) return false;
  if (text.size() == 1) return true;
  if (text[1] != '.' || text.size() > 5) return false;
  for (std::size_t i = 2; i < text.size(); ++i) {
    if (!is(text[i], kDigit)) return false;
    if (text[0] == '1' && text[i] != '0') return false;
  }
  return true;
}

namespace {

// *( SEMI generic-param ) after an address, calling on_param for each.
template <typename F>
bool parse_address_params(Cursor& c, NameAddr* out, SyntaxError* err, F&& on_param) {
  const char* params_start = c.pos();
  while (c.consume_separator(';')) {
    Param p;
    const char* at = c.pos();
    if (!parse_generic_param(c, &p, err)) return false;
    if (!on_param(p, at)) return false;
  }
  out->params = HeaderParams(
      std::string_view(params_start, static_cast<std::size_t>(c.pos() - params_start)));
  out->text =
      std::string_view(out->text.data(), static_cast<std::size_t>(c.pos() - out->text.data()));
  return true;
}

// The usual From/To value in one forward pass: ["quoted name" LWS] "<" URI
// ">" *(";" token ["=" token]), no white space around the separators. False
// on anything else, before the URI for any fault in front of it, so that
// the general path redoes the value with the same field resets and errors.
bool fast_from_to(std::string_view value, FromTo* out) {
  const char* p = value.data();
  const char* end = p + value.size();
  if (p == end) return false;
  NameAddr& a = out->addr;
  std::string_view display;
  bool quoted = *p == '"';
  if (quoted) {
    Cursor c(value);
    if (!parse_quoted_string(c, &display, nullptr)) return false;
    p = c.pos();
    while (p != end && is(*p, kLws)) ++p;
  }
  if (p == end || *p != '<') return false;
  const char* begin = p + 1;
  const char* close =
      static_cast<const char*>(std::memchr(begin, '>', static_cast<std::size_t>(end - begin)));
  if (close == nullptr || close == begin || is(*begin, kLws) || is(close[-1], kLws)) return false;
  if (!parse_uri(std::string_view(begin, static_cast<std::size_t>(close - begin)), &a.uri, nullptr))
    return false;
  p = close + 1;
  const char* params_start = p;
  std::string_view tag;
  bool has_tag = false;
  while (p != end && *p == ';') {
    const char* name = p + 1;
    p = scan_token(name, end);
    if (p == name) return false;
    std::string_view n(name, static_cast<std::size_t>(p - name));
    std::string_view v;
    bool has_value = p != end && *p == '=';
    if (has_value) {
      const char* v_begin = p + 1;
      p = scan_token(v_begin, end);
      if (p == v_begin || (p != end && *p == ':')) return false;
      v = std::string_view(v_begin, static_cast<std::size_t>(p - v_begin));
    }
    if (iequals_lower(n, "tag")) {
      if (!has_value || has_tag) return false;
      tag = v;
      has_tag = true;
    }
  }
  if (p != end) return false;
  a.text = value;
  a.display_name = display;
  a.display_name_quoted = quoted;
  a.bracketed = true;
  a.params =
      HeaderParams(std::string_view(params_start, static_cast<std::size_t>(end - params_start)));
  out->tag = tag;
  out->has_tag = has_tag;
  return true;
}

}  // namespace

bool parse_from_to(std::string_view value, FromTo* out, SyntaxError* err) {
  if (fast_from_to(value, out)) return true;
  Cursor c(value);
  out->tag = {};
  out->has_tag = false;
  if (!parse_address(c, &out->addr, AddrForm::kNameAddrOrAddrSpec, err)) return false;
  bool ok = parse_address_params(c, &out->addr, err, [&](const Param& p, const char* at) {
    if (iequals_lower(p.name, "tag")) {
      if (!p.has_value || p.quoted) {
        c.set_pos(at);
        return c.fail(err, "tag parameter needs a token value");
      }
      if (out->has_tag) {
        c.set_pos(at);
        return c.fail(err, "more than one tag parameter");
      }
      out->tag = p.value;
      out->has_tag = true;
    }
    return true;
  });
  if (!ok) return false;
  c.skip_lws();
  if (!c.done()) {
    return c.fail(err, c.at(',') ? "more than one address in a single-address header"
                                 : "unexpected character after address");
  }
  return true;
}

bool parse_contact(Cursor& c, Contact* out, SyntaxError* err) {
  out->q = {};
  out->has_q = false;
  out->expires = 0;
  out->has_expires = false;
  if (!parse_address(c, &out->addr, AddrForm::kNameAddrOrAddrSpec, err)) return false;
  return parse_address_params(c, &out->addr, err, [&](const Param& p, const char* at) {
    if (iequals_lower(p.name, "q")) {
      if (!p.has_value || p.quoted || !is_qvalue(p.value)) {
        c.set_pos(at);
        return c.fail(err, "q is not a qvalue");
      }
      out->q = p.value;
      out->has_q = true;
    } else if (iequals_lower(p.name, "expires")) {
      std::uint64_t v = 0;
      if (!p.has_value || p.quoted || !parse_decimal(p.value, 0xFFFFFFFFu, &v)) {
        c.set_pos(at);
        return c.fail(err, "expires is not delta-seconds (0 to 2^32-1)");
      }
      out->expires = static_cast<std::uint32_t>(v);
      out->has_expires = true;
    }
    return true;
  });
}

bool parse_route(Cursor& c, NameAddr* out, SyntaxError* err) {
  if (!parse_address(c, out, AddrForm::kNameAddrOnly, err)) return false;
  return parse_address_params(c, out, err, [](const Param&, const char*) { return true; });
}

}  // namespace trunkline::sip
