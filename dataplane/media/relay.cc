#include "dataplane/media/relay.h"

#include <arpa/inet.h>
#include <rte_ip.h>
#include <rte_udp.h>

#include <bit>
#include <cstring>

#include "dataplane/media/dtmf.h"
#include "dataplane/media/family_change.h"
#include "dataplane/media/fast_checksum.h"
#include "dataplane/media/record_fork.h"
#include "dataplane/net/checksum.h"
#include "dataplane/net/headers.h"
#include "dataplane/net/path.h"

namespace trunkline::media {

namespace {

constexpr std::uint8_t kTtl = 64;  // the relay originates each leg's stream

net::Verdict drop(std::atomic<std::uint64_t>& reason) {
  net::bump(reason);
  return net::Verdict::kDrop;
}

// IPv4 addresses as IpKeys without a call: ::ffff:a.b.c.d, stored as two
// 8-byte words so that the 8-byte loads of flow_hash() and same_ip() right
// after are forwarded from the stores (byte-wise stores would stall them).
void key_of_v4(const std::uint8_t* a, net::IpKey* k) {
  static_assert(std::endian::native == std::endian::little);
  std::uint32_t v;
  std::memcpy(&v, a, 4);
  const std::uint64_t lo = 0, hi = 0xffff0000u | std::uint64_t{v} << 32;
  std::memcpy(k->b.data(), &lo, 8);
  std::memcpy(k->b.data() + 8, &hi, 8);
}

bool same(const Endpoint& e, const net::IpKey& ip, std::uint16_t port) {
  return e.port == port && same_ip(e.ip, ip);
}

// RFC 1624 eqn. 3, HC' = ~(~HC + ~m + m'), over `n` bytes that changed from
// `before` to `after` (n even).
std::uint16_t checksum_update(std::uint16_t stored, const std::uint8_t* before,
                              const std::uint8_t* after, std::size_t n) {
  std::uint64_t sum = static_cast<std::uint16_t>(~stored);
  sum += static_cast<std::uint16_t>(~fold(sum_bytes(before, n)));
  sum = sum_bytes(after, n, sum);
  return static_cast<std::uint16_t>(~fold(sum));
}

// The UDP checksum of a datagram the fast path owns, checked here rather than
// in handle_udp so that it costs one fast pass (IPv4 allows "none": 0).
bool udp_checksum_ok(const std::uint8_t* ip, const std::uint8_t* udp, std::uint16_t udp_len,
                     bool ipv6) {
  std::uint16_t stored;
  std::memcpy(&stored, udp + 6, 2);
  std::uint64_t sum;
  if (ipv6) {
    if (stored == 0) return false;  // RFC 8200 §8.1: mandatory
    sum = sum_bytes(ip + 8, 32);
  } else {
    if (stored == 0) return true;
    sum = sum_bytes(ip + 12, 8);
  }
  sum += htons(net::kIpProtoUdp) + static_cast<std::uint64_t>(htons(udp_len));
  return fold(sum_bytes(udp, udp_len, sum)) == 0xffff;
}

void lock(MediaContext& m, Leg& l, const net::IpKey& ip, std::uint16_t port, RelayOut* out) {
  l.peer = Endpoint{ip, port};
  l.flags = static_cast<std::uint8_t>((l.flags | Leg::kLocked) & ~Leg::kCandidate);
  out->glean = true;
  out->source = ip;
  Report r;
  r.kind = ReportKind::kLatched;
  r.leg = m.flows.leg_index(l);
  r.worker = m.worker;
  r.id = l.id;
  r.addr = l.peer;
  send_report(m, l.owner_shard, r);
}

// Step 2 for RTP; see the latching rule in relay.h.
bool accept_rtp(MediaContext& m, Leg& l, const net::IpKey& src, std::uint16_t sport,
                RelayOut* out) {
  if (l.has(Leg::kLocked)) return same(l.peer, src, sport);
  const bool signalled = l.remote.port != 0;
  if (signalled && same(l.remote, src, sport)) {
    lock(m, l, src, sport, out);
    return true;
  }
  if (!l.has(Leg::kLatch)) return false;
  if (!signalled) {
    lock(m, l, src, sport, out);
    return true;
  }
  if (!l.has(Leg::kCandidate)) {
    l.peer = Endpoint{src, sport};
    l.flags |= Leg::kCandidate;
    l.heard = 0;
  } else if (!same(l.peer, src, sport)) {
    return false;
  }
  if (++l.heard >= kLatchWindow) lock(m, l, src, sport, out);
  return true;
}

// Step 2 for RTCP: from the address RTP is accepted from, any port.
bool accept_rtcp(Leg& l, const net::IpKey& src, std::uint16_t sport) {
  if (l.has(Leg::kLocked)) {
    if (!same_ip(l.peer.ip, src)) return false;
    if (l.has(Leg::kLatch)) l.rtcp_port = sport;  // symmetric RTCP
    return true;
  }
  if (l.remote.port != 0 && same_ip(l.remote.ip, src)) return true;
  return l.has(Leg::kCandidate) && same_ip(l.peer.ip, src);
}

// Step 3 for RTP: statistics and RFC 4733 event ends.
void account_rtp(MediaContext& m, Leg& l, const std::uint8_t* rtp, std::uint16_t len,
                 std::uint64_t now_us) {
  RtpStream& s = l.rx;
  ++s.packets;
  s.bytes += len;
  const std::uint8_t pt = rtp[1] & 0x7f;
  const bool event = l.telephone_event_pt != 0 && pt == l.telephone_event_pt;
  std::uint16_t seq;
  std::uint32_t ts, ssrc;
  std::memcpy(&seq, rtp + 2, 2);
  std::memcpy(&ts, rtp + 4, 4);
  std::memcpy(&ssrc, rtp + 8, 4);
  ts = ntohl(ts);
  const auto arrival = static_cast<std::uint32_t>(now_us / kUsPerTick);
  rtp_received(s, ssrc, ntohs(seq), ts, arrival, !event);
  if (!event) return;
  // The payload follows 12 bytes, the CSRCs and an extension header if any.
  std::size_t off = 12 + 4u * (rtp[0] & 0x0f);
  if ((rtp[0] & 0x10) != 0 && off + 4 <= len) off += 4 + 4u * (rtp[off + 2] << 8 | rtp[off + 3]);
  if (off > len) return;
  DtmfEnd e;
  if (!dtmf_end(s, rtp + off, len - off, ts, &e)) return;
  net::bump(m.counters->media_dtmf_events);
  Report r;
  r.kind = ReportKind::kDtmf;
  r.leg = m.flows.leg_index(l);
  r.worker = m.worker;
  r.id = l.id;
  r.dtmf_event = e.event;
  r.dtmf_duration = e.duration;
  r.addr = l.peer;
  send_report(m, l.owner_shard, r);
}

// Step 5 for IPv4. Every sum is taken from the values in registers, not by
// reading back the header just written: an 8-byte load over several smaller
// stores cannot be forwarded and waits for them to reach the cache.
void rewrite_v4(std::uint8_t* ip, rte_udp_hdr* udp, const Leg& tx, const Endpoint& dest,
                std::uint16_t sport, std::uint16_t dport) {
  std::uint32_t old_src, old_dst, old_ports, new_src, new_dst;
  std::memcpy(&old_src, ip + 12, 4);
  std::memcpy(&old_dst, ip + 16, 4);
  std::memcpy(&old_ports, &udp->src_port, 4);
  std::memcpy(&new_src, tx.local.ip.b.data() + 12, 4);
  std::memcpy(&new_dst, dest.ip.b.data() + 12, 4);
  const std::uint16_t ports[2] = {htons(sport), htons(dport)};
  std::uint32_t new_ports;
  std::memcpy(&new_ports, ports, 4);
  // The IPv4 header checksum over the new header: its unchanged first 8
  // bytes, TTL and protocol, the addresses, and any options.
  std::uint64_t head;
  std::memcpy(&head, ip, 8);
  const unsigned hlen = (ip[0] & 0x0f) * 4u;
  const std::uint8_t ttl_proto[2] = {kTtl, ip[9]};
  std::uint16_t tp;
  std::memcpy(&tp, ttl_proto, 2);
  std::uint64_t hsum = (head & 0xffffffffu) + (head >> 32) + tp + new_src + new_dst;
  if (hlen > 20) hsum = sum_bytes(ip + 20, hlen - 20, hsum);
  const auto hcsum = static_cast<std::uint16_t>(~fold(hsum));
  ip[8] = kTtl;
  std::memcpy(ip + 10, &hcsum, 2);
  std::memcpy(ip + 12, &new_src, 4);
  std::memcpy(ip + 16, &new_dst, 4);
  std::memcpy(&udp->src_port, &new_ports, 4);
  if (udp->dgram_cksum == 0) return;  // the sender sent none
  // RFC 1624 eqn. 3 over the addresses and ports.
  std::uint64_t sum = static_cast<std::uint16_t>(~udp->dgram_cksum);
  sum += static_cast<std::uint16_t>(
      ~fold(std::uint64_t{old_src} + std::uint64_t{old_dst} + old_ports));
  sum += std::uint64_t{new_src} + std::uint64_t{new_dst} + new_ports;
  const auto csum = static_cast<std::uint16_t>(~fold(sum));
  udp->dgram_cksum = csum == 0 ? 0xffff : csum;  // 0 means "none" in UDP
}

// Step 5: addresses, ports, TTL / hop limit, checksums.
void rewrite(std::uint8_t* ip, rte_udp_hdr* udp, bool ipv6, const Leg& tx, const Endpoint& dest,
             std::uint16_t sport, std::uint16_t dport) {
  if (!ipv6) return rewrite_v4(ip, udp, tx, dest, sport, dport);
  // The bytes the UDP checksum covers that change: addresses, then ports.
  std::uint8_t before[36], after[36];
  std::uint8_t* addrs = ip + 8;  // source then destination, adjacent
  std::memcpy(before, addrs, 32);
  std::memcpy(before + 32, &udp->src_port, 4);
  std::memcpy(addrs, tx.local.ip.b.data(), 16);
  std::memcpy(addrs + 16, dest.ip.b.data(), 16);
  ip[7] = kTtl;  // hop limit
  udp->src_port = htons(sport);
  udp->dst_port = htons(dport);
  std::memcpy(after, addrs, 32);
  std::memcpy(after + 32, &udp->src_port, 4);
  const std::uint16_t sum = checksum_update(udp->dgram_cksum, before, after, 36);
  udp->dgram_cksum = sum == 0 ? 0xffff : sum;  // 0 means "none" in UDP
}

// After SRTP changed the datagram's payload to `len` bytes: UDP and IP
// lengths, and the frame's. (The IPv4 header checksum follows in rewrite().)
void set_lengths(std::uint8_t* ip, rte_udp_hdr* udp, bool ipv6, std::uint16_t len,
                 net::PacketBuf* pkt) {
  const auto udp_len = static_cast<std::uint16_t>(len + sizeof(rte_udp_hdr));
  udp->dgram_len = htons(udp_len);
  if (ipv6) {
    reinterpret_cast<rte_ipv6_hdr*>(ip)->payload_len = htons(udp_len);
  } else {
    auto* h = reinterpret_cast<rte_ipv4_hdr*>(ip);
    h->total_length = htons(static_cast<std::uint16_t>((h->version_ihl & 0x0f) * 4u + udp_len));
  }
  pkt->len = static_cast<std::uint16_t>(reinterpret_cast<std::uint8_t*>(udp) - pkt->data + udp_len);
}

// The payload changed, so no incremental update: the whole UDP checksum.
void full_udp_checksum(const std::uint8_t* ip, rte_udp_hdr* udp, bool ipv6, std::uint16_t len) {
  const auto udp_len = static_cast<std::uint16_t>(len + sizeof(rte_udp_hdr));
  udp->dgram_cksum = 0;
  std::uint64_t sum = ipv6 ? sum_bytes(ip + 8, 32) : sum_bytes(ip + 12, 8);
  sum += htons(net::kIpProtoUdp) + static_cast<std::uint64_t>(htons(udp_len));
  const auto folded = static_cast<std::uint16_t>(
      ~fold(sum_bytes(reinterpret_cast<const std::uint8_t*>(udp), udp_len, sum)));
  udp->dgram_cksum = folded == 0 ? 0xffff : folded;
}

}  // namespace

net::Verdict relay(MediaContext& m, net::PacketBuf& pkt, std::uint16_t l4, bool ipv6,
                   std::uint64_t now_us, RelayOut* out, const FlowPeek* peek) {
  net::Counters& c = *m.counters;
  out->glean = false;
  std::uint8_t* ip = pkt.data + net::kEthHdr;
  auto* udp = reinterpret_cast<rte_udp_hdr*>(pkt.data + l4);
  const std::uint16_t dport = ntohs(udp->dst_port);
  const bool rtcp = (dport & 1) != 0;
  net::IpKey dst, src;
  if (ipv6) {
    std::memcpy(src.b.data(), ip + 8, 16);
    std::memcpy(dst.b.data(), ip + 24, 16);
  } else {
    key_of_v4(ip + 12, &src);
    key_of_v4(ip + 16, &dst);
  }

  // 1. The leg it arrived on.
  const auto rtp_port = static_cast<std::uint16_t>(dport & ~1u);
  Leg* rx = peek != nullptr && peek->rtp_port == rtp_port
                ? m.flows.find(peek->hash, dst, rtp_port)  // the same bytes, hashed by peek_flow
                : m.flows.find(dst, rtp_port);
  if (rx == nullptr) return drop(c.media_no_flow);
  std::uint8_t* payload = pkt.data + l4 + sizeof(rte_udp_hdr);
  auto len = static_cast<std::uint16_t>(pkt.len - l4 - sizeof(rte_udp_hdr));
  if (!udp_checksum_ok(ip, pkt.data + l4, static_cast<std::uint16_t>(pkt.len - l4), ipv6)) {
    return drop(c.drop_bad_l4_checksum);
  }
  if (len < (rtcp ? 8 : 12) || (payload[0] >> 6) != 2) return drop(c.media_not_rtp);
  // SRTP from this leg's peer: authenticated and decrypted in place first,
  // so nothing unauthenticated latches, counts or reaches the other side.
  if (rx->has(Leg::kSrtp)) {
    int n = len;
    if (!m.srtp.unprotect(m.flows.leg_number(*rx), rtcp, payload, &n))
      return drop(c.media_srtp_unprotect_failed);
    len = static_cast<std::uint16_t>(n);
  }

  // 2. Source check and latching.
  const std::uint16_t sport = ntohs(udp->src_port);
  if (!(rtcp ? accept_rtcp(*rx, src, sport) : accept_rtp(m, *rx, src, sport, out))) {
    ++rx->rx.spoofed;
    return drop(c.media_spoofed);
  }

  // 3. Statistics of the receiving leg.
  if (rtcp) {
    ++rx->rx.rtcp_packets;
  } else {
    account_rtp(m, *rx, payload, len, now_us);
    if (rx->has(Leg::kRecord) &&
        (rx->telephone_event_pt == 0 || (payload[1] & 0x7f) != rx->telephone_event_pt)) {
      fork_rtp(m, *rx, m.flows.leg_index(*rx), payload, len, now_us);
    }
  }

  // 4. The other leg. Real media towards it ends any prompt it was hearing.
  Leg& tx = m.flows.other(*rx);
  if (tx.playing != 0 && !rtcp) {
    m.playout.stop(m.flows.leg_number(tx));
    tx.playing = 0;
    net::bump(c.media_playout_stopped_by_media);
  }
  if (tx.has(Leg::kHeld)) return drop(c.media_held_dropped);
  // A leg of the other family: the datagram moves behind a header of that
  // family; the checksum is then computed whole, like a resized one's.
  const bool translated = tx.has(Leg::kV6) != ipv6;
  if (translated) {
    if (!change_family(pkt, &l4, !ipv6)) return drop(c.media_family_no_room);
    ipv6 = !ipv6;
    udp = reinterpret_cast<rte_udp_hdr*>(pkt.data + l4);
    payload = pkt.data + l4 + sizeof(rte_udp_hdr);
    net::bump(c.media_family_translated);
  }
  const bool locked = tx.has(Leg::kLocked);
  const Endpoint& dest = locked ? tx.peer : tx.remote;
  if (dest.port == 0) return drop(c.media_no_destination);
  const std::uint16_t to_port =
      !rtcp ? dest.port
            : (locked && tx.rtcp_port != 0 ? tx.rtcp_port
                                           : static_cast<std::uint16_t>(dest.port + 1));

  // SRTP towards this leg's peer; either side's SRTP changes the length.
  const bool resized = rx->has(Leg::kSrtp) || tx.has(Leg::kSrtp);
  if (tx.has(Leg::kSrtp)) {
    int n = len;
    if (!m.srtp.protect(m.flows.leg_number(tx), rtcp, payload, &n,
                        pkt.room - (l4 + static_cast<int>(sizeof(rte_udp_hdr)))))
      return drop(c.media_srtp_protect_failed);
    len = static_cast<std::uint16_t>(n);
  }
  if (resized) set_lengths(ip, udp, ipv6, len, &pkt);

  // 5. Rewrite.
  rewrite(ip, udp, ipv6, tx, dest, static_cast<std::uint16_t>(tx.local.port + (rtcp ? 1 : 0)),
          to_port);
  if ((resized || translated) && (ipv6 || udp->dgram_cksum != 0))
    full_udp_checksum(ip, udp, ipv6, len);
  net::bump(rtcp ? c.media_rtcp_relayed : c.media_relayed);
  out->port = tx.dpdk_port;
  out->next_hop = dest.ip;
  return net::Verdict::kForward;
}

void peek_flow(const MediaContext& m, const std::uint8_t* frame, std::uint16_t len, FlowPeek* out) {
  out->rtp_port = 0;
  if (len < net::kEthHdr + 40 + sizeof(rte_udp_hdr)) return;
  const std::uint8_t* ip = frame + net::kEthHdr;
  const std::uint8_t* udp;
  net::IpKey key;
  if (frame[12] == 0x08 && frame[13] == 0x00) {
    const unsigned hlen = (ip[0] & 0x0f) * 4u;
    if (ip[9] != net::kIpProtoUdp || len < net::kEthHdr + hlen + sizeof(rte_udp_hdr)) return;
    out->dst = ip + 16;
    out->v6 = false;
    key_of_v4(out->dst, &key);
    udp = ip + hlen;
  } else if (frame[12] == 0x86 && frame[13] == 0xdd) {
    if (ip[6] != net::kIpProtoUdp) return;
    out->dst = ip + 24;
    out->v6 = true;
    std::memcpy(key.b.data(), out->dst, 16);
    udp = ip + 40;
  } else {
    return;
  }
  const auto dport = static_cast<std::uint16_t>(udp[2] << 8 | udp[3]);
  if (dport < m.port_min || dport > m.port_max) return;
  out->rtp_port = static_cast<std::uint16_t>(dport & ~1u);
  out->hash = flow_hash(key, out->rtp_port);
  m.flows.prefetch(out->hash);
}

void prefetch_legs(MediaContext& m, const FlowPeek& p) {
  if (p.rtp_port == 0) return;
  Leg* l = m.flows.candidate(p.hash);
  if (l == nullptr) return;
  __builtin_prefetch(l, 1);
  __builtin_prefetch(reinterpret_cast<const std::uint8_t*>(l) + 64, 1);
  __builtin_prefetch(&m.flows.other(*l));
}

L2Result write_ethernet(NextHopCache& cache, net::NeighbourTable& neighbours,
                        const net::Interface& out_ifc, const RelayOut& out, net::PacketBuf& pkt,
                        std::uint64_t now_ms, net::Counters& c) {
  auto* eth = reinterpret_cast<rte_ether_hdr*>(pkt.data);
  if (const net::MacAddr* mac = cache.find(out.next_hop, out.port, now_ms)) {
    std::memcpy(eth->dst_addr.addr_bytes, mac->b.data(), 6);
    std::memcpy(eth->src_addr.addr_bytes, out_ifc.mac.b.data(), 6);
    return L2Result::kSend;
  }
  const net::Resolution res = neighbours.resolve(out.next_hop, now_ms);
  if (res.mac == nullptr) {
    // Not resolved yet: this buffer carries the probe instead; the stream's
    // next packets follow once the peer answers.
    net::bump(c.media_no_neighbour);
    if (!res.send_probe || pkt.room < 86) return L2Result::kDrop;
    std::uint16_t len = 0;
    if (out.next_hop.is_v4()) {
      net::Ip4 a;
      std::memcpy(&a.be, out.next_hop.b.data() + 12, 4);
      len = net::build_arp_request(out_ifc, a, pkt.data);
    } else {
      net::Ip6 a;
      a.b = out.next_hop.b;
      len = net::build_neighbor_solicit(out_ifc, a, pkt.data);
    }
    if (len == 0) return L2Result::kDrop;
    pkt.len = len;
    return L2Result::kProbe;
  }
  cache.store(out.next_hop, out.port, *res.mac, now_ms);
  std::memcpy(eth->dst_addr.addr_bytes, res.mac->b.data(), 6);
  std::memcpy(eth->src_addr.addr_bytes, out_ifc.mac.b.data(), 6);
  return L2Result::kSend;
}

void glean_source(net::NeighbourTable& neighbours, const net::Interface& in_ifc,
                  const RelayOut& out, const net::PacketBuf& pkt, std::uint64_t now_ms) {
  net::MacAddr mac;
  std::memcpy(mac.b.data(), pkt.data + 6, 6);
  bool on_link = false;
  if (out.source.is_v4()) {
    net::Ip4 a;
    std::memcpy(&a.be, out.source.b.data() + 12, 4);
    for (const auto& p : in_ifc.v4) on_link = on_link || p.contains(a);
  } else {
    net::Ip6 a;
    a.b = out.source.b;
    for (const auto& p : in_ifc.v6) on_link = on_link || p.contains(a);
  }
  if (on_link) neighbours.learn(out.source, mac, now_ms, false);
}

}  // namespace trunkline::media
