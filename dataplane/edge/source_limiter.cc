#include "dataplane/edge/source_limiter.h"

#include <cstring>

namespace trunkline::edge {

Gcra Gcra::of(std::uint32_t rate_per_s, std::uint32_t burst) {
  if (rate_per_s == 0) return Gcra{};
  Gcra g;
  g.interval_ns = 1'000'000'000ull / rate_per_s;
  g.tolerance_ns = g.interval_ns * (burst == 0 ? 0 : burst - 1);
  return g;
}

SourceLimiter::SourceLimiter(std::uint32_t capacity, std::uint64_t seed) : seed_(seed) {
  std::uint32_t sets = 1;
  while (sets * 2 * kWays <= capacity) sets *= 2;
  sets_ = sets;
  table_ = std::make_unique<Set[]>(sets_);
}

std::uint32_t SourceLimiter::set_of(const net::IpKey& k) const {
  std::uint64_t a, b;
  std::memcpy(&a, k.b.data(), 8);
  std::memcpy(&b, k.b.data() + 8, 8);
  // Two multiply-xorshift rounds keyed by the seed (a keyed mix, not a MAC:
  // enough that addresses a sender chooses spread over the sets).
  std::uint64_t h = (a ^ seed_) * 0x9e3779b97f4a7c15ull;
  h ^= (b + (seed_ >> 7)) * 0xc2b2ae3d27d4eb4full;
  h ^= h >> 31;
  h *= 0xff51afd7ed558ccdull;
  h ^= h >> 29;
  return static_cast<std::uint32_t>(h) & (sets_ - 1);
}

SourceLimiter::Outcome SourceLimiter::charge(const net::IpKey& source, std::uint64_t now_ns,
                                             const Gcra& g) {
  Outcome out;
  Set& s = table_[set_of(source)];
  Entry* victim = &s.way[0];
  for (Entry& e : s.way) {
    if (e.tat != 0 && e.key == source) {
      out.admitted = gcra_charge(&e.tat, now_ns, g);
      return out;
    }
    if (e.tat < victim->tat) victim = &e;  // a free way (0) wins, then the fullest bucket
  }
  out.created = true;
  out.evicted_live = victim->tat > now_ns;
  victim->key = source;
  victim->tat = now_ns;
  out.admitted = gcra_charge(&victim->tat, now_ns, g);
  if (victim->tat == 0) victim->tat = 1;  // now_ns 0 with no limit: still taken
  return out;
}

net::IpKey source_key_v4(const std::uint8_t* src4) {
  net::Ip4 a;
  std::memcpy(&a.be, src4, 4);
  return net::IpKey::of(a);
}

net::IpKey source_key_v6(const std::uint8_t* src16) {
  net::IpKey k;
  std::memcpy(k.b.data(), src16, 8);  // the /64; the interface ID stays zero
  return k;
}

}  // namespace trunkline::edge
