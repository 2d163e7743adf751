#include "dataplane/sip/steering.h"

#include <arpa/inet.h>
#include <rte_ethdev.h>
#include <rte_mbuf.h>
#include <rte_ring.h>
#include <rte_udp.h>

#include <cstring>

#include "control/sip/preparse.h"
#include "dataplane/edge/gate.h"
#include "dataplane/lcore/context.h"
#include "dataplane/net/checksum.h"
#include "dataplane/net/headers.h"
#include "dataplane/net/path.h"
#include "dataplane/sip/overload_reply.h"

namespace trunkline::dataplane {

namespace {

// Turns the request frame into its reply: swap MACs, addresses and ports,
// put `payload_len` bytes already written at the payload offset, fix lengths
// and checksums.
void turn_into_reply(const net::Interface& ifc, net::PacketBuf& buf, std::uint16_t payload_len) {
  auto* eth = reinterpret_cast<rte_ether_hdr*>(buf.data);
  eth->dst_addr = eth->src_addr;
  std::memcpy(eth->src_addr.addr_bytes, ifc.mac.b.data(), 6);
  std::uint8_t* ip = buf.data + net::kEthHdr;
  const std::uint16_t l4 = static_cast<std::uint16_t>(buf.l4_payload - sizeof(rte_udp_hdr));
  auto* udp = reinterpret_cast<rte_udp_hdr*>(buf.data + l4);
  const rte_be16_t their_port = udp->src_port;
  udp->src_port = udp->dst_port;
  udp->dst_port = their_port;
  const std::uint16_t udp_len = static_cast<std::uint16_t>(sizeof(rte_udp_hdr) + payload_len);
  udp->dgram_len = htons(udp_len);
  udp->dgram_cksum = 0;
  if ((ip[0] >> 4) == 4) {
    auto* h = reinterpret_cast<rte_ipv4_hdr*>(ip);
    const rte_be32_t src = h->src_addr;
    h->src_addr = h->dst_addr;
    h->dst_addr = src;
    h->total_length = htons(static_cast<std::uint16_t>(l4 - net::kEthHdr + udp_len));
    h->time_to_live = 64;
    h->fragment_offset = htons(0x4000);  // DF
    h->hdr_checksum = 0;
    h->hdr_checksum = net::ipv4_header_checksum(ip, (h->version_ihl & 0x0f) * 4u);
    udp->dgram_cksum = net::ipv4_l4_checksum(ip, buf.data + l4, udp_len, net::kIpProtoUdp);
  } else {
    auto* h = reinterpret_cast<rte_ipv6_hdr*>(ip);
    std::uint8_t tmp[16];
    std::memcpy(tmp, h->src_addr, 16);
    std::memcpy(h->src_addr, h->dst_addr, 16);
    std::memcpy(h->dst_addr, tmp, 16);
    h->payload_len = htons(udp_len);
    h->hop_limits = 64;
    udp->dgram_cksum = net::ipv6_l4_checksum(ip, buf.data + l4, udp_len, net::kIpProtoUdp);
  }
  if (udp->dgram_cksum == 0) udp->dgram_cksum = 0xffff;  // 0 means "none" in UDP
  buf.len = static_cast<std::uint16_t>(buf.l4_payload + payload_len);
}

// The source of a frame that came from an on-link host: remember its MAC so
// that answers from control can be sent without resolving it first.
void glean_source(LcoreContext& ctx, const net::Interface& ifc, const net::PacketBuf& buf,
                  std::uint64_t now_ms) {
  net::MacAddr mac;
  std::memcpy(mac.b.data(), buf.data + 6, 6);
  const std::uint8_t* ip = buf.data + net::kEthHdr;
  if ((ip[0] >> 4) == 4) {
    net::Ip4 src;
    std::memcpy(&src.be, ip + 12, 4);
    for (const auto& p : ifc.v4) {
      if (p.contains(src)) {
        ctx.neighbours.learn(net::IpKey::of(src), mac, now_ms, false);
        return;
      }
    }
  } else {
    net::Ip6 src;
    std::memcpy(src.b.data(), ip + 8, 16);
    for (const auto& p : ifc.v6) {
      if (p.contains(src)) {
        ctx.neighbours.learn(net::IpKey::of(src), mac, now_ms, false);
        return;
      }
    }
  }
}

}  // namespace

SteerResult steer(LcoreContext& ctx, rte_mbuf* m, net::PacketBuf& buf) {
  net::Counters& c = ctx.counters;
  const SipSteering& s = ctx.sip;
  const std::string_view datagram(reinterpret_cast<const char*>(buf.data + buf.l4_payload),
                                  buf.len - buf.l4_payload);
  // The edge first: a flood from one source costs a table lookup per
  // datagram, not a pre-parse (dataplane/edge/gate.h).
  edge::Verdict edge_verdict = edge::Verdict::kPass;
  if (!edge::is_keepalive(datagram)) {
    edge_verdict = edge::admit(ctx.edge, buf.data + net::kEthHdr, ctx.now_us * 1000, c);
    if (edge_verdict == edge::Verdict::kDrop) return SteerResult::kDropped;
  }
  sip::PreParsed pre;
  const sip::PreparseResult r = sip::preparse_datagram(datagram, &pre);
  if (r == sip::PreparseResult::kKeepalive) {
    net::bump(c.sip_keepalive);
    return SteerResult::kDropped;
  }
  if (edge_verdict == edge::Verdict::kCheck && pre.is_request &&
      edge::drop_scanner(ctx.edge, pre.user_agent, c))
    return SteerResult::kDropped;  // silently: a scanner learns nothing
  if (r != sip::PreparseResult::kOk) {
    net::bump(c.sip_refused);
    const auto i = static_cast<std::size_t>(r);
    if (i < net::kSipRefusalReasons) net::bump(c.sip_refused_by[i]);
    // A malformed request still deserves its 400 (or 505, 420 ...) when one
    // can be addressed: control judges it. Anything else ends here.
    if (!pre.is_request) return SteerResult::kDropped;
  }
  const PortQueue* pq = nullptr;
  for (const PortQueue& q : ctx.ports)
    if (q.port == m->port) pq = &q;
  if (pq != nullptr) glean_source(ctx, *pq->ifc, buf, ctx.now_ms);

  m->data_len = m->pkt_len = buf.len;
  const unsigned shard = static_cast<unsigned>(sip::call_id_hash(pre.call_id) % s.shards);
  if (rte_ring_sp_enqueue(s.to_control[shard], m) == 0) {
    net::bump(c.sip_rx);
    return SteerResult::kQueued;
  }
  // The shard is behind. A new INVITE (no To tag yet cannot be told apart
  // here cheaply, so: any INVITE request) gets 503 so the carrier reroutes.
  net::bump(c.sip_queue_full);
  if (pre.is_request && pre.method == sip::Method::kInvite && pq != nullptr) {
    char reply[1400];
    const std::size_t n = write_overload_503(datagram, s.retry_after_s, reply, sizeof reply);
    if (n != 0 && buf.l4_payload + n <= buf.room) {
      std::memcpy(buf.data + buf.l4_payload, reply, n);
      turn_into_reply(*pq->ifc, buf, static_cast<std::uint16_t>(n));
      m->data_len = m->pkt_len = buf.len;
      net::bump(c.sip_overload_503);
      return SteerResult::kReply;
    }
  }
  return SteerResult::kDropped;
}

unsigned send_from_control(LcoreContext& ctx) {
  net::Counters& c = ctx.counters;
  unsigned total = 0;
  for (unsigned s = 0; s < ctx.sip.shards; ++s) {
    rte_mbuf* pkts[32];
    const unsigned n = rte_ring_sc_dequeue_burst(ctx.sip.from_control[s],
                                                 reinterpret_cast<void**>(pkts), 32, nullptr);
    for (unsigned i = 0; i < n; ++i) {
      rte_mbuf* m = pkts[i];
      const PortQueue* pq = nullptr;
      for (const PortQueue& q : ctx.ports)
        if (q.port == m->port) pq = &q;
      std::uint8_t* frame = rte_pktmbuf_mtod(m, std::uint8_t*);
      const std::uint8_t* ip = frame + net::kEthHdr;
      net::IpKey dst;
      if ((ip[0] >> 4) == 4) {
        net::Ip4 a;
        std::memcpy(&a.be, ip + 16, 4);
        dst = net::IpKey::of(a);
      } else {
        net::Ip6 a;
        std::memcpy(a.b.data(), ip + 24, 16);
        dst = net::IpKey::of(a);
      }
      const net::Resolution res =
          pq != nullptr ? ctx.neighbours.resolve(dst, ctx.now_ms) : net::Resolution{};
      if (res.mac == nullptr) {
        // Not resolved yet: this buffer carries the probe instead, and SIP
        // retransmission covers the message it held.
        net::bump(c.sip_tx_no_neighbour);
        std::uint16_t probe_len = 0;
        if (res.send_probe && pq != nullptr) {
          net::Ip4 a4;
          std::memcpy(&a4.be, &dst.b[12], 4);
          net::Ip6 a6;
          a6.b = dst.b;
          probe_len = dst.is_v4() ? net::build_arp_request(*pq->ifc, a4, frame)
                                  : net::build_neighbor_solicit(*pq->ifc, a6, frame);
        }
        if (probe_len != 0) {
          m->data_len = m->pkt_len = probe_len;
          if (rte_eth_tx_burst(pq->port, pq->queue, &m, 1) == 1) {
            net::bump(dst.is_v4() ? c.arp_request_out : c.nd_solicit_out);
            continue;
          }
        }
        rte_pktmbuf_free(m);
        continue;
      }
      auto* eth = reinterpret_cast<rte_ether_hdr*>(frame);
      std::memcpy(eth->dst_addr.addr_bytes, res.mac->b.data(), 6);
      std::memcpy(eth->src_addr.addr_bytes, pq->ifc->mac.b.data(), 6);
      eth->ether_type = htons((ip[0] >> 4) == 4 ? RTE_ETHER_TYPE_IPV4 : RTE_ETHER_TYPE_IPV6);
      const std::uint32_t len = m->pkt_len;
      if (rte_eth_tx_burst(pq->port, pq->queue, &m, 1) == 1) {
        net::bump(c.sip_tx);
        net::bump(c.tx_packets);
        net::bump(c.tx_bytes, len);
      } else {
        net::bump(c.tx_dropped);
        rte_pktmbuf_free(m);
      }
    }
    total += n;
  }
  return total;
}

}  // namespace trunkline::dataplane
