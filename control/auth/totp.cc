#include "control/auth/totp.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <array>
#include <cstdlib>

#include "control/auth/crypto.h"
#include "control/auth/encoding.h"

namespace trunkline::auth {
namespace {

const EVP_MD* md(TotpAlgorithm a) {
  switch (a) {
    case TotpAlgorithm::kSha256:
      return EVP_sha256();
    case TotpAlgorithm::kSha512:
      return EVP_sha512();
    case TotpAlgorithm::kSha1:
      break;
  }
  return EVP_sha1();
}

std::string_view algorithm_uri_name(TotpAlgorithm a) {
  switch (a) {
    case TotpAlgorithm::kSha256:
      return "SHA256";
    case TotpAlgorithm::kSha512:
      return "SHA512";
    case TotpAlgorithm::kSha1:
      break;
  }
  return "SHA1";
}

std::string percent_encode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    const bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                            (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' || c == '~';
    if (unreserved) {
      out.push_back(ch);
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

}  // namespace

Status validate_totp_params(const TotpParams& p) {
  if (p.digits != 6 && p.digits != 8)
    return Error{"totp digits must be 6 or 8, got " + std::to_string(p.digits)};
  if (p.step_s < 1 || p.step_s > 300)
    return Error{"totp step must be 1 to 300 seconds, got " + std::to_string(p.step_s)};
  return Status::Ok();
}

std::string hotp(std::span<const std::uint8_t> key, std::uint64_t counter, TotpAlgorithm algorithm,
                 std::uint32_t digits) {
  std::array<std::uint8_t, 8> msg{};
  for (int i = 7; i >= 0; --i, counter >>= 8) msg[static_cast<std::size_t>(i)] = counter & 0xFF;
  std::array<std::uint8_t, EVP_MAX_MD_SIZE> mac{};
  unsigned int len = 0;
  // HMAC() takes a null key pointer badly even with length 0.
  static const std::uint8_t kNoKey = 0;
  if (HMAC(md(algorithm), key.empty() ? &kNoKey : key.data(), static_cast<int>(key.size()),
           msg.data(), msg.size(), mac.data(), &len) == nullptr)
    std::abort();  // only fails when OpenSSL itself is broken
  const std::size_t offset = mac[len - 1] & 0x0F;
  const std::uint32_t binary = (std::uint32_t{mac[offset]} & 0x7F) << 24 |
                               std::uint32_t{mac[offset + 1]} << 16 |
                               std::uint32_t{mac[offset + 2]} << 8 | mac[offset + 3];
  std::uint64_t modulus = 1;
  for (std::uint32_t i = 0; i < digits; ++i) modulus *= 10;
  std::string code = std::to_string(binary % modulus);
  return std::string(digits - code.size(), '0') + code;
}

std::uint64_t totp_step(std::chrono::sys_seconds now, std::uint32_t step_s) {
  const std::int64_t t = now.time_since_epoch().count();
  return t <= 0 ? 0 : static_cast<std::uint64_t>(t) / step_s;
}

std::string totp_code(std::span<const std::uint8_t> key, std::chrono::sys_seconds now,
                      const TotpParams& params) {
  return hotp(key, totp_step(now, params.step_s), params.algorithm, params.digits);
}

std::string_view totp_verdict_name(TotpVerdict v) {
  switch (v) {
    case TotpVerdict::kAccepted:
      return "accepted";
    case TotpVerdict::kWrongCode:
      return "wrong_code";
    case TotpVerdict::kReplayed:
      return "replayed";
    case TotpVerdict::kMalformed:
      return "malformed";
  }
  return "unknown";
}

TotpVerdict verify_totp(TotpState& state, std::string_view code, std::chrono::sys_seconds now) {
  if (!validate_totp_params(state.params)) return TotpVerdict::kMalformed;
  if (code.size() != state.params.digits) return TotpVerdict::kMalformed;
  for (char c : code)
    if (c < '0' || c > '9') return TotpVerdict::kMalformed;

  const std::uint64_t current = totp_step(now, state.params.step_s);
  const std::span<const std::uint8_t> given(reinterpret_cast<const std::uint8_t*>(code.data()),
                                            code.size());
  std::optional<std::uint64_t> fresh_match;
  bool replay_match = false;
  // All three steps are computed whatever matches, so the time taken does
  // not tell which step (if any) the code belongs to.
  for (std::uint64_t step = current == 0 ? 0 : current - 1; step <= current + 1; ++step) {
    const std::string expected =
        hotp(state.secret, step, state.params.algorithm, state.params.digits);
    const bool match = constant_time_equal(
        given, std::span(reinterpret_cast<const std::uint8_t*>(expected.data()), expected.size()));
    if (!match) continue;
    if (state.last_accepted_step && step <= *state.last_accepted_step)
      replay_match = true;
    else if (!fresh_match)
      fresh_match = step;
  }
  if (fresh_match) {
    state.last_accepted_step = *fresh_match;
    return TotpVerdict::kAccepted;
  }
  return replay_match ? TotpVerdict::kReplayed : TotpVerdict::kWrongCode;
}

TotpEnrolment new_totp_enrolment(std::string_view issuer, std::string_view account,
                                 const TotpParams& params) {
  TotpEnrolment e;
  e.state.secret = random_bytes(20);
  e.state.params = params;
  e.secret_base32 = base32_encode(e.state.secret);
  e.uri = totp_provisioning_uri(issuer, account, e.state.secret, params);
  return e;
}

std::string totp_provisioning_uri(std::string_view issuer, std::string_view account,
                                  std::span<const std::uint8_t> secret, const TotpParams& params) {
  return "otpauth://totp/" + percent_encode(issuer) + ":" + percent_encode(account) +
         "?secret=" + base32_encode(secret) + "&issuer=" + percent_encode(issuer) +
         "&algorithm=" + std::string(algorithm_uri_name(params.algorithm)) +
         "&digits=" + std::to_string(params.digits) + "&period=" + std::to_string(params.step_s);
}

}  // namespace trunkline::auth
