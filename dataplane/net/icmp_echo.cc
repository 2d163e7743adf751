// ICMP and ICMPv6 echo (RFC 792, RFC 4443 §4): answered in place. Every other
// ICMP message goes to the kernel, whose sockets it concerns.
#include <arpa/inet.h>

#include <cstring>

#include "dataplane/net/checksum.h"
#include "dataplane/net/headers.h"
#include "dataplane/net/path.h"

namespace trunkline::net {

namespace {

void swap_macs(rte_ether_hdr* eth, const MacAddr& ours) {
  eth->dst_addr = eth->src_addr;
  std::memcpy(eth->src_addr.addr_bytes, ours.b.data(), 6);
}

}  // namespace

Verdict handle_icmp4(PathContext& p, PacketBuf& pkt, std::uint16_t hlen) {
  Counters& c = p.counters;
  auto* ip = reinterpret_cast<rte_ipv4_hdr*>(pkt.data + kEthHdr);
  const std::uint16_t icmp_len = static_cast<std::uint16_t>(ntohs(ip->total_length) - hlen);
  if (icmp_len < sizeof(rte_icmp_hdr)) {
    bump(c.drop_truncated);
    return Verdict::kDrop;
  }
  auto* icmp = reinterpret_cast<rte_icmp_hdr*>(pkt.data + kEthHdr + hlen);
  if (icmp->icmp_type != RTE_IP_ICMP_ECHO_REQUEST || icmp->icmp_code != 0) {
    return Verdict::kToKernel;
  }
  // IP options (record route, timestamps ...) need the kernel's handling.
  if (hlen != sizeof(rte_ipv4_hdr)) return Verdict::kToKernel;
  if (!checksum_ok(icmp, icmp_len)) {
    bump(c.drop_bad_l4_checksum);
    return Verdict::kDrop;
  }
  bump(c.icmp_echo_in);
  icmp->icmp_type = RTE_IP_ICMP_ECHO_REPLY;
  icmp->icmp_cksum = 0;
  icmp->icmp_cksum = internet_checksum(icmp, icmp_len);
  const rte_be32_t requester = ip->src_addr;
  ip->src_addr = ip->dst_addr;
  ip->dst_addr = requester;
  ip->time_to_live = 64;
  ip->fragment_offset = 0;
  ip->hdr_checksum = 0;
  ip->hdr_checksum = ipv4_header_checksum(reinterpret_cast<std::uint8_t*>(ip), hlen);
  swap_macs(reinterpret_cast<rte_ether_hdr*>(pkt.data), p.ifc.mac);
  bump(c.icmp_echo_reply_out);
  return Verdict::kReply;
}

Verdict handle_icmp6(PathContext& p, PacketBuf& pkt) {
  Counters& c = p.counters;
  std::uint8_t* ip6 = pkt.data + kEthHdr;
  auto* ip = reinterpret_cast<rte_ipv6_hdr*>(ip6);
  std::uint8_t* l4 = ip6 + sizeof(rte_ipv6_hdr);
  const std::uint16_t l4_len = ntohs(ip->payload_len);
  if (l4_len < 4) {
    bump(c.drop_truncated);
    return Verdict::kDrop;
  }
  if (!ipv6_l4_checksum_ok(ip6, l4, l4_len, kIpProtoIcmp6)) {
    bump(c.drop_bad_l4_checksum);
    return Verdict::kDrop;
  }
  switch (l4[0]) {
    case kIcmp6NeighborSolicit:
      return handle_neighbor_solicit(p, pkt);
    case kIcmp6NeighborAdvert:
      return handle_neighbor_advert(p, pkt);
    case kIcmp6EchoRequest:
      break;
    default:
      return Verdict::kToKernel;  // RA, RS, MLD, errors
  }
  Ip6 dst;
  std::memcpy(dst.b.data(), ip->dst_addr, 16);
  if (!p.ifc.owns(dst)) return Verdict::kToKernel;  // multicast echo: the kernel's policy
  if (l4[1] != 0) return Verdict::kToKernel;
  if (l4_len < 8) {
    bump(c.drop_truncated);
    return Verdict::kDrop;
  }
  bump(c.icmp6_echo_in);
  l4[0] = kIcmp6EchoReply;
  std::uint8_t tmp[16];
  std::memcpy(tmp, ip->src_addr, 16);
  std::memcpy(ip->src_addr, ip->dst_addr, 16);
  std::memcpy(ip->dst_addr, tmp, 16);
  ip->hop_limits = 64;
  l4[2] = l4[3] = 0;
  const std::uint16_t sum = ipv6_l4_checksum(ip6, l4, l4_len, kIpProtoIcmp6);
  std::memcpy(l4 + 2, &sum, 2);
  swap_macs(reinterpret_cast<rte_ether_hdr*>(pkt.data), p.ifc.mac);
  bump(c.icmp6_echo_reply_out);
  return Verdict::kReply;
}

}  // namespace trunkline::net
