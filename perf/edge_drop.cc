// Benchmark: the SIP edge check on the lcore (dataplane/edge), through the
// real function the worker loop calls for each SIP datagram, steer(), on
// real frames in mbufs. Reported per core: datagrams/s and TSC cycles per
// datagram for
//   - a flood from one source over its limit (dropped before the pre-parse),
//   - a spray from fresh IPv6 /64s each time (table insert or replacement,
//     then dropped by the lcore's untrusted budget),
//   - a scanner's requests (dropped after the pre-parse, by User-Agent),
//   - an allowed INVITE from a trusted trunk, and one from an untrusted
//     source within its limit (pre-parse and ring to control included),
//   - the same allowed INVITE with the edge off: the edge's cost is the
//     difference.
#include <arpa/inet.h>
#include <benchmark/benchmark.h>
#include <rte_cycles.h>
#include <rte_mbuf.h>
#include <rte_ring.h>

#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "dataplane/edge/policy_builder.h"
#include "dataplane/lcore/context.h"
#include "dataplane/net/headers.h"
#include "perf/bench_eal.h"

namespace {

using namespace trunkline;

rte_mempool* g_pool = nullptr;
constexpr unsigned kFrames = 256;
constexpr unsigned kBatch = 32;

std::string invite(const char* user_agent) {
  return std::string(
             "INVITE sip:+81312345678@198.51.100.1:5060 SIP/2.0\r\n"
             "Via: SIP/2.0/UDP 198.51.100.40:5060;branch=z9hG4bK-bench-1\r\n"
             "From: <sip:flood@198.51.100.40:5060>;tag=1\r\n"
             "To: <sip:+81312345678@198.51.100.1:5060>\r\n"
             "Call-ID: 1-bench@198.51.100.40\r\nCSeq: 1 INVITE\r\n"
             "Contact: <sip:flood@198.51.100.40:5060>\r\nMax-Forwards: 70\r\nUser-Agent: ") +
         user_agent + "\r\nContent-Length: 0\r\n\r\n";
}

// Ethernet + IPv4 or IPv6 + UDP to port 5060 carrying `payload`; the
// source address is written by the caller (set_source4/6).
rte_mbuf* frame(bool v6, const std::string& payload) {
  rte_mbuf* m = rte_pktmbuf_alloc(g_pool);
  if (m == nullptr) std::abort();
  std::uint8_t* p = rte_pktmbuf_mtod(m, std::uint8_t*);
  const unsigned ip_len = v6 ? 40 : 20;
  const unsigned len = 14 + ip_len + 8 + static_cast<unsigned>(payload.size());
  std::memset(p, 0, 14 + ip_len + 8);
  p[12] = v6 ? 0x86 : 0x08;
  p[13] = v6 ? 0xdd : 0x00;
  std::uint8_t* ip = p + 14;
  ip[0] = v6 ? 0x60 : 0x45;
  std::uint8_t* udp = ip + ip_len;
  const std::uint16_t port = htons(5060),
                      ulen = htons(static_cast<std::uint16_t>(8 + payload.size()));
  std::memcpy(udp, &port, 2);
  std::memcpy(udp + 2, &port, 2);
  std::memcpy(udp + 4, &ulen, 2);
  std::memcpy(udp + 8, payload.data(), payload.size());
  m->data_len = m->pkt_len = static_cast<std::uint16_t>(len);
  return m;
}

void set_source4(rte_mbuf* m, const char* a) {
  std::memcpy(rte_pktmbuf_mtod(m, std::uint8_t*) + 14 + 12, &net::Ip4::parse(a)->be, 4);
}

// 2001:db8:<n>::1, a fresh /64 for every n.
void set_source6(rte_mbuf* m, std::uint32_t n) {
  std::uint8_t* s = rte_pktmbuf_mtod(m, std::uint8_t*) + 14 + 8;
  const std::uint8_t a[16] = {0x20,
                              0x01,
                              0x0d,
                              0xb8,
                              static_cast<std::uint8_t>(n >> 24),
                              static_cast<std::uint8_t>(n >> 16),
                              static_cast<std::uint8_t>(n >> 8),
                              static_cast<std::uint8_t>(n),
                              0,
                              0,
                              0,
                              0,
                              0,
                              0,
                              0,
                              1};
  std::memcpy(s, a, 16);
}

struct Bench {
  std::unique_ptr<dataplane::LcoreContext> ctx;
  edge::PolicyExchange exchange;
  rte_ring* up = nullptr;
  rte_ring* down = nullptr;

  explicit Bench(const config::EdgeConfig& cfg) {
    static int n = 0;
    const std::string tag = std::to_string(n++);
    up = rte_ring_create(("edge_up" + tag).c_str(), 4096, 0, RING_F_SP_ENQ | RING_F_SC_DEQ);
    down = rte_ring_create(("edge_dn" + tag).c_str(), 64, 0, RING_F_SP_ENQ | RING_F_SC_DEQ);
    if (up == nullptr || down == nullptr) std::abort();
    ctx = std::make_unique<dataplane::LcoreContext>(0, net::NeighbourParams{});
    ctx->sip.port = 5060;
    ctx->sip.shards = 1;
    ctx->sip.to_control[0] = up;
    ctx->sip.from_control[0] = down;
    ctx->edge.sources = edge::SourceLimiter(cfg.sources_per_lcore, 0x5eed);
    ctx->edge.exchange = &exchange;
    exchange.add_reader(&ctx->edge.seen);
    edge::TrustedSources trunk;
    edge::add_contact("198.51.100.10", &trunk);
    exchange.publish(edge::make_policy(cfg, trunk), std::chrono::microseconds(0), false);
    edge::refresh(ctx->edge, ctx->counters);
  }
  ~Bench() {
    drain();
    rte_ring_free(up);
    rte_ring_free(down);
  }
  void tick() { ctx->now_us = rte_rdtsc() / (rte_get_tsc_hz() / 1'000'000); }
  // What steer() queued for control goes back to the frames (not freed).
  void drain() {
    void* m[64];
    while (rte_ring_sc_dequeue_burst(up, m, 64, nullptr) != 0) {
    }
  }
  // Steers frames[i % n] once each; returns how many were queued to control.
  std::uint64_t run(benchmark::State& state, std::vector<rte_mbuf*>& frames,
                    void (*before)(rte_mbuf*, std::uint64_t) = nullptr) {
    std::uint64_t queued = 0, i = 0, sent = 0;
    const std::uint64_t t0 = rte_rdtsc();
    for (auto _ : state) {
      tick();
      for (unsigned b = 0; b < kBatch; ++b, ++i) {
        rte_mbuf* m = frames[i % frames.size()];
        if (before != nullptr) before(m, i);
        net::PacketBuf buf{rte_pktmbuf_mtod(m, std::uint8_t*), m->data_len,
                           static_cast<std::uint16_t>(m->data_len + rte_pktmbuf_tailroom(m))};
        buf.l4_payload = (buf.data[14] >> 4) == 6 ? 62 : 42;  // as process_rx leaves it
        if (dataplane::steer(*ctx, m, buf) == dataplane::SteerResult::kQueued) ++queued;
      }
      sent += kBatch;
      drain();
    }
    const std::uint64_t cycles = rte_rdtsc() - t0;
    state.SetItemsProcessed(static_cast<std::int64_t>(sent));
    state.counters["cycles_per_datagram"] = static_cast<double>(cycles) / static_cast<double>(sent);
    state.counters["to_control_share"] = static_cast<double>(queued) / static_cast<double>(sent);
    const net::Counters& c = ctx->counters;
    state.counters["edge_drops"] = static_cast<double>(
        c.edge_rate_limited.load() + c.edge_untrusted_limited.load() + c.edge_scanner.load());
    return queued;
  }
};

std::vector<rte_mbuf*> frames4(const char* src, const char* user_agent) {
  std::vector<rte_mbuf*> v;
  for (unsigned i = 0; i < kFrames; ++i) {
    v.push_back(frame(false, invite(user_agent)));
    set_source4(v.back(), src);
  }
  return v;
}

void free_all(std::vector<rte_mbuf*>& v) {
  for (rte_mbuf* m : v) rte_pktmbuf_free(m);
}

void BM_FloodOneSourceDropped(benchmark::State& state) {
  Bench b(config::EdgeConfig{});
  auto f = frames4("198.51.100.40", "sipp");
  b.run(state, f);
  free_all(f);
}
BENCHMARK(BM_FloodOneSourceDropped);

void BM_SprayOfFreshSourcesDropped(benchmark::State& state) {
  config::EdgeConfig cfg;
  cfg.sources_per_lcore = static_cast<std::uint32_t>(state.range(0));
  cfg.untrusted_rate_per_lcore = 1000;
  Bench b(cfg);
  std::vector<rte_mbuf*> f;
  for (unsigned i = 0; i < kFrames; ++i) f.push_back(frame(true, invite("sipp")));
  b.run(state, f,
        [](rte_mbuf* m, std::uint64_t i) { set_source6(m, static_cast<std::uint32_t>(i)); });
  state.counters["sources_evicted"] =
      static_cast<double>(b.ctx->counters.edge_sources_evicted.load());
  free_all(f);
}
BENCHMARK(BM_SprayOfFreshSourcesDropped)->ArgName("sources_per_lcore")->Arg(65536)->Arg(1 << 20);

void BM_ScannerDropped(benchmark::State& state) {
  config::EdgeConfig cfg;
  cfg.sip_rate_per_source = 1'000'000;
  cfg.sip_burst_per_source = 1'000'000;
  Bench b(cfg);
  auto f = frames4("198.51.100.41", "friendly-scanner");
  b.run(state, f);
  free_all(f);
}
BENCHMARK(BM_ScannerDropped);

void allowed(benchmark::State& state, const char* src, bool enabled) {
  config::EdgeConfig cfg;
  cfg.enabled = enabled;
  cfg.sip_rate_per_source = 1'000'000;
  cfg.sip_burst_per_source = 1'000'000;
  Bench b(cfg);
  auto f = frames4(src, "CarrierSBC/4.2");
  b.run(state, f);
  free_all(f);
}

void BM_AllowedFromTrunk(benchmark::State& state) { allowed(state, "198.51.100.10", true); }
BENCHMARK(BM_AllowedFromTrunk);
void BM_AllowedUntrustedWithinLimit(benchmark::State& state) {
  allowed(state, "198.51.100.50", true);
}
BENCHMARK(BM_AllowedUntrustedWithinLimit);
void BM_AllowedEdgeOff(benchmark::State& state) { allowed(state, "198.51.100.50", false); }
BENCHMARK(BM_AllowedEdgeOff);

}  // namespace

int main(int argc, char** argv) {
  return trunkline::perf::run_with_eal(argc, argv, "edge_drop", 4095, &g_pool);
}
