// Time-based one-time passwords (RFC 6238) over HOTP (RFC 4226): the second
// factor for the roles that require_mfa(). HMAC-SHA1 by default (what every
// authenticator app supports), SHA-256 and SHA-512 on request; 6 or 8
// digits; a 30-second step counted from the Unix epoch.
//
// A code is accepted for the current step or one step either side (clock
// drift between the appliance and a phone), and only once: the state
// remembers the last step accepted and refuses that step and every earlier
// one, so a code seen over a shoulder cannot be replayed within its window.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace trunkline::auth {

enum class TotpAlgorithm : std::uint8_t { kSha1, kSha256, kSha512 };

struct TotpParams {
  TotpAlgorithm algorithm = TotpAlgorithm::kSha1;
  std::uint32_t digits = 6;   // 6 or 8
  std::uint32_t step_s = 30;  // 1 to 300
};
Status validate_totp_params(const TotpParams& params);

// RFC 4226 section 5.3: the dynamic-truncated HMAC of the big-endian
// counter, as `digits` decimal digits with leading zeros.
std::string hotp(std::span<const std::uint8_t> key, std::uint64_t counter, TotpAlgorithm algorithm,
                 std::uint32_t digits);

// floor(unix time / step); times before the epoch count as step 0.
std::uint64_t totp_step(std::chrono::sys_seconds now, std::uint32_t step_s);
std::string totp_code(std::span<const std::uint8_t> key, std::chrono::sys_seconds now,
                      const TotpParams& params);

// What an account keeps for its TOTP factor.
struct TotpState {
  std::vector<std::uint8_t> secret;
  TotpParams params;
  std::optional<std::uint64_t> last_accepted_step;
};

enum class TotpVerdict : std::uint8_t {
  kAccepted,
  kWrongCode,  // no step in the window has this code
  kReplayed,   // the code is right, for a step already used
  kMalformed,  // not exactly `digits` ASCII digits
};
std::string_view totp_verdict_name(TotpVerdict verdict);

// Checks the code for steps now-1, now and now+1, comparing in constant
// time; on kAccepted records the step in state.
TotpVerdict verify_totp(TotpState& state, std::string_view code, std::chrono::sys_seconds now);

struct TotpEnrolment {
  TotpState state;            // to keep (once the user has confirmed one code)
  std::string secret_base32;  // to show for manual entry
  std::string uri;            // otpauth:// URI, for a QR code
};
// A fresh random 20-byte secret (RFC 4226's recommended 160 bits) and its
// provisioning URI.
TotpEnrolment new_totp_enrolment(std::string_view issuer, std::string_view account,
                                 const TotpParams& params = {});

// otpauth://totp/<issuer>:<account>?secret=..&issuer=..&algorithm=..
// &digits=..&period=.. (the Key Uri Format authenticator apps read); issuer
// and account are percent-encoded, everything but RFC 3986's unreserved
// characters escaped.
std::string totp_provisioning_uri(std::string_view issuer, std::string_view account,
                                  std::span<const std::uint8_t> secret, const TotpParams& params);

}  // namespace trunkline::auth
