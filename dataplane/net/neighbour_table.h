// Neighbour table (ARP and IPv6 ND in one): IP → MAC for on-link next hops,
// with the states of RFC 4861 §7.3.2 reduced to what a router-less appliance
// needs: INCOMPLETE (probing), REACHABLE (confirmed recently), STALE (usable,
// re-probed when used). One table per lcore, sized at start-up: open
// addressing with linear probing and backward-shift deletion, so lookups,
// inserts and removals never allocate.
#pragma once

#include <cstdint>
#include <vector>

#include "dataplane/net/addr.h"
#include "dataplane/net/counters.h"

namespace trunkline::net {

struct NeighbourParams {
  std::uint32_t capacity = 4096;       // power of two
  std::uint32_t reachable_ms = 30000;  // REACHABLE → STALE after this
  std::uint32_t retransmit_ms = 1000;  // between probes of one address
  std::uint32_t max_probes = 3;        // INCOMPLETE entries give up after this many
  std::uint32_t max_age_ms = 300000;   // STALE entries unused this long are removed
};

enum class NeighState : std::uint8_t { kEmpty, kIncomplete, kReachable, kStale };

struct Neighbour {
  IpKey ip;
  MacAddr mac;
  NeighState state = NeighState::kEmpty;
  std::uint8_t probes = 0;  // probes sent since the last confirmation
  std::uint64_t confirmed_ms = 0;
  std::uint64_t probed_ms = 0;
  std::uint64_t used_ms = 0;
};

struct Resolution {
  const MacAddr* mac = nullptr;  // usable MAC, or null while unresolved
  bool send_probe = false;       // the caller should send an ARP request / NS now
};

class NeighbourTable {
 public:
  NeighbourTable(const NeighbourParams& params, Counters* counters);

  // A packet showed `ip` is at `mac`. `confirmed`: an answer to our probe or a
  // solicited advertisement (→ REACHABLE); otherwise the hint of a request
  // (→ STALE, RFC 4861 §7.2.3). `create`: add the entry if absent (a hint
  // about an address we never asked for only updates, RFC 826 "merge").
  void learn(const IpKey& ip, const MacAddr& mac, std::uint64_t now_ms, bool confirmed,
             bool create = true);

  // Next hop resolution for sending to `ip`. Creates an INCOMPLETE entry on a
  // miss and tells the caller when to (re)send a probe.
  Resolution resolve(const IpKey& ip, std::uint64_t now_ms);

  // Ages up to `budget` entries (a slice per call keeps the loop's pauses
  // short): REACHABLE→STALE, removes failed INCOMPLETE and old STALE ones.
  void age(std::uint64_t now_ms, std::uint32_t budget);

  const Neighbour* find(const IpKey& ip) const;
  std::uint32_t size() const { return size_; }
  std::uint32_t capacity() const { return mask_ + 1; }

 private:
  std::uint32_t slot_of(const IpKey& ip) const;
  Neighbour* find_mut(const IpKey& ip);
  Neighbour* insert(const IpKey& ip);
  void remove_at(std::uint32_t i);

  NeighbourParams params_;
  Counters* counters_;
  std::vector<Neighbour> slots_;  // allocated once, never resized
  std::uint32_t mask_;
  std::uint32_t size_ = 0;
  std::uint32_t age_cursor_ = 0;
};

}  // namespace trunkline::net
