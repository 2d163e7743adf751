// Digest nonces without per-challenge state, and the nonce-count table that
// stops a captured REGISTER from being replayed.
//
// A nonce is base64( ts || salt || HMAC-SHA256(secret, ts || salt || realm) ):
// ts the issue time in ms (8 bytes, big endian), salt 8 bytes unique to this
// issue (a random start plus a counter), so two phones challenged in the
// same millisecond never share a nonce and so never share a nonce count.
// 48 bytes, 64 base64 characters, no padding. The registrar recognises its
// own nonces by the HMAC, knows their age from ts, and binds them to the
// realm (a nonce from tenant A's challenge is forged in tenant B).
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace trunkline::registrar {

class NonceAuthority {
 public:
  // An empty secret is replaced by 32 random bytes (nonces then die with the
  // process, which only costs phones one more challenge after a restart).
  NonceAuthority(std::string secret, std::uint32_t lifetime_s);

  std::string issue(std::string_view realm, std::uint64_t now_ms);

  enum class State : std::uint8_t { kFresh, kStale, kForged };
  struct Checked {
    State state = State::kForged;
    std::uint64_t issued_ms = 0;
  };
  // kForged: not base64 of the right size, a wrong HMAC (another secret or
  // realm, or edited), or issued in the future. kStale: ours, but older
  // than the lifetime.
  Checked check(std::string_view nonce, std::string_view realm, std::uint64_t now_ms) const;

  std::uint64_t lifetime_ms() const { return lifetime_ms_; }

 private:
  std::string secret_;
  std::uint64_t lifetime_ms_;
  std::atomic<std::uint64_t> salt_;
};

// The highest nc accepted per nonce (RFC 7616 section 3.3: nc lets the
// server detect replays). Entries are made on the first accepted response,
// so the table holds nonces that authenticated someone, not every challenge.
// Bounded: when full, entries of expired nonces go first, then the oldest
// eighth; the issue time of the newest entry evicted that way is kept, and
// a nonce issued at or before it that has no entry is answered kForgotten
// (the registrar re-challenges with stale=true) instead of being trusted
// with an nc it may already have seen. Thread-safe.
class NonceCountTable {
 public:
  explicit NonceCountTable(std::size_t capacity) : capacity_(capacity == 0 ? 1 : capacity) {}

  enum class Verdict : std::uint8_t { kAccepted, kReplay, kForgotten };
  // Accepts nc when it is above every nc seen with this nonce, and records it.
  Verdict accept(std::string_view nonce, std::uint64_t issued_ms, std::uint32_t nc,
                 std::uint64_t now_ms, std::uint64_t lifetime_ms);

  std::size_t size() const;

 private:
  struct Entry {
    std::uint32_t last_nc = 0;
    std::uint64_t issued_ms = 0;
  };
  void make_room(std::uint64_t now_ms, std::uint64_t lifetime_ms);

  const std::size_t capacity_;
  mutable std::mutex mu_;
  std::unordered_map<std::string, Entry> entries_;
  std::uint64_t forgotten_up_to_ms_ = 0;
  bool forgot_any_ = false;
};

}  // namespace trunkline::registrar
