// Benchmark: the bare worker loop (poll_once) on in-memory ring ports.
//
// Two net_ring ports stand in for the wire and the exception-path TAP, each a
// loopback ring. A set of TCP segments to our address circulates for ever:
// wire RX → packet path (Ethernet/IPv4 checks, header checksum) → TAP TX →
// TAP RX → wire TX → wire RX ... so every poll moves real frames through the
// real code, with no generator cost. Reported: frames handled per second on
// one core (items_per_second) and TSC cycles per frame.
#include <arpa/inet.h>
#include <benchmark/benchmark.h>
#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_eth_ring.h>
#include <rte_ethdev.h>
#include <rte_mbuf.h>
#include <rte_ring.h>
#include <unistd.h>

#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "dataplane/lcore/main_loop.h"
#include "dataplane/net/checksum.h"
#include "dataplane/net/headers.h"
#include "perf/bench_eal.h"

namespace {

using namespace trunkline;

rte_mempool* g_pool = nullptr;

struct RingPort {
  std::uint16_t id;
  rte_ring* ring;
};

RingPort ring_port(const char* name) {
  std::string rname = std::string(name) + "_r";
  rte_ring* r = rte_ring_create(rname.c_str(), 4096, 0, RING_F_SP_ENQ | RING_F_SC_DEQ);
  if (r == nullptr) std::abort();
  int id = rte_eth_from_rings(name, &r, 1, &r, 1, 0);
  if (id < 0) std::abort();
  rte_eth_conf conf{};
  if (rte_eth_dev_configure(id, 1, 1, &conf) != 0 ||
      rte_eth_rx_queue_setup(id, 0, 1024, 0, nullptr, g_pool) != 0 ||
      rte_eth_tx_queue_setup(id, 0, 1024, 0, nullptr) != 0 || rte_eth_dev_start(id) != 0) {
    std::abort();
  }
  return RingPort{static_cast<std::uint16_t>(id), r};
}

// Stops the port and returns the frames still circulating to the pool.
void close_ring_port(const RingPort& p) {
  rte_eth_dev_stop(p.id);
  rte_eth_dev_close(p.id);
  void* m[64];
  unsigned n;
  while ((n = rte_ring_dequeue_burst(p.ring, m, 64, nullptr)) != 0) {
    for (unsigned i = 0; i < n; ++i) rte_pktmbuf_free(static_cast<rte_mbuf*>(m[i]));
  }
  rte_ring_free(p.ring);
}

// A 60-byte TCP SYN from the peer to our address.
void write_syn(rte_mbuf* m, const net::Interface& ifc) {
  std::uint8_t* p = rte_pktmbuf_mtod(m, std::uint8_t*);
  std::memset(p, 0, 60);
  std::memcpy(p, ifc.mac.b.data(), 6);
  const std::uint8_t peer[6] = {2, 0, 0, 0, 0, 0x0a};
  std::memcpy(p + 6, peer, 6);
  p[12] = 0x08;
  std::uint8_t* ip = p + 14;
  ip[0] = 0x45;
  const std::uint16_t total = htons(40);
  std::memcpy(ip + 2, &total, 2);
  ip[8] = 64;
  ip[9] = net::kIpProtoTcp;
  const std::uint32_t src = inet_addr("198.51.100.10");
  std::memcpy(ip + 12, &src, 4);
  std::memcpy(ip + 16, &ifc.v4[0].addr.be, 4);
  const std::uint16_t sum = net::ipv4_header_checksum(ip, 20);
  std::memcpy(ip + 10, &sum, 2);
  p[34 + 13] = 0x02;  // SYN
  m->data_len = m->pkt_len = 60;
}

void BM_ForwardLoop(benchmark::State& state) {
  const auto burst = static_cast<std::uint16_t>(state.range(0));
  const auto in_flight = static_cast<unsigned>(state.range(1));
  static int instance = 0;
  const std::string tag = std::to_string(instance++);
  const RingPort wire_port = ring_port(("bench_wire" + tag).c_str());
  const RingPort tap_port = ring_port(("bench_tap" + tag).c_str());
  const std::uint16_t wire = wire_port.id, tap = tap_port.id;
  net::Interface ifc = net::make_interface("bench", *net::MacAddr::parse("02:54:4c:00:00:01"),
                                           {*net::Prefix4::parse("198.51.100.1/24")}, {});
  std::vector<net::Ip4> no4;
  std::vector<net::Ip6> no6;
  auto ctx = std::make_unique<dataplane::LcoreContext>(rte_lcore_id(), net::NeighbourParams{});
  ctx->loop.burst_size = burst;
  ctx->pool = g_pool;
  ctx->ports.push_back(dataplane::PortQueue{wire, tap, 0, &ifc, &no4, &no6});

  std::vector<rte_mbuf*> seed(in_flight);
  if (rte_pktmbuf_alloc_bulk(g_pool, seed.data(), in_flight) != 0) std::abort();
  for (rte_mbuf* m : seed) write_syn(m, ifc);
  if (rte_eth_tx_burst(wire, 0, seed.data(), static_cast<std::uint16_t>(in_flight)) != in_flight) {
    std::abort();
  }
  (void)dataplane::poll_once(*ctx);  // first housekeeping pass out of the timing
  std::uint64_t frames = 0;
  const std::uint64_t t0 = rte_rdtsc();
  for (auto _ : state) frames += dataplane::poll_once(*ctx);
  const std::uint64_t cycles = rte_rdtsc() - t0;

  state.SetItemsProcessed(static_cast<std::int64_t>(frames));
  state.counters["cycles_per_frame"] = frames ? static_cast<double>(cycles) / frames : 0;
  state.counters["to_kernel"] = static_cast<double>(ctx->counters.to_kernel.load());
  state.counters["dropped"] =
      static_cast<double>(ctx->counters.tx_dropped.load() + ctx->counters.to_kernel_dropped.load());
  close_ring_port(wire_port);
  close_ring_port(tap_port);
}
BENCHMARK(BM_ForwardLoop)
    ->ArgNames({"burst", "in_flight"})
    ->Args({32, 256})
    ->Args({32, 1024})
    ->Args({64, 1024})
    ->Args({8, 256});

}  // namespace

int main(int argc, char** argv) {
  return trunkline::perf::run_with_eal(argc, argv, "forwarding_loop", 8191, &g_pool);
}
