// Per-source rate limits on the fast path: a fixed-size, set-associative
// table of sources, each with a GCRA token bucket (one 64-bit "theoretical
// arrival time" per source: no division, no float, exact at any rate).
// One table per lcore; it never allocates after construction, never locks.
//
// A set holds kWays sources. A new source takes a free way, else the way
// whose bucket is fullest (smallest arrival time). Replacing a source whose
// bucket had refilled loses nothing: it would come back exactly as it was.
// Replacing one still being limited hands it a fresh burst; that is
// counted (edge_sources_evicted) so an operator sees the table is too small.
#pragma once

#include <cstdint>
#include <memory>

#include "dataplane/net/addr.h"

namespace trunkline::edge {

// rate per second and burst, as GCRA's emission interval and tolerance.
struct Gcra {
  std::uint64_t interval_ns = 0;   // time one datagram costs; 0: no limit
  std::uint64_t tolerance_ns = 0;  // (burst - 1) * interval: how far ahead a source may run
  static Gcra of(std::uint32_t rate_per_s, std::uint32_t burst);
};

// Charges one datagram at `now_ns` against the bucket whose arrival time is
// `*tat`; false when the bucket is empty (then `*tat` is left alone, so a
// dropped flood does not dig the source deeper).
inline bool gcra_charge(std::uint64_t* tat, std::uint64_t now_ns, const Gcra& g) {
  if (g.interval_ns == 0) return true;
  const std::uint64_t t = *tat > now_ns ? *tat : now_ns;
  if (t - now_ns > g.tolerance_ns) return false;
  *tat = t + g.interval_ns;
  return true;
}

class SourceLimiter {
 public:
  static constexpr unsigned kWays = 8;

  // `capacity` sources, rounded down to a power of two and at least kWays;
  // `seed` keys the hash so that a sender cannot aim at one set.
  SourceLimiter(std::uint32_t capacity, std::uint64_t seed);
  SourceLimiter() = default;

  struct Outcome {
    bool admitted = false;
    bool created = false;       // the source was not in the table
    bool evicted_live = false;  // ... and took the place of one still limited
  };
  Outcome charge(const net::IpKey& source, std::uint64_t now_ns, const Gcra& g);

  std::uint32_t capacity() const { return sets_ * kWays; }

 private:
  struct Entry {
    net::IpKey key;
    std::uint64_t tat = 0;  // 0: free
  };
  struct alignas(64) Set {
    Entry way[kWays];
  };
  std::uint32_t set_of(const net::IpKey& k) const;

  std::unique_ptr<Set[]> table_;
  std::uint32_t sets_ = 0;
  std::uint64_t seed_ = 0;
};

// The table's key for a datagram's source: an IPv4 address as is, an IPv6
// address by its /64 (a host usually owns a whole /64 and can send from any
// address in it, so keying on /128 would let one host take the whole table).
net::IpKey source_key_v4(const std::uint8_t* src4);
net::IpKey source_key_v6(const std::uint8_t* src16);

}  // namespace trunkline::edge
