#include "control/sdp/crypto.h"

#include "control/sip/lex.h"

namespace trunkline::sdp {
namespace {

bool fail(const char** error, const char* detail) {
  if (error != nullptr) *error = detail;
  return false;
}

int base64_value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

bool all_digits(std::string_view s, std::size_t max_len) {
  if (s.empty() || s.size() > max_len) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return true;
}

bool parse_key(std::string_view param, std::string_view suite, CryptoKey* key, const char** error) {
  std::size_t colon = param.find(':');
  if (colon == std::string_view::npos) return fail(error, "crypto key-param needs <method>:<info>");
  key->method = param.substr(0, colon);
  if (key->method != "inline") return fail(error, "crypto key method is not inline");
  std::string_view info = param.substr(colon + 1);
  std::size_t bar = info.find('|');
  key->key_salt = info.substr(0, bar);
  key->lifetime = {};
  key->mki_value = {};
  key->mki_length = 0;
  std::vector<std::uint8_t> decoded;
  if (key->key_salt.empty() || !decode_base64(key->key_salt, &decoded))
    return fail(error, "crypto key is not base64");
  if (auto want = srtp_key_salt_length(suite); want && decoded.size() != *want)
    return fail(error, "crypto key length does not match the suite");
  while (bar != std::string_view::npos) {
    info = info.substr(bar + 1);
    bar = info.find('|');
    std::string_view field = info.substr(0, bar);
    std::size_t mki_colon = field.find(':');
    if (mki_colon != std::string_view::npos) {
      if (!key->mki_value.empty()) return fail(error, "crypto key has two MKIs");
      key->mki_value = field.substr(0, mki_colon);
      std::string_view len = field.substr(mki_colon + 1);
      std::uint64_t n = 0;
      if (!all_digits(key->mki_value, 128) || !all_digits(len, 3) ||
          !sip::parse_decimal(len, 128, &n) || n == 0)
        return fail(error, "crypto MKI is not <value>:<length 1-128>");
      key->mki_length = static_cast<std::uint32_t>(n);
    } else {
      if (!key->lifetime.empty() || !key->mki_value.empty())
        return fail(error, "crypto lifetime misplaced or repeated");
      std::string_view digits = field.substr(0, 2) == "2^" ? field.substr(2) : field;
      if (!all_digits(digits, 20)) return fail(error, "crypto lifetime is not a number");
      key->lifetime = field;
    }
  }
  return true;
}

}  // namespace

std::optional<std::size_t> srtp_key_salt_length(std::string_view suite) {
  if (suite == "AES_CM_128_HMAC_SHA1_80" || suite == "AES_CM_128_HMAC_SHA1_32" ||
      suite == "F8_128_HMAC_SHA1_80")
    return 30;
  if (suite == "AES_192_CM_HMAC_SHA1_80" || suite == "AES_192_CM_HMAC_SHA1_32") return 38;
  if (suite == "AES_256_CM_HMAC_SHA1_80" || suite == "AES_256_CM_HMAC_SHA1_32") return 46;
  if (suite == "AEAD_AES_128_GCM") return 28;
  if (suite == "AEAD_AES_256_GCM") return 44;
  return std::nullopt;
}

bool parse_crypto(std::string_view value, Crypto* out, const char** error) {
  *out = Crypto{};
  std::size_t sp = value.find(' ');
  std::uint64_t tag = 0;
  if (sp == std::string_view::npos || !all_digits(value.substr(0, sp), 9) ||
      !sip::parse_decimal(value.substr(0, sp), 999999999, &tag))
    return fail(error, "crypto tag is not 1-9 digits");
  out->tag = static_cast<std::uint32_t>(tag);
  std::string_view rest = value.substr(sp + 1);
  sp = rest.find(' ');
  out->suite = rest.substr(0, sp);
  if (out->suite.empty()) return fail(error, "crypto suite missing");
  for (char c : out->suite)
    if (!sip::is(c, sip::kAlpha | sip::kDigit) && c != '_')
      return fail(error, "crypto suite is not a name");
  if (sp == std::string_view::npos) return fail(error, "crypto key-params missing");
  rest = rest.substr(sp + 1);
  sp = rest.find(' ');
  std::string_view keys = rest.substr(0, sp);
  while (true) {
    std::size_t semi = keys.find(';');
    CryptoKey key;
    if (!parse_key(keys.substr(0, semi), out->suite, &key, error)) return false;
    out->keys.push_back(key);
    if (semi == std::string_view::npos) break;
    keys = keys.substr(semi + 1);
  }
  if (out->keys.size() > 1) {
    for (const CryptoKey& k : out->keys)
      if (k.mki_value.empty()) return fail(error, "several crypto keys need an MKI each");
  }
  while (sp != std::string_view::npos) {
    rest = rest.substr(sp + 1);
    sp = rest.find(' ');
    std::string_view param = rest.substr(0, sp);
    if (param.empty()) return fail(error, "empty crypto session parameter");
    for (char c : param)
      if (static_cast<unsigned char>(c) <= 0x20 || static_cast<unsigned char>(c) >= 0x7F)
        return fail(error, "bad character in crypto session parameter");
    out->session_params.push_back(param);
  }
  return true;
}

std::string format_crypto(const Crypto& crypto) {
  std::string s = std::to_string(crypto.tag) + " " + std::string(crypto.suite) + " ";
  for (std::size_t i = 0; i < crypto.keys.size(); ++i) {
    const CryptoKey& k = crypto.keys[i];
    if (i > 0) s += ";";
    s += std::string(k.method) + ":" + std::string(k.key_salt);
    if (!k.lifetime.empty()) s += "|" + std::string(k.lifetime);
    if (!k.mki_value.empty())
      s += "|" + std::string(k.mki_value) + ":" + std::to_string(k.mki_length);
  }
  for (std::string_view p : crypto.session_params) s += " " + std::string(p);
  return s;
}

bool decode_base64(std::string_view text, std::vector<std::uint8_t>* out) {
  out->clear();
  while (!text.empty() && text.back() == '=') text.remove_suffix(1);
  if (text.size() % 4 == 1) return false;
  std::uint32_t acc = 0;
  int bits = 0;
  for (char c : text) {
    int v = base64_value(c);
    if (v < 0) return false;
    acc = (acc << 6) | static_cast<std::uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out->push_back(static_cast<std::uint8_t>((acc >> bits) & 0xFF));
    }
  }
  return true;
}

std::string encode_base64(std::span<const std::uint8_t> bytes) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  std::size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    std::uint32_t v = (bytes[i] << 16) | (bytes[i + 1] << 8) | bytes[i + 2];
    for (int s = 18; s >= 0; s -= 6) out.push_back(kAlphabet[(v >> s) & 63]);
  }
  std::size_t left = bytes.size() - i;
  if (left > 0) {
    std::uint32_t v = bytes[i] << 16;
    if (left == 2) v |= bytes[i + 1] << 8;
    out.push_back(kAlphabet[(v >> 18) & 63]);
    out.push_back(kAlphabet[(v >> 12) & 63]);
    out.push_back(left == 2 ? kAlphabet[(v >> 6) & 63] : '=');
    out.push_back('=');
  }
  return out;
}

}  // namespace trunkline::sdp
