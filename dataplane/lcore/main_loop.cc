#include "dataplane/lcore/main_loop.h"

#include <rte_cycles.h>
#include <rte_ethdev.h>
#include <rte_mbuf.h>
#include <rte_udp.h>
#include <time.h>

#include "dataplane/media/commands.h"
#include "dataplane/media/relay.h"
#include "dataplane/net/headers.h"
#include "dataplane/net/path.h"

namespace trunkline::dataplane {

namespace {

constexpr unsigned kMaxBurst = 256;
constexpr std::uint64_t kHousekeepingMs = 100;
constexpr std::uint32_t kAgeSlice = 256;  // neighbour entries aged per housekeeping pass

// Sends `n` frames; frees and counts what the port refuses.
void send(std::uint16_t port, std::uint16_t queue, rte_mbuf** pkts, std::uint16_t n,
          std::atomic<std::uint64_t>& sent, std::atomic<std::uint64_t>* bytes,
          std::atomic<std::uint64_t>& refused) {
  if (n == 0) return;
  std::uint64_t len = 0;
  if (bytes != nullptr)
    for (std::uint16_t i = 0; i < n; ++i) len += pkts[i]->pkt_len;
  const std::uint16_t done = rte_eth_tx_burst(port, queue, pkts, n);
  if (done < n) {
    for (std::uint16_t i = done; i < n; ++i) {
      if (bytes != nullptr) len -= pkts[i]->pkt_len;
      rte_pktmbuf_free(pkts[i]);
    }
    net::bump(refused, n - done);
  }
  net::bump(sent, done);
  if (bytes != nullptr) net::bump(*bytes, len);
}

// Relayed media of one burst, sent per output port once the burst is done.
struct MediaTx {
  rte_mbuf* pkts[kMaxBurst];
  const PortQueue* out[kMaxBurst];
  std::uint16_t n = 0;
};

const PortQueue* port_queue(const LcoreContext& ctx, std::uint16_t port) {
  for (const PortQueue& q : ctx.ports)
    if (q.port == port) return &q;
  return nullptr;
}

// Sends the frames queued in `tx`, grouped by output port (usually one or
// two per lcore), and empties it.
void flush_media(LcoreContext& ctx, MediaTx& tx) {
  net::Counters& c = ctx.counters;
  for (std::uint16_t done = 0; done < tx.n;) {
    const PortQueue* out = tx.out[done];
    rte_mbuf* group[kMaxBurst];
    std::uint16_t ng = 0;
    for (std::uint16_t i = done; i < tx.n; ++i) {
      if (tx.out[i] != out) continue;
      group[ng++] = tx.pkts[i];
      tx.out[i] = nullptr;
    }
    send(out->port, out->queue, group, ng, c.tx_packets, &c.tx_bytes, c.tx_dropped);
    while (done < tx.n && tx.out[done] == nullptr) ++done;
  }
  tx.n = 0;
}

// RTP/RTCP for the relay (dataplane/media/relay.h): rewritten, given the
// Ethernet header of its next hop, and queued for the other leg's port; or
// turned into a probe for that next hop; or dropped (counted by the relay).
void media_in(LcoreContext& ctx, const PortQueue& in, rte_mbuf* m, net::PacketBuf& buf,
              const media::FlowPeek& peek, MediaTx& tx) {
  media::RelayOut out;
  const auto l4 = static_cast<std::uint16_t>(buf.l4_payload - sizeof(rte_udp_hdr));
  const bool ipv6 = (buf.data[net::kEthHdr] >> 4) == 6;
  if (media::relay(ctx.media, buf, l4, ipv6, ctx.now_us, &out, &peek) != net::Verdict::kForward) {
    rte_pktmbuf_free(m);
    return;
  }
  if (out.glean) media::glean_source(ctx.neighbours, *in.ifc, out, buf, ctx.now_ms);
  const PortQueue* pq = out.port == in.port ? &in : port_queue(ctx, out.port);
  if (pq == nullptr) {
    net::bump(ctx.counters.media_bad_port);  // control named a port this lcore does not serve
    rte_pktmbuf_free(m);
    return;
  }
  switch (media::write_ethernet(ctx.media.next_hops, ctx.neighbours, *pq->ifc, out, buf, ctx.now_ms,
                                ctx.counters)) {
    case media::L2Result::kSend:
      break;
    case media::L2Result::kProbe:
      net::bump(out.next_hop.is_v4() ? ctx.counters.arp_request_out : ctx.counters.nd_solicit_out);
      break;
    case media::L2Result::kDrop:
      rte_pktmbuf_free(m);
      return;
  }
  m->data_len = m->pkt_len = buf.len;
  tx.pkts[tx.n] = m;
  tx.out[tx.n++] = pq;
}

// Frames from the wire: classify each, answer in place, pass on or drop.
void from_wire(LcoreContext& ctx, const PortQueue& pq, rte_mbuf** pkts, std::uint16_t n,
               std::uint64_t now) {
  net::Counters& c = ctx.counters;
  rte_mbuf* replies[kMaxBurst];
  rte_mbuf* kernel[kMaxBurst];
  std::uint16_t nr = 0, nk = 0;
  std::uint64_t bytes = 0;
  MediaTx media_tx;
  media::FlowPeek peek[kMaxBurst];
  if (ctx.media.port_max != 0) {
    // The flow-table misses of the whole burst in parallel (media/relay.h).
    // (Prefetching the frames' own four lines first measured no better:
    // they are usually still in L2 from their previous trip.)
    for (std::uint16_t i = 0; i < n; ++i)
      media::peek_flow(ctx.media, rte_pktmbuf_mtod(pkts[i], const std::uint8_t*), pkts[i]->data_len,
                       &peek[i]);
    for (std::uint16_t i = 0; i < n; ++i) media::prefetch_legs(ctx.media, peek[i]);
  }
  net::PathContext path{*pq.ifc, ctx.neighbours, c, now, ctx.sip.port};
  path.media_port_min = ctx.media.port_min;
  path.media_port_max = ctx.media.port_max;
  for (std::uint16_t i = 0; i < n; ++i) {
    rte_mbuf* m = pkts[i];
    bytes += m->pkt_len;
    if (m->nb_segs != 1) {
      net::bump(c.drop_multi_segment);
      rte_pktmbuf_free(m);
      continue;
    }
    net::PacketBuf buf{rte_pktmbuf_mtod(m, std::uint8_t*), m->data_len,
                       static_cast<std::uint16_t>(m->data_len + rte_pktmbuf_tailroom(m))};
    switch (net::process_rx(path, buf)) {
      case net::Verdict::kReply:
        m->data_len = buf.len;
        m->pkt_len = buf.len;
        replies[nr++] = m;
        break;
      case net::Verdict::kToKernel:
        if (pq.tap != kNoPort) {
          kernel[nk++] = m;
        } else {
          net::bump(c.to_kernel_dropped);
          rte_pktmbuf_free(m);
        }
        break;
      case net::Verdict::kToControl:
        switch (steer(ctx, m, buf)) {
          case SteerResult::kQueued:
            break;
          case SteerResult::kReply:
            replies[nr++] = m;
            break;
          case SteerResult::kDropped:
            rte_pktmbuf_free(m);
            break;
        }
        break;
      case net::Verdict::kMedia:
        media_in(ctx, pq, m, buf, peek[i], media_tx);
        break;
      case net::Verdict::kForward:  // the relay's verdict, not process_rx's
      case net::Verdict::kDrop:
        rte_pktmbuf_free(m);
        break;
    }
  }
  net::bump(c.rx_packets, n);
  net::bump(c.rx_bytes, bytes);
  send(pq.port, pq.queue, replies, nr, c.tx_packets, &c.tx_bytes, c.tx_dropped);
  send(pq.tap, pq.queue, kernel, nk, c.to_kernel, nullptr, c.to_kernel_dropped);
  flush_media(ctx, media_tx);
}

// Prompts due by now (dataplane/media/playout.h), sent the way relayed media
// is: SRTP when the leg has it, Ethernet from the next-hop cache.
void play_due(LcoreContext& ctx) {
  media::MediaContext& m = ctx.media;
  net::Counters& c = ctx.counters;
  MediaTx tx;
  std::uint8_t scratch[12 + media::kPromptFrame];
  m.playout.due(ctx.now_ms, [&](std::uint32_t n, media::PlayoutEntry& e) {
    media::Leg& l = m.flows.leg_at(n);
    const media::Endpoint& dest = l.has(media::Leg::kLocked) ? l.peer : l.remote;
    const PortQueue* pq = port_queue(ctx, l.dpdk_port);
    if (dest.port == 0 || pq == nullptr || l.has(media::Leg::kHeld)) {
      net::bump(c.media_playout_no_destination);
      (void)media::Playout::next_packet(e, scratch);  // the prompt's time goes on
      return false;
    }
    rte_mbuf* mb = rte_pktmbuf_alloc(ctx.pool);
    if (mb == nullptr) {
      net::bump(c.media_playout_no_buffer);
      (void)media::Playout::next_packet(e, scratch);
      return false;
    }
    auto* f = rte_pktmbuf_mtod(mb, std::uint8_t*);
    const auto room = static_cast<int>(rte_pktmbuf_tailroom(mb));
    const std::uint16_t off = media::playout_rtp_offset(!l.local.ip.is_v4());
    int len = 12 + static_cast<int>(media::kPromptFrame);
    if (!media::Playout::next_packet(e, f + off) ||
        (l.has(media::Leg::kSrtp) && !m.srtp.protect(n, false, f + off, &len, room - off))) {
      rte_pktmbuf_free(mb);
      return false;
    }
    net::PacketBuf buf{f,
                       media::write_udp_headers(l.local, dest, f, static_cast<std::uint16_t>(len)),
                       static_cast<std::uint16_t>(room)};
    media::RelayOut out;
    out.port = l.dpdk_port;
    out.next_hop = dest.ip;
    if (media::write_ethernet(m.next_hops, ctx.neighbours, *pq->ifc, out, buf, ctx.now_ms, c) ==
        media::L2Result::kDrop) {
      rte_pktmbuf_free(mb);
      return false;
    }
    mb->data_len = mb->pkt_len = buf.len;
    if (tx.n == kMaxBurst) flush_media(ctx, tx);
    tx.pkts[tx.n] = mb;
    tx.out[tx.n++] = pq;
    net::bump(c.media_playout_packets);
    return true;
  });
  flush_media(ctx, tx);
}

// Resolves the configured next hops and ages the neighbour table.
void housekeeping(LcoreContext& ctx, std::uint64_t now) {
  net::Counters& c = ctx.counters;
  timespec wall{};
  clock_gettime(CLOCK_REALTIME, &wall);
  ctx.media.wall_offset_us = static_cast<std::int64_t>(wall.tv_sec) * 1000000 +
                             wall.tv_nsec / 1000 - static_cast<std::int64_t>(ctx.now_us);
  ctx.neighbours.age(now, kAgeSlice);
  for (const PortQueue& pq : ctx.ports) {
    auto probe = [&](const net::IpKey& key, auto build, std::atomic<std::uint64_t>& counter) {
      if (!ctx.neighbours.resolve(key, now).send_probe) return;
      rte_mbuf* m = rte_pktmbuf_alloc(ctx.pool);
      if (m == nullptr) {
        net::bump(c.probe_alloc_failed);
        return;
      }
      const std::uint16_t len = build(rte_pktmbuf_mtod(m, std::uint8_t*));
      if (len == 0) {
        rte_pktmbuf_free(m);
        return;
      }
      m->data_len = m->pkt_len = len;
      rte_mbuf* one[1] = {m};
      send(pq.port, pq.queue, one, 1, c.tx_packets, &c.tx_bytes, c.tx_dropped);
      net::bump(counter);
    };
    for (net::Ip4 a : *pq.resolve4) {
      probe(
          net::IpKey::of(a),
          [&](std::uint8_t* out) { return net::build_arp_request(*pq.ifc, a, out); },
          c.arp_request_out);
    }
    for (const net::Ip6& a : *pq.resolve6) {
      probe(
          net::IpKey::of(a),
          [&](std::uint8_t* out) { return net::build_neighbor_solicit(*pq.ifc, a, out); },
          c.nd_solicit_out);
    }
  }
}

}  // namespace

unsigned poll_once(LcoreContext& ctx) {
  rte_mbuf* pkts[kMaxBurst];
  unsigned total = 0;
  const std::uint16_t burst = ctx.loop.burst_size;
  const std::uint64_t tsc = rte_get_timer_cycles();
  const std::uint64_t now = tsc * 1000 / rte_get_timer_hz();
  ctx.now_ms = now;
  ctx.media.now_ms = now;
  const std::uint64_t hz = rte_get_timer_hz();
  ctx.now_us = tsc / hz * 1000000 + tsc % hz * 1000000 / hz;
  edge::refresh(ctx.edge, ctx.counters);  // a policy control published since the last poll
  // Control's media commands first, so a session created with its call's
  // first packets already in this burst finds its flow.
  if (ctx.media.shards != 0) total += media::process_commands(ctx.media);
  for (const PortQueue& pq : ctx.ports) {
    std::uint16_t n = rte_eth_rx_burst(pq.port, pq.queue, pkts, burst);
    if (n != 0) from_wire(ctx, pq, pkts, n, now);
    total += n;
    if (pq.tap == kNoPort) continue;
    // The kernel's own traffic (management replies, its ARP/ND) goes out as is.
    n = rte_eth_rx_burst(pq.tap, pq.queue, pkts, burst);
    if (n != 0) {
      net::bump(ctx.counters.from_kernel, n);
      send(pq.port, pq.queue, pkts, n, ctx.counters.tx_packets, &ctx.counters.tx_bytes,
           ctx.counters.tx_dropped);
    }
    total += n;
  }
  if (ctx.sip.shards != 0) total += send_from_control(ctx);
  if (ctx.media.playout.active() != 0) play_due(ctx);
  if (tsc >= ctx.next_housekeeping_tsc) {
    housekeeping(ctx, now);
    ctx.next_housekeeping_tsc = tsc + rte_get_timer_hz() * kHousekeepingMs / 1000;
  }
  return total;
}

int worker_main(void* arg) {
  auto& ctx = *static_cast<LcoreContext*>(arg);
  std::uint32_t idle = 0;
  while (!ctx.quit->load(std::memory_order_relaxed)) {
    if (poll_once(ctx) != 0) {
      idle = 0;
      continue;
    }
    if (ctx.loop.idle_sleep_us != 0 && ++idle >= ctx.loop.idle_polls_before_sleep) {
      net::bump(ctx.counters.poll_idle_sleeps);
      rte_delay_us_sleep(ctx.loop.idle_sleep_us);
    }
  }
  return 0;
}

}  // namespace trunkline::dataplane
