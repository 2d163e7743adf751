// Benchmark: the media relay on one core with 1,000, 10,000 and 100,000
// active sessions, G.711 20 ms frames (172 bytes of RTP).
//
// Two net_ring ports are cross-connected: what one sends, the other
// receives. Port X owns the carrier-side addresses, port Y the agent-side
// ones. The sessions are chained in a random order: leg 1 of session π[t]
// sends to leg 0 of π[t+1], whose signalled remote is that leg, and the
// reverse for the other direction. So a relayed packet arrives, valid, at the
// next session in the chain, and a fixed set of packets spread over the whole
// chain (half each way) circulates for ever, touching every session in turn
// in a cache-hostile order, with no generator cost:
//   BM_MediaRelayLoop: the real worker loop (poll_once: rx_burst, Ethernet/IP/
//     UDP checks with the UDP checksum, flow lookup, latching check, RTP
//     statistics, rewrite, Ethernet from the neighbour table, tx_burst).
//   BM_MediaRelayPath: the same per-packet code (the burst's prefetch stages,
//     process_rx, relay, write_ethernet) on frames in plain memory, without
//     the rings and mbufs.
// Reported: relayed packets per second (items_per_second, over the CPU time
// the thread got), TSC cycles per packet over that CPU time
// (cycles_per_packet) and over wall time (wall_cycles_per_packet), the flow
// table's bytes per session on this lcore (bytes_per_session), and all that
// an lcore preallocates per call (bytes_per_call: the flow table plus the
// per-leg SRTP and playout slots). `dropped` must stay 0.
#include <arpa/inet.h>
#include <benchmark/benchmark.h>
#include <malloc.h>
#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_eth_ring.h>
#include <rte_ethdev.h>
#include <rte_mbuf.h>
#include <rte_ring.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <memory>
#include <numeric>
#include <random>
#include <string>
#include <vector>

#include "dataplane/lcore/main_loop.h"
#include "dataplane/media/relay.h"
#include "dataplane/net/checksum.h"
#include "dataplane/net/headers.h"
#include "dataplane/net/path.h"
#include "perf/bench_eal.h"

namespace {

using namespace trunkline;

rte_mempool* g_pool = nullptr;
constexpr std::uint16_t kPortsPerAddress = 25000;  // even RTP ports from 1024 on each address
constexpr std::uint16_t kFrameLen = 14 + 20 + 8 + 172;

// The sessions' addresses and chain, and the two interfaces.
struct Topology {
  explicit Topology(std::uint32_t sessions)
      : x(net::make_interface("x", *net::MacAddr::parse("02:54:4c:00:00:01"), prefixes(1), {})),
        y(net::make_interface("y", *net::MacAddr::parse("02:54:4c:00:00:02"), prefixes(2), {})),
        order(sessions) {
    std::iota(order.begin(), order.end(), 0u);
    std::shuffle(order.begin(), order.end(), std::mt19937(7));
  }
  static std::vector<net::Prefix4> prefixes(int side) {
    std::vector<net::Prefix4> v;
    for (int i = 1; i <= 4; ++i) {
      v.push_back(*net::Prefix4::parse((side == 1 ? "198.51.100." : "203.0.113.") +
                                       std::to_string(i) + "/24"));
    }
    return v;
  }
  // Leg `k` (0: X side, 1: Y side) of session `s`: its local endpoint.
  media::Endpoint local(std::uint32_t s, int k) const {
    const net::Interface& ifc = k == 0 ? x : y;
    return media::Endpoint{net::IpKey::of(ifc.v4[s / kPortsPerAddress].addr),
                           static_cast<std::uint16_t>(1024 + 2 * (s % kPortsPerAddress))};
  }
  std::uint32_t at(std::int64_t t) const {
    const auto n = static_cast<std::int64_t>(order.size());
    return order[static_cast<std::size_t>(((t % n) + n) % n)];
  }
  void install(media::FlowTable& flows) const {
    const auto n = static_cast<std::int64_t>(order.size());
    for (std::int64_t t = 0; t < n; ++t) {
      media::LegSpec a, b;
      a.local = local(at(t), 0);
      a.remote = local(at(t - 1), 1);
      a.dpdk_port = x_port;
      b.local = local(at(t), 1);
      b.remote = local(at(t + 1), 0);
      b.dpdk_port = y_port;
      if (flows.insert(at(t), a, b, 0) != media::InsertResult::kOk) std::abort();
    }
  }
  // The frame that arrives at session π[t]: forward (at leg 0, from leg 1 of
  // π[t-1]) or backward (at leg 1, from leg 0 of π[t+1]).
  void write_frame(std::uint8_t* p, std::int64_t t, bool forward, std::uint16_t seq) const {
    const media::Endpoint from = forward ? local(at(t - 1), 1) : local(at(t + 1), 0);
    const media::Endpoint to = forward ? local(at(t), 0) : local(at(t), 1);
    std::memset(p, 0, kFrameLen);
    std::memcpy(p, (forward ? x : y).mac.b.data(), 6);
    std::memcpy(p + 6, (forward ? y : x).mac.b.data(), 6);
    p[12] = 0x08;
    std::uint8_t* ip = p + 14;
    ip[0] = 0x45;
    const std::uint16_t total = htons(kFrameLen - 14);
    std::memcpy(ip + 2, &total, 2);
    ip[8] = 64;
    ip[9] = net::kIpProtoUdp;
    std::memcpy(ip + 12, from.ip.b.data() + 12, 4);
    std::memcpy(ip + 16, to.ip.b.data() + 12, 4);
    const std::uint16_t sum = net::ipv4_header_checksum(ip, 20);
    std::memcpy(ip + 10, &sum, 2);
    std::uint8_t* udp = ip + 20;
    const std::uint16_t ports[3] = {htons(from.port), htons(to.port), htons(kFrameLen - 34)};
    std::memcpy(udp, ports, 6);
    std::uint8_t* rtp = udp + 8;
    rtp[0] = 0x80;
    rtp[2] = static_cast<std::uint8_t>(seq >> 8);
    rtp[3] = static_cast<std::uint8_t>(seq);
    const std::uint32_t ts = htonl(160u * seq), ssrc = htonl(forward ? 0x1111 : 0x2222);
    std::memcpy(rtp + 4, &ts, 4);
    std::memcpy(rtp + 8, &ssrc, 4);
    std::memset(rtp + 12, 0xd5, 160);  // µ-law silence
    const std::uint16_t usum = net::ipv4_l4_checksum(ip, udp, kFrameLen - 34, net::kIpProtoUdp);
    std::memcpy(udp + 6, &usum, 2);
  }
  // In-flight packets spread evenly over the chain, half each way. A session
  // sees the forward packets in descending index order and the backward ones
  // ascending, so the sequence numbers chosen here reach it in order.
  template <typename F>
  void seed(unsigned in_flight, F&& emit) const {
    const auto n = static_cast<std::int64_t>(order.size());
    for (unsigned k = 0; k < in_flight; ++k) {
      const bool forward = k % 2 == 0;
      const std::int64_t t = static_cast<std::int64_t>(k) * n / in_flight;
      emit(t, forward, static_cast<std::uint16_t>(forward ? 60000 - k : k));
    }
  }
  void learn(net::NeighbourTable& nt, std::uint64_t now_ms) const {
    for (const auto& p : x.v4) nt.learn(net::IpKey::of(p.addr), x.mac, now_ms, true);
    for (const auto& p : y.v4) nt.learn(net::IpKey::of(p.addr), y.mac, now_ms, true);
  }

  net::Interface x, y;
  std::vector<std::uint32_t> order;
  std::uint16_t x_port = 0, y_port = 1;
};

net::NeighbourParams long_lived() {
  net::NeighbourParams np;
  np.reachable_ms = 1u << 31;  // the benchmark's next hops never go stale
  np.max_age_ms = 1u << 31;
  return np;
}

// Heap bytes in use (glibc), to weigh what the per-leg side tables take.
std::size_t heap_in_use() { return mallinfo2().uordblks; }

// Sized as the appliance sizes a worker lcore (Dataplane::setup_media): the
// flow table, and the per-leg SRTP and playout slots beside it. Returns the
// heap bytes the side tables took (the flow table is one mapping, bytes()).
std::size_t setup_media(dataplane::LcoreContext& ctx, const Topology& topo, std::uint64_t now_ms) {
  const auto sessions = static_cast<std::uint32_t>(topo.order.size());
  ctx.media.flows = media::FlowTable(sessions);
  const std::size_t heap0 = heap_in_use();
  ctx.media.srtp = media::SrtpTable(2 * sessions);
  ctx.media.playout = media::Playout(2 * sessions);
  const std::size_t side = heap_in_use() - heap0;
  ctx.media.counters = &ctx.counters;
  ctx.media.port_min = 1024;
  ctx.media.port_max = 65535;
  topo.install(ctx.media.flows);
  topo.learn(ctx.neighbours, now_ms);
  return side;
}

double thread_cpu_s() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

// The machine may be shared: cycles_per_packet counts the TSC cycles of the
// CPU time this thread got (like items_per_second, which Google Benchmark
// takes over CPU time); wall_cycles_per_packet the TSC cycles elapsed.
void report(benchmark::State& state, const dataplane::LcoreContext& ctx, std::uint64_t relayed,
            std::uint64_t wall_cycles, double cpu_s, std::size_t side_bytes) {
  state.SetItemsProcessed(static_cast<std::int64_t>(relayed));
  const double n = relayed ? static_cast<double>(relayed) : 1.0;
  state.counters["cycles_per_packet"] = cpu_s * static_cast<double>(rte_get_tsc_hz()) / n;
  state.counters["wall_cycles_per_packet"] = static_cast<double>(wall_cycles) / n;
  // The flow table alone, and everything preallocated per call (session):
  // the flow table plus its SRTP and playout slots. A call whose legs use
  // SRTP also holds libsrtp's contexts, made by its first packets on the lcore
  // that sees them (not counted here; see docs/architecture.md).
  state.counters["bytes_per_session"] = ctx.media.flows.bytes_per_session();
  const double sessions = ctx.media.flows.max_sessions();
  state.counters["bytes_per_call"] =
      (static_cast<double>(ctx.media.flows.bytes()) + static_cast<double>(side_bytes)) / sessions;
  const net::Counters& c = ctx.counters;
  state.counters["dropped"] = static_cast<double>(
      c.media_no_flow.load() + c.media_spoofed.load() + c.media_not_rtp.load() +
      c.media_no_destination.load() + c.media_no_neighbour.load() + c.tx_dropped.load() +
      c.drop_bad_l4_checksum.load() + c.drop_bad_ip_checksum.load() + c.drop_bad_source.load() +
      c.drop_not_for_us.load());
}

struct RingPort {
  std::uint16_t id;
};

// Ports X and Y: X's TX ring is Y's RX ring and the other way round.
std::pair<RingPort, RingPort> cross_ports(const std::string& tag, rte_ring** rings) {
  rings[0] = rte_ring_create(("mr_xy" + tag).c_str(), 8192, 0, RING_F_SP_ENQ | RING_F_SC_DEQ);
  rings[1] = rte_ring_create(("mr_yx" + tag).c_str(), 8192, 0, RING_F_SP_ENQ | RING_F_SC_DEQ);
  if (rings[0] == nullptr || rings[1] == nullptr) std::abort();
  const int x = rte_eth_from_rings(("mx" + tag).c_str(), &rings[1], 1, &rings[0], 1, 0);
  const int y = rte_eth_from_rings(("my" + tag).c_str(), &rings[0], 1, &rings[1], 1, 0);
  if (x < 0 || y < 0) std::abort();
  for (int id : {x, y}) {
    rte_eth_conf conf{};
    if (rte_eth_dev_configure(id, 1, 1, &conf) != 0 ||
        rte_eth_rx_queue_setup(id, 0, 1024, 0, nullptr, g_pool) != 0 ||
        rte_eth_tx_queue_setup(id, 0, 1024, 0, nullptr) != 0 || rte_eth_dev_start(id) != 0) {
      std::abort();
    }
  }
  return {RingPort{static_cast<std::uint16_t>(x)}, RingPort{static_cast<std::uint16_t>(y)}};
}

void close_ports(std::pair<RingPort, RingPort> ports, rte_ring** rings) {
  for (std::uint16_t id : {ports.first.id, ports.second.id}) {
    rte_eth_dev_stop(id);
    rte_eth_dev_close(id);
  }
  for (int i = 0; i < 2; ++i) {
    void* m[64];
    unsigned n;
    while ((n = rte_ring_dequeue_burst(rings[i], m, 64, nullptr)) != 0) {
      for (unsigned j = 0; j < n; ++j) rte_pktmbuf_free(static_cast<rte_mbuf*>(m[j]));
    }
    rte_ring_free(rings[i]);
  }
}

void BM_MediaRelayLoop(benchmark::State& state) {
  const auto sessions = static_cast<std::uint32_t>(state.range(0));
  const auto in_flight = static_cast<unsigned>(state.range(1));
  static int instance = 0;
  const std::string tag = std::to_string(instance++);
  rte_ring* rings[2];
  const auto ports = cross_ports(tag, rings);
  Topology topo(sessions);
  topo.x_port = ports.first.id;
  topo.y_port = ports.second.id;
  std::vector<net::Ip4> no4;
  std::vector<net::Ip6> no6;
  auto ctx = std::make_unique<dataplane::LcoreContext>(rte_lcore_id(), long_lived());
  ctx->loop.burst_size = 32;
  ctx->pool = g_pool;
  ctx->ports.push_back(
      dataplane::PortQueue{topo.x_port, dataplane::kNoPort, 0, &topo.x, &no4, &no6});
  ctx->ports.push_back(
      dataplane::PortQueue{topo.y_port, dataplane::kNoPort, 0, &topo.y, &no4, &no6});
  const std::size_t side =
      setup_media(*ctx, topo, rte_get_timer_cycles() * 1000 / rte_get_timer_hz());

  std::vector<rte_mbuf*> seed(in_flight);
  if (rte_pktmbuf_alloc_bulk(g_pool, seed.data(), in_flight) != 0) std::abort();
  unsigned i = 0;
  topo.seed(in_flight, [&](std::int64_t t, bool forward, std::uint16_t seq) {
    rte_mbuf* m = seed[i++];
    topo.write_frame(rte_pktmbuf_mtod(m, std::uint8_t*), t, forward, seq);
    m->data_len = m->pkt_len = kFrameLen;
    // Forward frames arrive at X, so Y sends them (and the other way round).
    if (rte_eth_tx_burst(forward ? topo.y_port : topo.x_port, 0, &m, 1) != 1) std::abort();
  });
  // Out of the timing: every session latches once (reports, gleaning) and
  // the table is warm as it would be after the calls' first second.
  while (ctx->counters.media_relayed.load() < 2ull * sessions + in_flight)
    (void)dataplane::poll_once(*ctx);

  const std::uint64_t before = ctx->counters.media_relayed.load();
  const double cpu0 = thread_cpu_s();
  const std::uint64_t t0 = rte_rdtsc();
  for (auto _ : state) benchmark::DoNotOptimize(dataplane::poll_once(*ctx));
  const std::uint64_t cycles = rte_rdtsc() - t0;
  report(state, *ctx, ctx->counters.media_relayed.load() - before, cycles, thread_cpu_s() - cpu0,
         side);
  close_ports(ports, rings);
}
BENCHMARK(BM_MediaRelayLoop)
    ->ArgNames({"sessions", "in_flight"})
    ->Args({1000, 1024})
    ->Args({10000, 1024})
    ->Args({100000, 1024})
    ->Args({100000, 4096});

void BM_MediaRelayPath(benchmark::State& state) {
  const auto sessions = static_cast<std::uint32_t>(state.range(0));
  const auto in_flight = static_cast<unsigned>(state.range(1));
  Topology topo(sessions);
  auto ctx = std::make_unique<dataplane::LcoreContext>(0, long_lived());
  const std::size_t side = setup_media(*ctx, topo, 0);
  struct alignas(64) Buf {
    std::uint8_t b[256];
  };
  std::vector<Buf> frames(in_flight);
  std::vector<std::uint16_t> rx_port(in_flight);  // 0: arrives at X, 1: at Y
  unsigned i = 0;
  topo.seed(in_flight, [&](std::int64_t t, bool forward, std::uint16_t seq) {
    topo.write_frame(frames[i].b, t, forward, seq);
    rx_port[i++] = forward ? 0 : 1;
  });
  std::uint64_t now_us = 0;
  auto pass = [&]() {
    now_us += 20;
    // In bursts of 32 with the same stages as the worker loop (media/relay.h).
    media::FlowPeek peek[32];
    for (unsigned k = 0; k < in_flight; ++k) {
      if (k % 32 == 0) {
        const unsigned end = std::min(in_flight, k + 32);
        for (unsigned j = k; j < end; ++j)
          media::peek_flow(ctx->media, frames[j].b, kFrameLen, &peek[j - k]);
        for (unsigned j = k; j < end; ++j) media::prefetch_legs(ctx->media, peek[j - k]);
      }
      const net::Interface& in = rx_port[k] == 0 ? topo.x : topo.y;
      net::PathContext p{in, ctx->neighbours, ctx->counters, now_us / 1000, 0, 1024, 65535};
      net::PacketBuf buf{frames[k].b, kFrameLen, sizeof frames[k].b};
      if (net::process_rx(p, buf) != net::Verdict::kMedia) std::abort();
      media::RelayOut out;
      if (media::relay(ctx->media, buf, 34, false, now_us, &out, &peek[k % 32]) !=
          net::Verdict::kForward)
        std::abort();
      const net::Interface& egress = out.port == topo.x_port ? topo.x : topo.y;
      if (media::write_ethernet(ctx->media.next_hops, ctx->neighbours, egress, out, buf,
                                now_us / 1000, ctx->counters) != media::L2Result::kSend)
        std::abort();
      rx_port[k] = out.port == topo.x_port ? 1 : 0;  // X's traffic arrives at Y
    }
  };
  while (ctx->counters.media_relayed.load() < 2ull * sessions + in_flight) pass();
  const std::uint64_t before = ctx->counters.media_relayed.load();
  const double cpu0 = thread_cpu_s();
  const std::uint64_t t0 = rte_rdtsc();
  for (auto _ : state) pass();
  const std::uint64_t cycles = rte_rdtsc() - t0;
  report(state, *ctx, ctx->counters.media_relayed.load() - before, cycles, thread_cpu_s() - cpu0,
         side);
}
BENCHMARK(BM_MediaRelayPath)
    ->ArgNames({"sessions", "in_flight"})
    ->Args({1000, 1024})
    ->Args({10000, 1024})
    ->Args({100000, 1024});

}  // namespace

int main(int argc, char** argv) {
  return trunkline::perf::run_with_eal(argc, argv, "media_relay", 16383, &g_pool);
}
