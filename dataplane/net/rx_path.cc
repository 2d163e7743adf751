// process_rx: Ethernet and IP validation and dispatch (see path.h).
#include <arpa/inet.h>
#include <rte_udp.h>

#include <cstring>

#include "dataplane/net/checksum.h"
#include "dataplane/net/headers.h"
#include "dataplane/net/path.h"

namespace trunkline::net {

namespace {

Verdict drop(std::atomic<std::uint64_t>& reason) {
  bump(reason);
  return Verdict::kDrop;
}

bool bad_ipv4_source(const Interface& ifc, Ip4 src) {
  const std::uint32_t h = ntohl(src.be);
  return h == 0xffffffffu || (h >> 28) == 0xe  // broadcast, multicast
         || (h >> 24) == 0x7f                  // loopback on the wire
         || ifc.owns(src);                     // spoofing us
}

Verdict ipv4(PathContext& p, PacketBuf& pkt) {
  Counters& c = p.counters;
  if (pkt.len < kEthHdr + sizeof(rte_ipv4_hdr)) return drop(c.drop_truncated);
  auto* ip = reinterpret_cast<rte_ipv4_hdr*>(pkt.data + kEthHdr);
  if ((ip->version_ihl >> 4) != 4) return drop(c.drop_bad_version);
  const std::uint16_t hlen = static_cast<std::uint16_t>((ip->version_ihl & 0x0f) * 4);
  if (hlen < 20) return drop(c.drop_bad_header_length);
  if (pkt.len < kEthHdr + hlen) return drop(c.drop_truncated);
  if (!checksum_ok(ip, hlen)) return drop(c.drop_bad_ip_checksum);
  const std::uint16_t total = ntohs(ip->total_length);
  if (total < hlen || total > pkt.len - kEthHdr) return drop(c.drop_bad_length);
  pkt.len = static_cast<std::uint16_t>(kEthHdr + total);  // trim Ethernet padding

  Ip4 dst{ip->dst_addr}, src{ip->src_addr};
  if (bad_ipv4_source(p.ifc, src)) return drop(c.drop_bad_source);
  if (!p.ifc.owns(dst)) return drop(c.drop_not_for_us);
  // MF set or a non-zero offset: a fragment. The fast path does not reassemble.
  if ((ntohs(ip->fragment_offset) & 0x3fff) != 0) return drop(c.drop_fragment);

  switch (ip->next_proto_id) {
    case kIpProtoIcmp:
      return handle_icmp4(p, pkt, hlen);
    case kIpProtoUdp:
      return handle_udp(p, pkt, static_cast<std::uint16_t>(kEthHdr + hlen),
                        static_cast<std::uint16_t>(total - hlen), false);
    case kIpProtoTcp:
      return Verdict::kToKernel;
    default:
      return drop(c.drop_unknown_protocol);
  }
}

Verdict ipv6(PathContext& p, PacketBuf& pkt) {
  Counters& c = p.counters;
  if (pkt.len < kEthHdr + sizeof(rte_ipv6_hdr)) return drop(c.drop_truncated);
  auto* ip = reinterpret_cast<rte_ipv6_hdr*>(pkt.data + kEthHdr);
  if ((pkt.data[kEthHdr] >> 4) != 6) return drop(c.drop_bad_version);
  const std::uint16_t payload = ntohs(ip->payload_len);
  if (payload > pkt.len - kEthHdr - sizeof(rte_ipv6_hdr)) return drop(c.drop_bad_length);
  pkt.len = static_cast<std::uint16_t>(kEthHdr + sizeof(rte_ipv6_hdr) + payload);

  Ip6 src, dst;
  std::memcpy(src.b.data(), ip->src_addr, 16);
  std::memcpy(dst.b.data(), ip->dst_addr, 16);
  if (src.is_multicast() || p.ifc.owns(src)) return drop(c.drop_bad_source);

  const bool unicast_to_us = p.ifc.owns(dst);
  const bool nd_group =
      dst.is_multicast() && (p.ifc.is_our_solicited_node(dst) || dst == kAllNodes);
  if (!unicast_to_us && !dst.is_multicast()) return drop(c.drop_not_for_us);

  switch (ip->proto) {
    case kIpProtoIcmp6:
      if (unicast_to_us || nd_group) return handle_icmp6(p, pkt);
      return Verdict::kToKernel;  // MLD and other link-scope multicast
    case kIp6Fragment:
      return drop(c.drop_fragment);
    case kIpProtoUdp:
      if (!unicast_to_us) return Verdict::kToKernel;
      return handle_udp(p, pkt, static_cast<std::uint16_t>(kEthHdr + sizeof(rte_ipv6_hdr)), payload,
                        true);
    case kIpProtoTcp:
    case kIp6HopByHop:  // MLD reports and queries carry a router alert option
    case kIp6Routing:
    case kIp6DestOpts:
      return Verdict::kToKernel;
    default:
      return drop(c.drop_unknown_protocol);
  }
}

}  // namespace

Verdict handle_udp(PathContext& p, PacketBuf& pkt, std::uint16_t l4, std::uint16_t l4_len,
                   bool ipv6) {
  Counters& c = p.counters;
  if (l4_len < sizeof(rte_udp_hdr)) return drop(c.drop_truncated);
  auto* udp = reinterpret_cast<rte_udp_hdr*>(pkt.data + l4);
  const std::uint16_t udp_len = ntohs(udp->dgram_len);
  if (udp_len < sizeof(rte_udp_hdr) || udp_len > l4_len) return drop(c.drop_bad_length);
  const std::uint16_t dport = ntohs(udp->dst_port);
  const bool media =
      p.media_port_max != 0 && dport >= p.media_port_min && dport <= p.media_port_max;
  if (!media && (p.sip_port == 0 || dport != p.sip_port)) return Verdict::kToKernel;
  pkt.l4_payload = static_cast<std::uint16_t>(l4 + sizeof(rte_udp_hdr));
  // The relay checks a media datagram's checksum itself, in one faster pass
  // once it knows the flow (dataplane/media/relay.cc).
  if (media) {
    pkt.len = static_cast<std::uint16_t>(l4 + udp_len);
    return Verdict::kMedia;
  }
  // The fast path owns this datagram, so it checks what the kernel would have.
  const std::uint8_t* ip = pkt.data + kEthHdr;
  const bool sum_ok = ipv6 ? ipv6_l4_checksum_ok(ip, pkt.data + l4, udp_len, kIpProtoUdp)
                           : udp->dgram_cksum == 0 ||  // IPv4 allows "no checksum"
                                 ipv4_l4_checksum_ok(ip, pkt.data + l4, udp_len, kIpProtoUdp);
  if (!sum_ok) return drop(c.drop_bad_l4_checksum);
  pkt.len = static_cast<std::uint16_t>(l4 + udp_len);
  return Verdict::kToControl;
}

Verdict process_rx(PathContext& p, PacketBuf& pkt) {
  Counters& c = p.counters;
  if (pkt.len < kEthHdr) return drop(c.drop_truncated);
  auto* eth = reinterpret_cast<rte_ether_hdr*>(pkt.data);
  MacAddr dst_mac, src_mac;
  std::memcpy(dst_mac.b.data(), eth->dst_addr.addr_bytes, 6);
  std::memcpy(src_mac.b.data(), eth->src_addr.addr_bytes, 6);
  if (src_mac.is_multicast()) return drop(c.drop_bad_source);
  if (!dst_mac.is_multicast() && !(dst_mac == p.ifc.mac)) return drop(c.drop_not_for_us);

  switch (ntohs(eth->ether_type)) {
    case RTE_ETHER_TYPE_ARP:
      return handle_arp(p, pkt);
    case RTE_ETHER_TYPE_IPV4:
      return ipv4(p, pkt);
    case RTE_ETHER_TYPE_IPV6:
      return ipv6(p, pkt);
    default:
      return drop(c.drop_unknown_ethertype);
  }
}

}  // namespace trunkline::net
