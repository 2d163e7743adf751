#include "control/sip/uri.h"

#include <cstring>

namespace trunkline::sip {
namespace {

// Checks the extent of one %-escaped component: all of `text` in `classes`.
bool check_escaped(std::string_view text, std::uint32_t classes, SyntaxError* err,
                   const char* detail) {
  Cursor c(text);
  std::string_view got;
  if (!take_escaped(c, classes, &got, err)) return false;
  if (!c.done()) return c.fail(err, detail);
  return true;
}

// The parameters the stack reads, told apart by length first.
void note_known_param(std::string_view name, std::string_view value, Uri* out) {
  switch (name.size()) {
    case 2:
      if (iequals_lower<"lr">(name)) out->lr = true;
      break;
    case 4:
      if (iequals_lower<"user">(name)) out->user_param = value;
      break;
    case 5:
      if (iequals_lower<"maddr">(name)) out->maddr_param = value;
      break;
    case 6:
      if (iequals_lower<"method">(name)) out->method_param = value;
      break;
    case 9:
      if (iequals_lower<"transport">(name)) out->transport_param = value;
      break;
    default:
      break;
  }
}

bool parse_sip_uri(Cursor& c, Uri* out, SyntaxError* err) {
  // userinfo: everything before the first "@" (neither host, port,
  // parameters nor headers may hold an unescaped "@"). The common case, a
  // plain user part, is found in one pass over user characters; anything
  // else (password, escapes, a character the user part may not hold) takes
  // the general path below, which finds the "@" wherever it is.
  const char* begin = c.pos();
  const char* q = scan_class(begin, c.end(), kUnreserved | kUserUnreserved);
  if (q < c.end() && *q == '@' && q != begin) {
    out->has_user = true;
    out->user = std::string_view(begin, static_cast<std::size_t>(q - begin));
    c.set_pos(q + 1);
  } else if (q == c.end()) {
    // No "@" at all: the URI has no userinfo.
  } else if (std::string_view rest = c.rest(); rest.find('@') != std::string_view::npos) {
    std::size_t at = rest.find('@');
    std::string_view userinfo = rest.substr(0, at);
    std::size_t colon = userinfo.find(':');
    out->has_user = true;
    out->user = userinfo.substr(0, colon);
    if (out->user.empty()) return c.fail(err, "empty user part in URI");
    if (!check_escaped(out->user, kUnreserved | kUserUnreserved, err,
                       "invalid character in URI user part"))
      return false;
    if (colon != std::string_view::npos) {
      out->has_password = true;
      out->password = userinfo.substr(colon + 1);
      if (!check_escaped(out->password, kUnreserved | kPasswordExtra, err,
                         "invalid character in URI password"))
        return false;
    }
    c.advance(at + 1);
  }
  if (!parse_host(c, &out->host, err)) return false;
  if (c.consume(':')) {
    if (!parse_port(c, &out->port, err)) return false;
    out->has_port = true;
  }
  const char* params_start = c.pos();
  while (c.consume(';')) {
    Param p;
    if (!parse_uri_param(c, &p, err)) return false;
    note_known_param(p.name, p.value, out);
  }
  out->params =
      UriParams(std::string_view(params_start, static_cast<std::size_t>(c.pos() - params_start)));
  if (c.consume('?')) {
    const char* headers_start = c.pos();
    do {
      std::string_view name;
      std::string_view value;
      if (!take_escaped(c, kHnvUnreserved | kUnreserved, &name, err)) return false;
      if (name.empty()) return c.fail(err, "empty URI header name");
      if (!c.consume('=')) return c.fail(err, "expected '=' in URI header");
      if (!take_escaped(c, kHnvUnreserved | kUnreserved, &value, err)) return false;
    } while (c.consume('&'));
    out->has_headers = true;
    out->headers =
        std::string_view(headers_start, static_cast<std::size_t>(c.pos() - headers_start));
  }
  if (!c.done()) return c.fail(err, "unexpected character in SIP URI");
  return true;
}

// RFC 3966: global-number ("+" digits) or local-number (with a
// phone-context parameter), visual separators allowed.
bool parse_tel_uri(Cursor& c, Uri* out, SyntaxError* err) {
  const char* start = c.pos();
  bool global = c.consume('+');
  bool any_digit = false;
  while (!c.done() && c.peek() != ';') {
    char ch = c.peek();
    if (global ? is(ch, kDigit) : is(ch, kPhoneLocal)) {
      any_digit = true;
    } else if (!is(ch, kPhoneVisual)) {
      return c.fail(err, "invalid character in telephone number");
    }
    c.advance();
  }
  if (!any_digit) return c.fail(err, "telephone number has no digits");
  out->number = std::string_view(start, static_cast<std::size_t>(c.pos() - start));
  const char* params_start = c.pos();
  bool phone_context = false;
  while (c.consume(';')) {
    std::string_view name = c.take_while(kAlpha | kDigit | kToken);
    if (name.empty()) return c.fail(err, "empty tel URI parameter");
    for (char ch : name)
      if (!is(ch, kAlpha | kDigit) && ch != '-') return c.fail(err, "invalid tel parameter name");
    if (iequals_lower<"phone-context">(name)) phone_context = true;
    if (c.consume('=')) {
      std::string_view value;
      if (!take_escaped(c, kParamUnreserved | kUnreserved, &value, err)) return false;
      if (value.empty()) return c.fail(err, "empty tel URI parameter value");
    }
  }
  if (!c.done()) return c.fail(err, "unexpected character in tel URI");
  if (!global && !phone_context) return c.fail(err, "local telephone number without phone-context");
  out->params =
      UriParams(std::string_view(params_start, static_cast<std::size_t>(c.pos() - params_start)));
  return true;
}

// The usual SIP URI after "sip:": [user "@"] host [":" port] *(";" pname
// ["=" pvalue]), no password, escapes or headers. One forward pass with
// local pointers; fields go straight into *out. False on anything else:
// the caller resets *out and the general parser decides, and words any error.
bool fast_sip_uri(std::string_view text, const char* p, Uri* out) {
  const char* end = text.data() + text.size();
  const char* q = scan_class(p, end, kUnreserved | kUserUnreserved);
  if (q != end) {  // else no "@" at all: no userinfo
    if (*q != '@' || q == p) return false;
    out->has_user = true;
    out->user = std::string_view(p, static_cast<std::size_t>(q - p));
    p = q + 1;
  }
  Cursor c(text);
  c.set_pos(p);
  if (!parse_host(c, &out->host, nullptr)) return false;
  p = c.pos();
  if (p != end && *p == ':') {
    // At most five digits here; more (leading zeros) go the general way.
    const char* digits = ++p;
    std::uint32_t v = 0;
    while (p != end && static_cast<unsigned char>(*p - '0') <= 9 && p - digits < 5)
      v = v * 10 + static_cast<std::uint32_t>(*p++ - '0');
    if (p == digits || v > 65535 || (p != end && is(*p, kDigit))) return false;
    out->port = static_cast<std::uint16_t>(v);
    out->has_port = true;
  }
  const char* params_start = p;
  constexpr std::uint32_t kParamChar = kParamUnreserved | kUnreserved;
  while (p != end && *p == ';') {
    const char* name = p + 1;
    p = scan_class(name, end, kParamChar);
    if (p == name) return false;
    std::string_view n(name, static_cast<std::size_t>(p - name));
    std::string_view value;
    if (p != end && *p == '=') {
      const char* v = p + 1;
      p = scan_class(v, end, kParamChar);
      if (p == v) return false;
      value = std::string_view(v, static_cast<std::size_t>(p - v));
    }
    if (p != end && *p == '%') return false;
    note_known_param(n, value, out);
  }
  if (p != end) return false;  // headers, or a fault
  out->params =
      UriParams(std::string_view(params_start, static_cast<std::size_t>(p - params_start)));
  return true;
}

// Every field back to its default, one store each: `*out = Uri{}` compiles
// to `rep stos`, whose start-up cost shows in every URI parsed.
void reset(Uri* out, std::string_view text) {
  out->text = text;
  out->scheme = {};
  out->kind = UriScheme::kOther;
  out->user = {};
  out->password = {};
  out->has_user = false;
  out->has_password = false;
  out->host = Host{};
  out->port = 0;
  out->has_port = false;
  out->params = UriParams{};
  out->headers = {};
  out->has_headers = false;
  out->transport_param = {};
  out->user_param = {};
  out->method_param = {};
  out->maddr_param = {};
  out->lr = false;
  out->number = {};
  out->opaque = {};
}

}  // namespace

bool parse_uri(std::string_view text, Uri* out, SyntaxError* err) {
  reset(out, text);
  Cursor c(text);
  // "sip:" in any case, the usual scheme, in one 4-octet compare.
  if (text.size() >= 4) {
    std::uint32_t head;
    std::memcpy(&head, text.data(), 4);
    std::uint32_t want;
    std::memcpy(&want, "sip:", 4);
    std::uint32_t lower_letters;
    std::memcpy(&lower_letters, "\x20\x20\x20\x00", 4);
    if ((head | lower_letters) == want) {
      out->scheme = text.substr(0, 3);
      out->kind = UriScheme::kSip;
      if (fast_sip_uri(text, text.data() + 4, out)) return true;
      reset(out, text);
      out->scheme = text.substr(0, 3);
      out->kind = UriScheme::kSip;
      c.advance(4);
      return parse_sip_uri(c, out, err);
    }
  }
  if (!is(c.peek(), kAlpha)) return c.fail(err, "URI scheme must start with a letter");
  out->scheme = c.take_while(kSchemeChar);
  if (!c.consume(':')) return c.fail(err, "expected ':' after URI scheme");
  if (iequals_lower<"sip">(out->scheme)) {
    out->kind = UriScheme::kSip;
    return parse_sip_uri(c, out, err);
  }
  if (iequals_lower<"sips">(out->scheme)) {
    out->kind = UriScheme::kSips;
    return parse_sip_uri(c, out, err);
  }
  if (iequals_lower<"tel">(out->scheme)) {
    out->kind = UriScheme::kTel;
    return parse_tel_uri(c, out, err);
  }
  // absoluteURI: hier-part / opaque-part, both runs of uric (RFC 2396);
  // "[" and "]" are admitted for IPv6 literals (RFC 2732).
  out->kind = UriScheme::kOther;
  out->opaque = c.rest();
  if (out->opaque.empty()) return c.fail(err, "empty URI after scheme");
  std::string_view got;
  if (!take_escaped(c, kReserved | kUnreserved | kParamUnreserved, &got, err)) return false;
  if (!c.done()) return c.fail(err, "invalid character in URI");
  return true;
}

}  // namespace trunkline::sip
