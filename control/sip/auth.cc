#include "control/sip/auth.h"

namespace trunkline::sip {

bool AuthField::find(std::string_view name, Param* out) const {
  for (std::size_t i = 0; i < param_count; ++i) {
    if (iequals(params[i].name, name)) {
      *out = params[i];
      return true;
    }
  }
  return false;
}

namespace {

enum class Form : std::uint8_t { kAny, kQuoted, kToken, kDigestResponse, kHex8, kTrueFalse };

struct DigestRule {
  std::string_view name;
  Form form;
};

// RFC 3261 section 25.1, digest-response and digest-cln.
constexpr DigestRule kCredentialRules[] = {
    {"username", Form::kQuoted},
    {"realm", Form::kQuoted},
    {"nonce", Form::kQuoted},
    {"uri", Form::kQuoted},
    {"response", Form::kDigestResponse},
    {"algorithm", Form::kToken},
    {"cnonce", Form::kQuoted},
    {"opaque", Form::kQuoted},
    {"qop", Form::kToken},
    {"nc", Form::kHex8},
};
constexpr DigestRule kChallengeRules[] = {
    {"realm", Form::kQuoted},  {"domain", Form::kQuoted},   {"nonce", Form::kQuoted},
    {"opaque", Form::kQuoted}, {"stale", Form::kTrueFalse}, {"algorithm", Form::kToken},
    {"qop", Form::kQuoted},
};

bool all_hex(std::string_view v, std::size_t n) {
  if (v.size() != n) return false;
  for (char ch : v)
    if (hex_value(ch) < 0) return false;
  return true;
}

bool check_form(const Param& p, Form form) {
  switch (form) {
    case Form::kAny:
      return true;
    case Form::kQuoted:
      return p.quoted;
    case Form::kToken:
      return !p.quoted;
    case Form::kDigestResponse:  // MD5 (RFC 3261): 32 hex digits; SHA-256 (RFC 8760): 64
      return p.quoted && (all_hex(p.value, 32) || all_hex(p.value, 64));
    case Form::kHex8:
      return !p.quoted && all_hex(p.value, 8);
    case Form::kTrueFalse:
      return !p.quoted && (iequals(p.value, "true") || iequals(p.value, "false"));
  }
  return false;
}

template <std::size_t N>
bool parse_auth(std::string_view value, AuthField* out, SyntaxError* err,
                const DigestRule (&rules)[N]) {
  out->param_count = 0;
  Cursor c(value);
  if (!parse_token(c, &out->scheme, err, "expected authentication scheme")) return false;
  if (c.skip_lws() == 0) return c.fail(err, "expected white space after authentication scheme");
  bool digest = out->is_digest();
  while (true) {
    Param p;
    const char* at = c.pos();
    if (!parse_token(c, &p.name, err, "expected authentication parameter")) return false;
    if (!c.consume_separator('='))
      return c.fail(err, "expected '=' after authentication parameter");
    p.has_value = true;
    if (c.at('"')) {
      p.quoted = true;
      if (!parse_quoted_string(c, &p.value, err)) return false;
    } else if (!parse_token(c, &p.value, err, "expected token or quoted string")) {
      return false;
    }
    if (digest) {
      for (const DigestRule& rule : rules) {
        if (iequals(rule.name, p.name) && !check_form(p, rule.form)) {
          c.set_pos(at);
          return c.fail(err, "Digest parameter has the wrong form");
        }
      }
    }
    for (std::size_t i = 0; i < out->param_count; ++i) {
      if (iequals(out->params[i].name, p.name)) {
        c.set_pos(at);
        return c.fail(err, "repeated authentication parameter");
      }
    }
    if (out->param_count == kMaxAuthParams) {
      c.set_pos(at);
      return c.fail(err, "too many authentication parameters");
    }
    out->params.set(out->param_count++, p);
    c.skip_lws();
    if (c.done()) return true;
    if (!c.consume(',')) return c.fail(err, "expected ',' between authentication parameters");
    c.skip_lws();
  }
}

}  // namespace

bool parse_credentials(std::string_view value, AuthField* out, SyntaxError* err) {
  return parse_auth(value, out, err, kCredentialRules);
}

bool parse_challenge(std::string_view value, AuthField* out, SyntaxError* err) {
  return parse_auth(value, out, err, kChallengeRules);
}

}  // namespace trunkline::sip
