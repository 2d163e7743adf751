#include "control/registrar/nonce.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <algorithm>
#include <array>
#include <cstdlib>
#include <vector>

namespace trunkline::registrar {
namespace {

constexpr std::size_t kTsBytes = 8;
constexpr std::size_t kSaltBytes = 8;
constexpr std::size_t kMacBytes = 32;
constexpr std::size_t kRawBytes = kTsBytes + kSaltBytes + kMacBytes;  // 48
constexpr std::size_t kTextSize = kRawBytes / 3 * 4;                  // 64
// Shards share one clock source, but allow a little skew before calling a
// nonce from the future forged.
constexpr std::uint64_t kFutureSkewMs = 1000;

constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

int base64_value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

using Raw = std::array<std::uint8_t, kRawBytes>;

std::string encode(const Raw& raw) {
  std::string out;
  out.reserve(kTextSize);
  for (std::size_t i = 0; i < raw.size(); i += 3) {
    std::uint32_t v = (std::uint32_t{raw[i]} << 16) | (std::uint32_t{raw[i + 1]} << 8) | raw[i + 2];
    out.push_back(kAlphabet[(v >> 18) & 63]);
    out.push_back(kAlphabet[(v >> 12) & 63]);
    out.push_back(kAlphabet[(v >> 6) & 63]);
    out.push_back(kAlphabet[v & 63]);
  }
  return out;
}

bool decode(std::string_view text, Raw* raw) {
  if (text.size() != kTextSize) return false;
  for (std::size_t i = 0, o = 0; i < text.size(); i += 4, o += 3) {
    std::uint32_t v = 0;
    for (std::size_t k = 0; k < 4; ++k) {
      int d = base64_value(text[i + k]);
      if (d < 0) return false;
      v = (v << 6) | static_cast<std::uint32_t>(d);
    }
    (*raw)[o] = static_cast<std::uint8_t>(v >> 16);
    (*raw)[o + 1] = static_cast<std::uint8_t>(v >> 8);
    (*raw)[o + 2] = static_cast<std::uint8_t>(v);
  }
  return true;
}

// HMAC-SHA256(secret, ts || salt || realm) over the first 16 bytes of raw.
void sign(const std::string& secret, std::string_view realm, const Raw& raw,
          std::array<std::uint8_t, kMacBytes>* mac) {
  std::vector<std::uint8_t> data(raw.begin(), raw.begin() + kTsBytes + kSaltBytes);
  data.insert(data.end(), realm.begin(), realm.end());
  unsigned int len = 0;
  if (HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()), data.data(), data.size(),
           mac->data(), &len) == nullptr ||
      len != kMacBytes)
    std::abort();
}

std::uint64_t random_u64() {
  std::uint64_t v = 0;
  if (RAND_bytes(reinterpret_cast<unsigned char*>(&v), sizeof v) != 1) std::abort();
  return v;
}

}  // namespace

NonceAuthority::NonceAuthority(std::string secret, std::uint32_t lifetime_s)
    : secret_(std::move(secret)),
      lifetime_ms_(std::uint64_t{lifetime_s} * 1000),
      salt_(random_u64()) {
  if (secret_.empty()) {
    secret_.resize(32);
    if (RAND_bytes(reinterpret_cast<unsigned char*>(secret_.data()), 32) != 1) std::abort();
  }
}

std::string NonceAuthority::issue(std::string_view realm, std::uint64_t now_ms) {
  Raw raw{};
  const std::uint64_t salt = salt_.fetch_add(1, std::memory_order_relaxed);
  for (std::size_t i = 0; i < 8; ++i) {
    raw[i] = static_cast<std::uint8_t>(now_ms >> (56 - 8 * i));
    raw[kTsBytes + i] = static_cast<std::uint8_t>(salt >> (56 - 8 * i));
  }
  std::array<std::uint8_t, kMacBytes> mac{};
  sign(secret_, realm, raw, &mac);
  std::copy(mac.begin(), mac.end(), raw.begin() + kTsBytes + kSaltBytes);
  return encode(raw);
}

NonceAuthority::Checked NonceAuthority::check(std::string_view nonce, std::string_view realm,
                                              std::uint64_t now_ms) const {
  Checked out;
  Raw raw{};
  if (!decode(nonce, &raw)) return out;
  std::array<std::uint8_t, kMacBytes> mac{};
  sign(secret_, realm, raw, &mac);
  if (CRYPTO_memcmp(mac.data(), raw.data() + kTsBytes + kSaltBytes, kMacBytes) != 0) return out;
  std::uint64_t ts = 0;
  for (std::size_t i = 0; i < kTsBytes; ++i) ts = (ts << 8) | raw[i];
  out.issued_ms = ts;
  if (ts > now_ms + kFutureSkewMs) return out;
  out.state = now_ms > ts && now_ms - ts > lifetime_ms_ ? State::kStale : State::kFresh;
  return out;
}

NonceCountTable::Verdict NonceCountTable::accept(std::string_view nonce, std::uint64_t issued_ms,
                                                 std::uint32_t nc, std::uint64_t now_ms,
                                                 std::uint64_t lifetime_ms) {
  std::lock_guard lock(mu_);
  auto it = entries_.find(std::string(nonce));
  if (it != entries_.end()) {
    if (nc <= it->second.last_nc) return Verdict::kReplay;
    it->second.last_nc = nc;
    return Verdict::kAccepted;
  }
  if (forgot_any_ && issued_ms <= forgotten_up_to_ms_) return Verdict::kForgotten;
  if (nc == 0) return Verdict::kReplay;  // nc counts from 1 (RFC 7616 section 3.4)
  if (entries_.size() >= capacity_) make_room(now_ms, lifetime_ms);
  entries_.emplace(std::string(nonce), Entry{nc, issued_ms});
  return Verdict::kAccepted;
}

void NonceCountTable::make_room(std::uint64_t now_ms, std::uint64_t lifetime_ms) {
  // Expired nonces are refused as stale before they get here: dropping
  // their entries loses nothing.
  std::erase_if(entries_, [&](const auto& kv) {
    return now_ms > kv.second.issued_ms && now_ms - kv.second.issued_ms > lifetime_ms;
  });
  if (entries_.size() < capacity_) return;
  // Still full of live nonces: forget the oldest eighth at once, so the scan
  // is paid once per capacity/8 insertions.
  std::vector<std::uint64_t> issued;
  issued.reserve(entries_.size());
  for (const auto& kv : entries_) issued.push_back(kv.second.issued_ms);
  const std::size_t k = std::max<std::size_t>(1, issued.size() / 8) - 1;
  std::nth_element(issued.begin(), issued.begin() + static_cast<std::ptrdiff_t>(k), issued.end());
  const std::uint64_t cutoff = issued[k];
  std::erase_if(entries_, [&](const auto& kv) { return kv.second.issued_ms <= cutoff; });
  forgotten_up_to_ms_ = forgot_any_ ? std::max(forgotten_up_to_ms_, cutoff) : cutoff;
  forgot_any_ = true;
}

std::size_t NonceCountTable::size() const {
  std::lock_guard lock(mu_);
  return entries_.size();
}

}  // namespace trunkline::registrar
