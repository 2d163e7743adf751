// Wire layouts the packet path reads and writes. Ethernet, ARP, IPv4, IPv6 and
// ICMP come from DPDK; DPDK 22.11 has no Neighbor Discovery layouts, so those
// are here (RFC 4861 §4.3, §4.4, §4.6.1).
#pragma once

#include <rte_arp.h>
#include <rte_ether.h>
#include <rte_icmp.h>
#include <rte_ip.h>

#include <cstdint>

namespace trunkline::net {

inline constexpr std::uint16_t kEthHdr = sizeof(rte_ether_hdr);  // 14
inline constexpr std::uint8_t kIpProtoIcmp = 1;
inline constexpr std::uint8_t kIpProtoTcp = 6;
inline constexpr std::uint8_t kIpProtoUdp = 17;
inline constexpr std::uint8_t kIpProtoIcmp6 = 58;
inline constexpr std::uint8_t kIp6HopByHop = 0;
inline constexpr std::uint8_t kIp6Routing = 43;
inline constexpr std::uint8_t kIp6Fragment = 44;
inline constexpr std::uint8_t kIp6DestOpts = 60;

inline constexpr std::uint8_t kIcmp6EchoRequest = 128;
inline constexpr std::uint8_t kIcmp6EchoReply = 129;
inline constexpr std::uint8_t kIcmp6NeighborSolicit = 135;
inline constexpr std::uint8_t kIcmp6NeighborAdvert = 136;
inline constexpr std::uint8_t kNdOptSourceLinkAddr = 1;
inline constexpr std::uint8_t kNdOptTargetLinkAddr = 2;

// Neighbor Solicitation / Advertisement: ICMPv6 header, flags, target.
struct __attribute__((packed)) NdMessage {
  std::uint8_t type;
  std::uint8_t code;
  std::uint16_t checksum;
  std::uint32_t flags;  // NA: R (0x80000000), S (0x40000000), O (0x20000000); NS: reserved
  std::uint8_t target[16];
};
static_assert(sizeof(NdMessage) == 24);

// Source/Target Link-Layer Address option for Ethernet.
struct __attribute__((packed)) NdLinkAddrOption {
  std::uint8_t type;
  std::uint8_t len;  // in units of 8 bytes: 1 for Ethernet
  std::uint8_t mac[6];
};
static_assert(sizeof(NdLinkAddrOption) == 8);

inline constexpr std::uint32_t kNaRouter = 0x80000000u;
inline constexpr std::uint32_t kNaSolicited = 0x40000000u;
inline constexpr std::uint32_t kNaOverride = 0x20000000u;

}  // namespace trunkline::net
