#include "dataplane/lcore/main_loop.h"

#include <rte_cycles.h>
#include <rte_ethdev.h>
#include <rte_mbuf.h>

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

// Frames from the wire: classify each, answer in place, pass on or drop.
void from_wire(LcoreContext& ctx, const PortQueue& pq, rte_mbuf** pkts, std::uint16_t n,
               std::uint64_t now) {
  net::Counters& c = ctx.counters;
  rte_mbuf* replies[kMaxBurst];
  rte_mbuf* kernel[kMaxBurst];
  std::uint16_t nr = 0, nk = 0;
  std::uint64_t bytes = 0;
  net::PathContext path{*pq.ifc, ctx.neighbours, c, now, ctx.sip.port};
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
      case net::Verdict::kDrop:
        rte_pktmbuf_free(m);
        break;
    }
  }
  net::bump(c.rx_packets, n);
  net::bump(c.rx_bytes, bytes);
  send(pq.port, pq.queue, replies, nr, c.tx_packets, &c.tx_bytes, c.tx_dropped);
  send(pq.tap, pq.queue, kernel, nk, c.to_kernel, nullptr, c.to_kernel_dropped);
}

// Resolves the configured next hops and ages the neighbour table.
void housekeeping(LcoreContext& ctx, std::uint64_t now) {
  net::Counters& c = ctx.counters;
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
