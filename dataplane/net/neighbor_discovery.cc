// IPv6 Neighbor Discovery (RFC 4861): answer solicitations for our
// addresses, learn from advertisements, and build our own solicitations.
#include <arpa/inet.h>

#include <cstring>

#include "dataplane/net/checksum.h"
#include "dataplane/net/headers.h"
#include "dataplane/net/path.h"

namespace trunkline::net {

namespace {

Verdict bad_nd(Counters& c) {
  bump(c.drop_bad_nd);
  return Verdict::kDrop;
}

// Finds the link-layer address option of `type`; false if the options are
// malformed (a zero length, or running past the end: RFC 4861 §4.6).
bool find_link_addr(const std::uint8_t* opt, std::size_t len, std::uint8_t type, MacAddr* out,
                    bool* found) {
  *found = false;
  while (len > 0) {
    if (len < 2 || opt[1] == 0 || opt[1] * 8u > len) return false;
    const std::size_t olen = opt[1] * 8u;
    if (opt[0] == type && olen >= 8) {
      std::memcpy(out->b.data(), opt + 2, 6);
      *found = true;
    }
    opt += olen;
    len -= olen;
  }
  return true;
}

void write_ipv6_header(std::uint8_t* ip6, const Ip6& src, const Ip6& dst, std::uint16_t payload) {
  auto* ip = reinterpret_cast<rte_ipv6_hdr*>(ip6);
  ip->vtc_flow = htonl(6u << 28);
  ip->payload_len = htons(payload);
  ip->proto = kIpProtoIcmp6;
  ip->hop_limits = 255;  // ND messages must arrive with 255 (RFC 4861 §7.1)
  std::memcpy(ip->src_addr, src.b.data(), 16);
  std::memcpy(ip->dst_addr, dst.b.data(), 16);
}

}  // namespace

Verdict handle_neighbor_solicit(PathContext& p, PacketBuf& pkt) {
  Counters& c = p.counters;
  std::uint8_t* ip6 = pkt.data + kEthHdr;
  auto* ip = reinterpret_cast<rte_ipv6_hdr*>(ip6);
  const std::uint16_t l4_len = ntohs(ip->payload_len);
  if (ip->hop_limits != 255 || l4_len < sizeof(NdMessage)) return bad_nd(c);
  auto* ns = reinterpret_cast<NdMessage*>(ip6 + sizeof(rte_ipv6_hdr));
  if (ns->code != 0) return bad_nd(c);
  Ip6 target, src;
  std::memcpy(target.b.data(), ns->target, 16);
  std::memcpy(src.b.data(), ip->src_addr, 16);
  if (target.is_multicast()) return bad_nd(c);
  MacAddr sllao;
  bool has_sllao = false;
  if (!find_link_addr(ip6 + sizeof(rte_ipv6_hdr) + sizeof(NdMessage), l4_len - sizeof(NdMessage),
                      kNdOptSourceLinkAddr, &sllao, &has_sllao)) {
    return bad_nd(c);
  }
  const bool dad = src.is_unspecified();
  if (dad && has_sllao) return bad_nd(c);  // RFC 4861 §7.1.1
  if (!p.ifc.owns(target)) {
    bump(c.drop_not_for_us);
    return Verdict::kDrop;
  }
  bump(c.nd_solicit_in);
  if (!dad && has_sllao) p.neighbours.learn(IpKey::of(src), sllao, p.now_ms, false);

  // Reply: NA with our MAC as the target link-layer address. A DAD probe for
  // our address is answered to all-nodes to defend it (RFC 4861 §7.2.4).
  auto* eth = reinterpret_cast<rte_ether_hdr*>(pkt.data);
  const std::uint16_t na_len = sizeof(NdMessage) + sizeof(NdLinkAddrOption);
  const std::uint16_t frame_len = kEthHdr + sizeof(rte_ipv6_hdr) + na_len;
  if (pkt.room < frame_len) {
    bump(c.drop_truncated);
    return Verdict::kDrop;
  }
  const Ip6 dst = dad ? kAllNodes : src;
  MacAddr dst_mac = dad ? multicast_mac(kAllNodes) : (has_sllao ? sllao : MacAddr{});
  if (!dad && !has_sllao) std::memcpy(dst_mac.b.data(), eth->src_addr.addr_bytes, 6);
  std::memcpy(eth->dst_addr.addr_bytes, dst_mac.b.data(), 6);
  std::memcpy(eth->src_addr.addr_bytes, p.ifc.mac.b.data(), 6);
  write_ipv6_header(ip6, target, dst, na_len);
  ns->type = kIcmp6NeighborAdvert;
  ns->code = 0;
  ns->flags = htonl((dad ? 0 : kNaSolicited) | kNaOverride);
  auto* opt = reinterpret_cast<NdLinkAddrOption*>(ip6 + sizeof(rte_ipv6_hdr) + sizeof(NdMessage));
  opt->type = kNdOptTargetLinkAddr;
  opt->len = 1;
  std::memcpy(opt->mac, p.ifc.mac.b.data(), 6);
  ns->checksum = 0;
  ns->checksum = ipv6_l4_checksum(ip6, reinterpret_cast<std::uint8_t*>(ns), na_len, kIpProtoIcmp6);
  pkt.len = frame_len;
  bump(c.nd_advert_out);
  return Verdict::kReply;
}

Verdict handle_neighbor_advert(PathContext& p, PacketBuf& pkt) {
  Counters& c = p.counters;
  std::uint8_t* ip6 = pkt.data + kEthHdr;
  auto* ip = reinterpret_cast<rte_ipv6_hdr*>(ip6);
  const std::uint16_t l4_len = ntohs(ip->payload_len);
  if (ip->hop_limits != 255 || l4_len < sizeof(NdMessage)) return bad_nd(c);
  auto* na = reinterpret_cast<NdMessage*>(ip6 + sizeof(rte_ipv6_hdr));
  Ip6 target;
  std::memcpy(target.b.data(), na->target, 16);
  if (na->code != 0 || target.is_multicast()) return bad_nd(c);
  MacAddr tllao;
  bool has_tllao = false;
  if (!find_link_addr(ip6 + sizeof(rte_ipv6_hdr) + sizeof(NdMessage), l4_len - sizeof(NdMessage),
                      kNdOptTargetLinkAddr, &tllao, &has_tllao)) {
    return bad_nd(c);
  }
  if (p.ifc.owns(target)) {
    bump(c.arp_conflict);  // another node advertises one of our addresses
    return Verdict::kDrop;
  }
  bump(c.nd_advert_in);
  if (has_tllao) {
    const bool solicited = (ntohl(na->flags) & kNaSolicited) != 0;
    // An unsolicited advertisement only updates an entry we already have.
    p.neighbours.learn(IpKey::of(target), tllao, p.now_ms, solicited, solicited);
  }
  return Verdict::kToKernel;  // the kernel may be resolving the same neighbour
}

std::uint16_t build_neighbor_solicit(const Interface& ifc, const Ip6& target, std::uint8_t* out) {
  const Ip6* src = ifc.source_for(target);
  if (src == nullptr) return 0;
  const Ip6 group = target.solicited_node();
  auto* eth = reinterpret_cast<rte_ether_hdr*>(out);
  const MacAddr dst_mac = multicast_mac(group);
  std::memcpy(eth->dst_addr.addr_bytes, dst_mac.b.data(), 6);
  std::memcpy(eth->src_addr.addr_bytes, ifc.mac.b.data(), 6);
  eth->ether_type = htons(RTE_ETHER_TYPE_IPV6);
  std::uint8_t* ip6 = out + kEthHdr;
  const std::uint16_t ns_len = sizeof(NdMessage) + sizeof(NdLinkAddrOption);
  write_ipv6_header(ip6, *src, group, ns_len);
  auto* ns = reinterpret_cast<NdMessage*>(ip6 + sizeof(rte_ipv6_hdr));
  ns->type = kIcmp6NeighborSolicit;
  ns->code = 0;
  ns->flags = 0;
  std::memcpy(ns->target, target.b.data(), 16);
  auto* opt = reinterpret_cast<NdLinkAddrOption*>(ip6 + sizeof(rte_ipv6_hdr) + sizeof(NdMessage));
  opt->type = kNdOptSourceLinkAddr;
  opt->len = 1;
  std::memcpy(opt->mac, ifc.mac.b.data(), 6);
  ns->checksum = 0;
  ns->checksum = ipv6_l4_checksum(ip6, reinterpret_cast<std::uint8_t*>(ns), ns_len, kIpProtoIcmp6);
  return kEthHdr + sizeof(rte_ipv6_hdr) + ns_len;
}

}  // namespace trunkline::net
