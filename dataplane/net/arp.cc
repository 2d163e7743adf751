// ARP (RFC 826): answer requests for our IPv4 addresses in place, learn
// senders, pass replies on to the kernel so its own ARP cache learns too.
#include <arpa/inet.h>

#include <cstring>

#include "dataplane/net/headers.h"
#include "dataplane/net/path.h"

namespace trunkline::net {

Verdict handle_arp(PathContext& p, PacketBuf& pkt) {
  Counters& c = p.counters;
  if (pkt.len < kEthHdr + sizeof(rte_arp_hdr)) {
    bump(c.drop_truncated);
    return Verdict::kDrop;
  }
  auto* eth = reinterpret_cast<rte_ether_hdr*>(pkt.data);
  auto* arp = reinterpret_cast<rte_arp_hdr*>(pkt.data + kEthHdr);
  if (arp->arp_hardware != htons(RTE_ARP_HRD_ETHER) ||
      arp->arp_protocol != htons(RTE_ETHER_TYPE_IPV4) || arp->arp_hlen != 6 || arp->arp_plen != 4) {
    bump(c.drop_bad_arp);
    return Verdict::kDrop;
  }
  rte_arp_ipv4& d = arp->arp_data;
  const Ip4 sender{d.arp_sip}, target{d.arp_tip};
  MacAddr sender_mac;
  std::memcpy(sender_mac.b.data(), d.arp_sha.addr_bytes, 6);
  if (sender_mac.is_multicast()) {
    bump(c.drop_bad_source);
    return Verdict::kDrop;
  }
  if (p.ifc.owns(sender)) {
    // Someone else claims one of our addresses (or our own probe looped).
    bump(c.arp_conflict);
    return Verdict::kDrop;
  }
  const bool for_us = p.ifc.owns(target);
  const bool has_sender = sender.be != 0;  // 0.0.0.0: an RFC 5227 probe
  const std::uint16_t op = ntohs(arp->arp_opcode);

  // RFC 826 merge: refresh a known sender whatever the target; add it only
  // when the packet is for us.
  if (has_sender) p.neighbours.learn(IpKey::of(sender), sender_mac, p.now_ms, false, for_us);
  if (!for_us) {
    bump(c.drop_not_for_us);
    return Verdict::kDrop;
  }
  if (op == RTE_ARP_OP_REPLY) {
    bump(c.arp_reply_in);
    if (has_sender) p.neighbours.learn(IpKey::of(sender), sender_mac, p.now_ms, true);
    return Verdict::kToKernel;
  }
  if (op != RTE_ARP_OP_REQUEST) {
    bump(c.drop_bad_arp);
    return Verdict::kDrop;
  }
  bump(c.arp_request_in);
  // Turn the request into the reply.
  arp->arp_opcode = htons(RTE_ARP_OP_REPLY);
  d.arp_tha = d.arp_sha;
  d.arp_tip = d.arp_sip;
  std::memcpy(d.arp_sha.addr_bytes, p.ifc.mac.b.data(), 6);
  d.arp_sip = target.be;
  eth->dst_addr = eth->src_addr;
  std::memcpy(eth->src_addr.addr_bytes, p.ifc.mac.b.data(), 6);
  pkt.len = static_cast<std::uint16_t>(kEthHdr + sizeof(rte_arp_hdr));
  bump(c.arp_reply_out);
  return Verdict::kReply;
}

std::uint16_t build_arp_request(const Interface& ifc, Ip4 target, std::uint8_t* out) {
  const Ip4* src = ifc.source_for(target);
  if (src == nullptr) return 0;
  auto* eth = reinterpret_cast<rte_ether_hdr*>(out);
  auto* arp = reinterpret_cast<rte_arp_hdr*>(out + kEthHdr);
  std::memset(eth->dst_addr.addr_bytes, 0xff, 6);
  std::memcpy(eth->src_addr.addr_bytes, ifc.mac.b.data(), 6);
  eth->ether_type = htons(RTE_ETHER_TYPE_ARP);
  arp->arp_hardware = htons(RTE_ARP_HRD_ETHER);
  arp->arp_protocol = htons(RTE_ETHER_TYPE_IPV4);
  arp->arp_hlen = 6;
  arp->arp_plen = 4;
  arp->arp_opcode = htons(RTE_ARP_OP_REQUEST);
  std::memcpy(arp->arp_data.arp_sha.addr_bytes, ifc.mac.b.data(), 6);
  arp->arp_data.arp_sip = src->be;
  std::memset(arp->arp_data.arp_tha.addr_bytes, 0, 6);
  arp->arp_data.arp_tip = target.be;
  // Pad to the Ethernet minimum of 60 bytes (without FCS).
  const std::uint16_t len = kEthHdr + sizeof(rte_arp_hdr);
  std::memset(out + len, 0, 60 - len);
  return 60;
}

}  // namespace trunkline::net
