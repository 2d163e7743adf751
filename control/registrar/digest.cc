#include "control/registrar/digest.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <array>
#include <cstdlib>

#include "control/sip/lex.h"

namespace trunkline::registrar {
namespace {

using sip::Cursor;
using sip::iequals;

// Fetched once; EVP_MD objects are immutable and safe to share between
// threads once fetched.
const EVP_MD* md_of(DigestAlgorithm alg) {
  static EVP_MD* md5 = EVP_MD_fetch(nullptr, "MD5", nullptr);
  static EVP_MD* sha256 = EVP_MD_fetch(nullptr, "SHA2-256", nullptr);
  const EVP_MD* md = alg == DigestAlgorithm::kMd5 ? md5 : sha256;
  // Without these the registrar cannot answer anyone; not a state to limp on.
  if (md == nullptr) std::abort();
  return md;
}

bool is_hex(std::string_view v) {
  if (v.empty()) return false;
  for (char ch : v)
    if (sip::hex_value(ch) < 0) return false;
  return true;
}

char lower(char ch) { return ch >= 'A' && ch <= 'Z' ? static_cast<char>(ch - 'A' + 'a') : ch; }

// The parameters the parser knows, in the order of their `seen` bits.
enum Known : std::uint32_t {
  kUsername = 1u << 0,
  kRealm = 1u << 1,
  kNonce = 1u << 2,
  kUri = 1u << 3,
  kResponse = 1u << 4,
  kCnonce = 1u << 5,
  kNc = 1u << 6,
};

DigestParseResult fail(DigestError e, const char* detail, std::string_view value, const char* at) {
  DigestParseResult r;
  r.error = e;
  r.detail = detail;
  r.offset = static_cast<std::size_t>(at - value.data());
  return r;
}

}  // namespace

std::string_view algorithm_name(DigestAlgorithm alg) {
  return alg == DigestAlgorithm::kMd5 ? "MD5" : "SHA-256";
}

std::size_t digest_hex_size(DigestAlgorithm alg) { return alg == DigestAlgorithm::kMd5 ? 32 : 64; }

std::string_view digest_error_name(DigestError e) {
  switch (e) {
    case DigestError::kNone:
      return "none";
    case DigestError::kSyntax:
      return "syntax";
    case DigestError::kNotDigest:
      return "not_digest";
    case DigestError::kDuplicateParam:
      return "duplicate_param";
    case DigestError::kTooManyParams:
      return "too_many_params";
    case DigestError::kMissingParam:
      return "missing_param";
    case DigestError::kUnsupportedAlgorithm:
      return "unsupported_algorithm";
    case DigestError::kUnsupportedQop:
      return "unsupported_qop";
    case DigestError::kUnsupportedUserhash:
      return "unsupported_userhash";
  }
  return "unknown";
}

DigestParseResult parse_digest_credentials(std::string_view value, DigestCredentials* out) {
  *out = DigestCredentials{};
  Cursor c(value);
  c.skip_lws();
  const char* scheme_at = c.pos();
  std::string_view scheme = c.take_token();
  if (scheme.empty())
    return fail(DigestError::kSyntax, "expected authentication scheme", value, scheme_at);
  if (!iequals(scheme, "Digest"))
    return fail(DigestError::kNotDigest, "scheme is not Digest", value, scheme_at);
  if (c.skip_lws() == 0)
    return fail(DigestError::kSyntax, "expected white space after Digest", value, c.pos());

  std::array<std::string_view, kMaxDigestParams> names;
  std::size_t count = 0;
  std::uint32_t seen = 0;
  const char* response_at = nullptr;
  while (true) {
    const char* at = c.pos();
    std::string_view name = c.take_token();
    if (name.empty()) return fail(DigestError::kSyntax, "expected parameter name", value, at);
    if (!c.consume_separator('='))
      return fail(DigestError::kSyntax, "expected '=' after parameter name", value, c.pos());
    std::string_view v;
    bool quoted = c.at('"');
    if (quoted) {
      sip::SyntaxError se;
      if (!sip::parse_quoted_string(c, &v, &se))
        return fail(DigestError::kSyntax, "unterminated quoted string", value, at);
    } else {
      v = c.take_token();
      if (v.empty())
        return fail(DigestError::kSyntax, "expected token or quoted string", value, c.pos());
    }
    for (std::size_t i = 0; i < count; ++i)
      if (iequals(names[i], name))
        return fail(DigestError::kDuplicateParam, "parameter appears twice", value, at);
    if (count == kMaxDigestParams)
      return fail(DigestError::kTooManyParams, "too many parameters", value, at);
    names[count++] = name;

    // Quoted-string parameters (RFC 3261 section 25.1, digest-response).
    struct QuotedField {
      std::string_view name;
      std::uint32_t bit;
      std::string_view* field;
    };
    const QuotedField quoted_fields[] = {
        {"username", kUsername, &out->username},
        {"realm", kRealm, &out->realm},
        {"nonce", kNonce, &out->nonce},
        {"uri", kUri, &out->uri},
        {"response", kResponse, &out->response},
        {"cnonce", kCnonce, &out->cnonce},
        {"opaque", 0, &out->opaque},
    };
    bool handled = false;
    for (const QuotedField& f : quoted_fields) {
      if (!iequals(name, f.name)) continue;
      if (!quoted) return fail(DigestError::kSyntax, "value must be a quoted string", value, at);
      *f.field = v;
      seen |= f.bit;
      handled = true;
    }
    if (handled) {
      if (iequals(name, "opaque")) out->has_opaque = true;
      if (iequals(name, "response")) {
        if (!is_hex(v)) return fail(DigestError::kSyntax, "response is not hex", value, at);
        response_at = at;
      }
    } else if (iequals(name, "algorithm")) {
      out->has_algorithm = true;
      if (iequals(v, "MD5")) {
        out->algorithm = DigestAlgorithm::kMd5;
      } else if (iequals(v, "SHA-256")) {
        out->algorithm = DigestAlgorithm::kSha256;
      } else {
        return fail(DigestError::kUnsupportedAlgorithm, "algorithm is not MD5 or SHA-256", value,
                    at);
      }
    } else if (iequals(name, "qop")) {
      if (!iequals(v, "auth"))
        return fail(DigestError::kUnsupportedQop, "qop is not auth", value, at);
      out->has_qop = true;
    } else if (iequals(name, "nc")) {
      if (quoted || v.size() != 8 || !is_hex(v))
        return fail(DigestError::kSyntax, "nc is not 8 hex digits", value, at);
      std::uint32_t n = 0;
      for (char ch : v) n = n * 16 + static_cast<std::uint32_t>(sip::hex_value(ch));
      out->nc = n;
      out->nc_text = v;
      seen |= kNc;
    } else if (iequals(name, "username*")) {
      return fail(DigestError::kUnsupportedUserhash, "username* is not supported", value, at);
    } else if (iequals(name, "userhash")) {
      if (iequals(v, "true"))
        return fail(DigestError::kUnsupportedUserhash, "userhash is not supported", value, at);
    }
    // Anything else is an extension parameter: ignored.

    c.skip_lws();
    if (c.done()) break;
    if (!c.consume(','))
      return fail(DigestError::kSyntax, "expected ',' between parameters", value, c.pos());
    c.skip_lws();
  }

  const char* end = value.data() + value.size();
  struct Required {
    std::uint32_t bit;
    const char* detail;
  };
  static constexpr Required kRequired[] = {
      {kUsername, "username missing"}, {kRealm, "realm missing"},       {kNonce, "nonce missing"},
      {kUri, "uri missing"},           {kResponse, "response missing"},
  };
  for (const Required& r : kRequired)
    if ((seen & r.bit) == 0) return fail(DigestError::kMissingParam, r.detail, value, end);
  if (out->has_qop && (seen & (kCnonce | kNc)) != (kCnonce | kNc))
    return fail(DigestError::kMissingParam, "qop=auth without cnonce and nc", value, end);
  if (!out->has_qop && (seen & (kCnonce | kNc)) != 0)
    return fail(DigestError::kSyntax, "cnonce or nc without qop", value, end);
  if (out->response.size() != digest_hex_size(out->algorithm))
    return fail(DigestError::kSyntax, "response has the wrong length for the algorithm", value,
                response_at);
  return DigestParseResult{};
}

std::string unquoted(std::string_view inner) {
  if (inner.find('\\') == std::string_view::npos) return std::string(inner);
  return sip::unquote(inner);
}

std::string digest_hex(DigestAlgorithm alg, std::string_view data) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> md{};
  unsigned int len = 0;
  if (EVP_Digest(data.data(), data.size(), md.data(), &len, md_of(alg), nullptr) != 1) std::abort();
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(len * 2);
  for (unsigned int i = 0; i < len; ++i) {
    out.push_back(kDigits[md[i] >> 4]);
    out.push_back(kDigits[md[i] & 0x0F]);
  }
  return out;
}

std::string compute_ha1(DigestAlgorithm alg, std::string_view username, std::string_view realm,
                        std::string_view password) {
  std::string a1;
  a1.reserve(username.size() + realm.size() + password.size() + 2);
  a1.append(username).append(":").append(realm).append(":").append(password);
  std::string ha1 = digest_hex(alg, a1);
  OPENSSL_cleanse(a1.data(), a1.size());
  return ha1;
}

std::string compute_response(DigestAlgorithm alg, std::string_view ha1_hex, std::string_view nonce,
                             std::string_view nc_text, std::string_view cnonce,
                             std::string_view qop, std::string_view method, std::string_view uri) {
  std::string a2;
  a2.append(method).append(":").append(uri);
  const std::string ha2 = digest_hex(alg, a2);
  std::string kd;
  kd.reserve(ha1_hex.size() + nonce.size() + cnonce.size() + ha2.size() + 32);
  for (char ch : ha1_hex) kd.push_back(lower(ch));
  kd.append(":").append(nonce).append(":");
  if (!qop.empty())
    kd.append(nc_text).append(":").append(cnonce).append(":").append(qop).append(":");
  kd.append(ha2);
  std::string response = digest_hex(alg, kd);
  OPENSSL_cleanse(kd.data(), kd.size());
  return response;
}

bool verify_response(const DigestCredentials& creds, std::string_view ha1_hex,
                     std::string_view method) {
  const std::size_t n = digest_hex_size(creds.algorithm);
  if (ha1_hex.size() != n || creds.response.size() != n) return false;
  const std::string expected = compute_response(
      creds.algorithm, ha1_hex, unquoted(creds.nonce), creds.nc_text, unquoted(creds.cnonce),
      creds.has_qop ? "auth" : "", method, unquoted(creds.uri));
  std::array<char, 64> got{};
  for (std::size_t i = 0; i < n; ++i) got[i] = lower(creds.response[i]);
  return CRYPTO_memcmp(got.data(), expected.data(), n) == 0;
}

}  // namespace trunkline::registrar
