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

// The usual name-addr in one forward pass from p (no white space first):
// ["quoted name" LWS] "<" URI ">" *(";" token ["=" token]), no white space
// around the separators. on_param(name, value, has_value) returns false to
// give up. Returns where the parameters end, or nullptr to give up: on any
// fault in front of the URI that is before parse_uri() runs, so the general
// path redoes the element with the same field resets and error wording.
template <typename F>
const char* fast_name_addr(const char* p, const char* end, NameAddr* a, F&& on_param) {
  if (p == end) return nullptr;
  const char* start = p;
  std::string_view display;
  bool quoted = *p == '"';
  if (quoted) {
    Cursor c(p, end);
    if (!parse_quoted_string(c, &display, nullptr)) return nullptr;
    p = c.pos();
    while (p != end && is(*p, kLws)) ++p;
  }
  if (p == end || *p != '<') return nullptr;
  const char* begin = p + 1;
  const char* close =
      static_cast<const char*>(std::memchr(begin, '>', static_cast<std::size_t>(end - begin)));
  if (close == nullptr || close == begin || is(*begin, kLws) || is(close[-1], kLws)) return nullptr;
  if (!parse_uri(std::string_view(begin, static_cast<std::size_t>(close - begin)), &a->uri,
                 nullptr))
    return nullptr;
  p = close + 1;
  const char* params_start = p;
  while (p != end && *p == ';') {
    const char* name = p + 1;
    p = scan_token(name, end);
    if (p == name) return nullptr;
    std::string_view n(name, static_cast<std::size_t>(p - name));
    std::string_view v;
    bool has_value = p != end && *p == '=';
    if (has_value) {
      const char* v_begin = p + 1;
      p = scan_token(v_begin, end);
      if (p == v_begin || (p != end && *p == ':')) return nullptr;
      v = std::string_view(v_begin, static_cast<std::size_t>(p - v_begin));
    }
    if (!on_param(n, v, has_value)) return nullptr;
  }
  a->text = std::string_view(start, static_cast<std::size_t>(p - start));
  a->display_name = display;
  a->display_name_quoted = quoted;
  a->bracketed = true;
  a->params =
      HeaderParams(std::string_view(params_start, static_cast<std::size_t>(p - params_start)));
  return p;
}

// A whole From/To value of the usual shape; false leaves it to the general path.
bool fast_from_to(std::string_view value, FromTo* out) {
  const char* end = value.data() + value.size();
  std::string_view tag;
  bool has_tag = false;
  const char* stop = fast_name_addr(value.data(), end, &out->addr,
                                    [&](std::string_view n, std::string_view v, bool has_value) {
                                      if (!iequals_lower<"tag">(n)) return true;
                                      if (!has_value || has_tag) return false;
                                      tag = v;
                                      has_tag = true;
                                      return true;
                                    });
  if (stop != end) return false;
  out->tag = tag;
  out->has_tag = has_tag;
  return true;
}

// A list element ends at its end or at the ',' before the next one; white
// space there (or anywhere unusual) is left to the general path.
bool element_ends(const char* p, const char* end) { return p == end || *p == ','; }

// A Contact element of the usual shape; false leaves it to the general path.
bool fast_contact(Cursor& c, Contact* out) {
  std::string_view q;
  bool has_q = false;
  std::uint64_t expires = 0;
  bool has_expires = false;
  const char* stop = fast_name_addr(c.pos(), c.end(), &out->addr,
                                    [&](std::string_view n, std::string_view v, bool has_value) {
                                      if (iequals_lower<"q">(n)) {
                                        if (!has_value || !is_qvalue(v)) return false;
                                        q = v;
                                        has_q = true;
                                      } else if (iequals_lower<"expires">(n)) {
                                        if (!has_value || !parse_decimal(v, 0xFFFFFFFFu, &expires))
                                          return false;
                                        has_expires = true;
                                      }
                                      return true;
                                    });
  if (stop == nullptr || !element_ends(stop, c.end())) return false;
  out->q = q;
  out->has_q = has_q;
  out->expires = static_cast<std::uint32_t>(expires);
  out->has_expires = has_expires;
  c.set_pos(stop);
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
    if (iequals_lower<"tag">(p.name)) {
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
  if (c.at('<') || c.at('"')) {
    if (fast_contact(c, out)) return true;
  }
  out->q = {};
  out->has_q = false;
  out->expires = 0;
  out->has_expires = false;
  if (!parse_address(c, &out->addr, AddrForm::kNameAddrOrAddrSpec, err)) return false;
  return parse_address_params(c, &out->addr, err, [&](const Param& p, const char* at) {
    if (iequals_lower<"q">(p.name)) {
      if (!p.has_value || p.quoted || !is_qvalue(p.value)) {
        c.set_pos(at);
        return c.fail(err, "q is not a qvalue");
      }
      out->q = p.value;
      out->has_q = true;
    } else if (iequals_lower<"expires">(p.name)) {
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
  if (c.at('<')) {
    const char* stop = fast_name_addr(
        c.pos(), c.end(), out, [](std::string_view, std::string_view, bool) { return true; });
    if (stop != nullptr && element_ends(stop, c.end())) {
      c.set_pos(stop);
      return true;
    }
  }
  if (!parse_address(c, out, AddrForm::kNameAddrOnly, err)) return false;
  return parse_address_params(c, out, err, [](const Param&, const char*) { return true; });
}

}  // namespace trunkline::sip
