#include "control/auth/password_policy.h"

#include <algorithm>

#include "control/auth/password_hash.h"

namespace trunkline::auth {
namespace {

// Decodes one code point at text[*i]; advances *i. Returns -1 for anything
// RFC 3629 does not allow: bad lead or continuation bytes, truncation,
// overlong forms, surrogates, values above U+10FFFF.
std::int32_t next_code_point(std::string_view text, std::size_t* i) {
  const auto byte = [&](std::size_t k) { return static_cast<std::uint8_t>(text[k]); };
  const std::uint8_t lead = byte(*i);
  if (lead < 0x80) {
    ++*i;
    return lead;
  }
  // Continuation bytes after the lead, the lead's payload bits, and the
  // smallest code point that needs this many bytes (below it: overlong).
  std::size_t extra = 0;
  std::uint32_t cp = 0;
  std::uint32_t min = 0;
  if ((lead & 0xE0) == 0xC0) {
    extra = 1;
    cp = lead & 0x1F;
    min = 0x80;
  } else if ((lead & 0xF0) == 0xE0) {
    extra = 2;
    cp = lead & 0x0F;
    min = 0x800;
  } else if ((lead & 0xF8) == 0xF0) {
    extra = 3;
    cp = lead & 0x07;
    min = 0x10000;
  } else {
    return -1;
  }
  if (*i + extra >= text.size()) return -1;  // truncated
  for (std::size_t k = 1; k <= extra; ++k) {
    const std::uint8_t c = byte(*i + k);
    if ((c & 0xC0) != 0x80) return -1;
    cp = (cp << 6) | (c & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return -1;
  *i += extra + 1;
  return static_cast<std::int32_t>(cp);
}

bool is_control(std::int32_t cp) { return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F); }

std::string forbidden_list() {
  std::string out;
  for (char c : kForbiddenPasswordChars) {
    if (!out.empty()) out += ' ';
    out += c;
  }
  return out;
}

Status range_error(const char* field, std::uint64_t lo, std::uint64_t hi, std::uint64_t got) {
  return Error{std::string("password policy: ") + field + " must be " + std::to_string(lo) +
               " to " + std::to_string(hi) + ", got " + std::to_string(got)};
}

}  // namespace

Status validate_policy(const PasswordPolicy& p) {
  if (p.max_length_agent < kMinLengthFloor || p.max_length_agent > 20)
    return range_error("max_length_agent", kMinLengthFloor, 20, p.max_length_agent);
  if (p.max_length_admin < kMinLengthFloor || p.max_length_admin > 64)
    return range_error("max_length_admin", kMinLengthFloor, 64, p.max_length_admin);
  const std::size_t shortest_max = std::min(p.max_length_agent, p.max_length_admin);
  if (p.min_length < kMinLengthFloor || p.min_length > shortest_max)
    return range_error("min_length", kMinLengthFloor, shortest_max, p.min_length);
  if (p.expiry_days > kMaxExpiryDays)
    return range_error("expiry_days", 0, kMaxExpiryDays, p.expiry_days);
  if (p.history_generations > kMaxHistoryGenerations)
    return range_error("history_generations", 0, kMaxHistoryGenerations, p.history_generations);
  // A symbol is required but only symbols that are not forbidden count;
  // there are plenty (! # $ % & + - . / = ? @ ...), so no conflict to check.
  return Status::Ok();
}

std::size_t max_password_length(const PasswordPolicy& p, Role role) {
  const std::size_t configured =
      is_administrator_role(role) ? p.max_length_admin : p.max_length_agent;
  return std::min(configured, password_length_ceiling(role));
}

Result<std::size_t> utf8_length(std::string_view text) {
  std::size_t count = 0;
  for (std::size_t i = 0; i < text.size(); ++count)
    if (next_code_point(text, &i) < 0)
      return Error{"password is not valid UTF-8 (at byte " + std::to_string(i) + ")"};
  return count;
}

Status check_password(const PasswordPolicy& p, Role role, std::string_view candidate,
                      std::span<const std::string> history_hashes) {
  std::size_t length = 0;
  bool upper = false, lower = false, digit = false, symbol = false, forbidden = false;
  for (std::size_t i = 0; i < candidate.size(); ++length) {
    const std::size_t at = i;
    const std::int32_t cp = next_code_point(candidate, &i);
    if (cp < 0) return Error{"password is not valid UTF-8 (at byte " + std::to_string(at) + ")"};
    if (is_control(cp))
      return Error{"password contains a control character (character " +
                   std::to_string(length + 1) + ")"};
    if (cp < 0x80 && kForbiddenPasswordChars.find(static_cast<char>(cp)) != std::string_view::npos)
      forbidden = true;
    else if (cp >= 'A' && cp <= 'Z')
      upper = true;
    else if (cp >= 'a' && cp <= 'z')
      lower = true;
    else if (cp >= '0' && cp <= '9')
      digit = true;
    else if (cp != ' ')
      symbol = true;
  }
  // Reported after the scan so that the control-character check, which
  // names a position, always wins over this one, which does not.
  if (forbidden)
    return Error{"password contains a character that is never allowed (" + forbidden_list() + ")"};
  if (length < p.min_length)
    return Error{"password is too short: " + std::to_string(length) + " characters, at least " +
                 std::to_string(p.min_length) + " required"};
  const std::size_t max = max_password_length(p, role);
  if (length > max)
    return Error{"password is too long: " + std::to_string(length) + " characters, at most " +
                 std::to_string(max) + " allowed for role " + std::string(role_name(role))};
  if (p.require_upper && !upper) return Error{"password needs an upper-case letter (A-Z)"};
  if (p.require_lower && !lower) return Error{"password needs a lower-case letter (a-z)"};
  if (p.require_digit && !digit) return Error{"password needs a digit (0-9)"};
  if (p.require_symbol && !symbol)
    return Error{"password needs a symbol (a character other than a letter, digit or space)"};

  const std::size_t generations =
      std::min<std::size_t>(history_hashes.size(), 1 + std::size_t{p.history_generations});
  for (std::size_t g = 0; g < generations; ++g) {
    auto same = verify_password(candidate, history_hashes[g]);
    // An unreadable stored hash cannot prove reuse; refusing would lock the
    // user out of ever changing the password, so it is skipped.
    if (same.ok() && *same)
      return Error{g == 0 ? std::string("password is the same as the current one")
                          : "password was used before (one of the last " +
                                std::to_string(p.history_generations) + " passwords)"};
  }
  return Status::Ok();
}

}  // namespace trunkline::auth
