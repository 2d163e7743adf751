// A small per-lcore cache of next-hop MACs in front of the neighbour table,
// for the relay: every RTP packet needs its peer's MAC, and a neighbour-table
// lookup (a 16-byte hash and a probe) is a good part of a packet's cost. An
// entry is trusted for kRecheckMs; then the neighbour table is asked again,
// which also keeps the neighbour entry in use and lets a stale one be
// re-probed, so the table's rules (RFC 4861 states, MAC changes) apply
// within kRecheckMs. Direct-mapped, 1024 entries, 32 KiB.
#pragma once

#include <cstdint>
#include <cstring>

#include "dataplane/media/flow_table.h"
#include "dataplane/net/addr.h"

namespace trunkline::media {

class NextHopCache {
 public:
  static constexpr std::uint32_t kEntries = 1024;
  static constexpr std::uint32_t kRecheckMs = 100;

  // The MAC of `ip` out of `port` if cached and fresh, else null.
  const net::MacAddr* find(const net::IpKey& ip, std::uint16_t port, std::uint64_t now_ms) const {
    const Entry& e = slots_[slot(ip)];
    if (e.port != port || now_ms - e.checked_ms >= kRecheckMs || !same_ip(e.ip, ip)) return nullptr;
    return &e.mac;
  }
  void store(const net::IpKey& ip, std::uint16_t port, const net::MacAddr& mac,
             std::uint64_t now_ms) {
    Entry& e = slots_[slot(ip)];
    e.ip = ip;
    e.port = port;
    e.mac = mac;
    e.checked_ms = now_ms;
  }

 private:
  struct Entry {
    net::IpKey ip;
    net::MacAddr mac;
    std::uint16_t port = 0xffff;  // none
    std::uint64_t checked_ms = 0;
  };
  static std::uint32_t slot(const net::IpKey& ip) {
    return static_cast<std::uint32_t>(flow_hash(ip, 0)) & (kEntries - 1);
  }
  Entry slots_[kEntries];
};

}  // namespace trunkline::media
