#include "control/auth/recovery_codes.h"

#include "control/auth/crypto.h"

namespace trunkline::auth {
namespace {

constexpr std::size_t kCodeChars = 16;
constexpr std::size_t kGroup = 4;

std::string hex(const Sha256Digest& d) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(d.size() * 2);
  for (std::uint8_t b : d) {
    out.push_back(kHex[b >> 4]);
    out.push_back(kHex[b & 15]);
  }
  return out;
}

std::span<const std::uint8_t> bytes(const std::string& s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

}  // namespace

std::string normalize_recovery_code(std::string_view code) {
  std::string out;
  for (char c : code) {
    if (c == ' ' || c == '-') continue;
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    if (kRecoveryAlphabet.find(c) == std::string_view::npos) return {};
    out.push_back(c);
  }
  return out;
}

std::vector<std::string> RecoveryCodes::regenerate() {
  std::vector<std::string> codes;
  hashes_.clear();
  for (std::size_t n = 0; n < kRecoveryCodeCount; ++n) {
    // 32 symbols: the low 5 bits of each random byte are uniform.
    const std::vector<std::uint8_t> raw = random_bytes(kCodeChars);
    std::string plain;
    std::string shown;
    for (std::size_t i = 0; i < kCodeChars; ++i) {
      const char c = kRecoveryAlphabet[raw[i] & 31];
      plain.push_back(c);
      if (i != 0 && i % kGroup == 0) shown.push_back('-');
      shown.push_back(c);
    }
    hashes_.push_back(hex(sha256(plain)));
    codes.push_back(std::move(shown));
  }
  return codes;
}

bool RecoveryCodes::consume(std::string_view code) {
  const std::string plain = normalize_recovery_code(code);
  if (plain.size() != kCodeChars) return false;
  const std::string want = hex(sha256(plain));
  std::size_t found = hashes_.size();
  for (std::size_t i = 0; i < hashes_.size(); ++i)
    if (constant_time_equal(bytes(hashes_[i]), bytes(want)) && found == hashes_.size()) found = i;
  if (found == hashes_.size()) return false;
  hashes_.erase(hashes_.begin() + static_cast<std::ptrdiff_t>(found));
  return true;
}

}  // namespace trunkline::auth
