// The packet path for frames from the wire, in the order a frame meets it:
//   process_rx: Ethernet → ARP | IPv4 | IPv6
//   IPv4 → ICMP echo (answered here) | TCP/UDP/other ICMP (to the kernel)
//   IPv6 → ICMPv6 echo, Neighbor Solicitation (answered here) |
//          Neighbor Advertisement (learned, then to the kernel) | TCP/UDP/other (kernel)
// Every function works on the bytes of one frame, writes replies in place,
// counts what it drops by reason, and never allocates, locks or logs.
#pragma once

#include <cstdint>

#include "dataplane/net/counters.h"
#include "dataplane/net/interface.h"
#include "dataplane/net/neighbour_table.h"
#include "dataplane/net/packet.h"

namespace trunkline::net {

struct PathContext {
  const Interface& ifc;
  NeighbourTable& neighbours;
  Counters& counters;
  std::uint64_t now_ms;
  std::uint16_t sip_port = 0;        // UDP port steered to control; 0: none
  std::uint16_t media_port_min = 0;  // UDP ports [min, max] are media (kMedia); 0: none
  std::uint16_t media_port_max = 0;
};

Verdict process_rx(PathContext& p, PacketBuf& pkt);

// Stages, exposed for unit tests. `l3` is the offset of the ARP/IP header.
Verdict handle_arp(PathContext& p, PacketBuf& pkt);
Verdict handle_icmp4(PathContext& p, PacketBuf& pkt, std::uint16_t ip_header_len);
Verdict handle_icmp6(PathContext& p, PacketBuf& pkt);  // IPv6 header at kEthHdr, no ext headers
// UDP at `l4` (length and checksum checked); SIP to control, the media port
// range to the relay, the rest to the kernel.
Verdict handle_udp(PathContext& p, PacketBuf& pkt, std::uint16_t l4, std::uint16_t l4_len,
                   bool ipv6);
Verdict handle_neighbor_solicit(PathContext& p, PacketBuf& pkt);
Verdict handle_neighbor_advert(PathContext& p, PacketBuf& pkt);

// Probes the dataplane sends to resolve a next hop. Each writes a complete
// frame into `out` (room >= 86 bytes) and returns its length, or 0 if the port
// has no address of that family.
std::uint16_t build_arp_request(const Interface& ifc, Ip4 target, std::uint8_t* out);
std::uint16_t build_neighbor_solicit(const Interface& ifc, const Ip6& target, std::uint8_t* out);

}  // namespace trunkline::net
