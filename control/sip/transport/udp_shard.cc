#include "control/sip/transport/udp_shard.h"

#include <arpa/inet.h>
#include <rte_ip.h>
#include <rte_mbuf.h>
#include <rte_ring.h>
#include <rte_udp.h>

#include <chrono>
#include <cstring>

#include "common/log.h"
#include "common/thread_name.h"
#include "control/sip/transport/stream_transport.h"
#include "dataplane/net/checksum.h"
#include "dataplane/net/headers.h"

namespace trunkline::sip {

namespace {

std::uint64_t wall_ms() {
  using namespace std::chrono;
  return static_cast<std::uint64_t>(
      duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count());
}

std::uint64_t steady_ms() {
  using namespace std::chrono;
  return static_cast<std::uint64_t>(
      duration_cast<milliseconds>(steady_clock::now().time_since_epoch()).count());
}

constexpr std::size_t kMaxSipDatagram = 1500;  // one Ethernet frame; larger needs TCP (§18.1.1)

}  // namespace

UdpShard::UdpShard(unsigned index, std::vector<ShardLink> links, rte_mempool* pool,
                   const config::SipConfig& cfg, CallServices services)
    : index_(index),
      links_(std::move(links)),
      pool_(pool),
      cfg_(cfg),
      policy_(RefusalPolicy::appliance()),
      services_(std::move(services)),
      media_rings_(services_.media.get()),
      service_(cfg.test_responder, [this] { return now_ms_; }),
      b2bua_(
          services_.b2bua, services_.routing != nullptr ? *services_.routing : no_routing_,
          media_rings_, *this, services_.cdrs, [this] { return now_ms_; }, wall_ms),
      layer_(*this, b2bua_, TimerConfig{cfg.t1_ms, cfg.t2_ms, cfg.t4_ms}) {
  service_.attach(&layer_);
  b2bua_.attach(&layer_);
  b2bua_.set_fallback(&service_);
  if (services_.registrar) b2bua_.set_register_handler(services_.registrar);
  b2bua_.set_recorder(services_.recorder);
  b2bua_.set_queue(services_.queue);
}

UdpShard::~UdpShard() { stop(); }

void UdpShard::start() {
  quit_ = false;
  thread_ = std::thread([this] {
    name_this_thread("tl-sip", index_);
    run();
  });
  TL_LOG(kInfo, "sip_shard_started", "shard=%u lcores=%zu test_responder=%s", index_, links_.size(),
         cfg_.test_responder ? "true" : "false");
}

void UdpShard::stop() {
  if (!thread_.joinable()) return;
  quit_ = true;
  thread_.join();
  // Whatever is still queued towards us is returned to the pool.
  for (const ShardLink& l : links_) {
    void* m;
    while (rte_ring_sc_dequeue(l.from_dataplane, &m) == 0)
      rte_pktmbuf_free(static_cast<rte_mbuf*>(m));
  }
}

void UdpShard::run() {
  std::uint32_t idle = 0;
  while (!quit_.load(std::memory_order_relaxed)) {
    now_ms_ = steady_ms();
    unsigned got = 0;
    for (const ShardLink& l : links_) {
      rte_mbuf* pkts[32];
      const unsigned n =
          rte_ring_sc_dequeue_burst(l.from_dataplane, reinterpret_cast<void**>(pkts), 32, nullptr);
      for (unsigned i = 0; i < n; ++i) handle(pkts[i], l.worker, now_ms_);
      got += n;
    }
    if (services_.media)
      got += services_.media->poll([this](const media::Report& r) { b2bua_.on_media_report(r); });
    if (services_.streams != nullptr)
      got += services_.streams->poll(index_, [this](std::string_view bytes, const Peer& from) {
        counters_.stream_messages.fetch_add(1, std::memory_order_relaxed);
        accept(bytes, from, now_ms_);
      });
    if (services_.queue != nullptr)
      got +=
          services_.queue->poll([this](const b2bua::QueueOrder& o) { b2bua_.on_queue_order(o); });
    layer_.advance(now_ms_);
    if (now_ms_ >= next_tick_ms_) {
      b2bua_.tick();  // ring timeouts, CDRs due
      next_tick_ms_ = now_ms_ + 20;
    }
    publish();
    if (got != 0) {
      idle = 0;
    } else if (++idle >= 64) {
      std::this_thread::sleep_for(std::chrono::microseconds(200));
    }
  }
}

void UdpShard::handle(rte_mbuf* m, std::uint16_t worker, std::uint64_t now) {
  counters_.datagrams.fetch_add(1, std::memory_order_relaxed);
  const std::uint8_t* frame = rte_pktmbuf_mtod(m, const std::uint8_t*);
  const std::uint8_t* ip = frame + net::kEthHdr;
  Peer peer;
  std::uint16_t l4;
  if ((ip[0] >> 4) == 4) {
    net::Ip4 src, dst;
    std::memcpy(&src.be, ip + 12, 4);
    std::memcpy(&dst.be, ip + 16, 4);
    peer.ip = net::IpKey::of(src);
    peer.local = net::IpKey::of(dst);
    l4 = static_cast<std::uint16_t>(net::kEthHdr + (ip[0] & 0x0f) * 4);
  } else {
    net::Ip6 src, dst;
    std::memcpy(src.b.data(), ip + 8, 16);
    std::memcpy(dst.b.data(), ip + 24, 16);
    peer.ip = net::IpKey::of(src);
    peer.local = net::IpKey::of(dst);
    l4 = net::kEthHdr + sizeof(rte_ipv6_hdr);
  }
  const auto* udp = reinterpret_cast<const rte_udp_hdr*>(frame + l4);
  peer.port = ntohs(udp->src_port);
  peer.local_port = ntohs(udp->dst_port);
  peer.dpdk_port = m->port;
  peer.worker = worker;
  const std::string_view datagram(reinterpret_cast<const char*>(udp + 1),
                                  ntohs(udp->dgram_len) - sizeof(rte_udp_hdr));
  accept(datagram, peer, now);
  rte_pktmbuf_free(m);  // the layer kept copies of what it needs
}

void UdpShard::accept(std::string_view bytes, Peer peer, std::uint64_t now) {
  Message msg;
  const bool parsed = parse_message(bytes, &msg).ok();
  const Verdict verdict = parsed ? judge_message(msg, policy_) : judge_datagram(bytes, policy_);
  if (!parsed || !verdict.accept) {
    counters_.parse_refused.fetch_add(1, std::memory_order_relaxed);
    if (verdict.code != 0 && can_answer(bytes)) {
      std::string out;
      write_refusal(bytes, verdict, "tlrefused", &out);
      if (!out.empty()) {
        send(peer, out);
        counters_.refusals_sent.fetch_add(1, std::memory_order_relaxed);
      }
    }
    return;
  }
  if (msg.is_request() && !peer.reliable()) {
    // §18.2.2: to the source address, at the Via's port (or the source port
    // when the client asked for rport, RFC 3581). On a stream the answer
    // goes back on the connection the request came on.
    const Via& via = msg.top_via();
    if (!via.has_rport) peer.port = via.has_port ? via.port : 5060;
  }
  layer_.receive(msg, peer, now);
}

void UdpShard::send(const Peer& to, std::string_view bytes) {
  if (to.reliable()) {
    if (services_.streams != nullptr) {
      services_.streams->send(index_, to, bytes);
      counters_.sent.fetch_add(1, std::memory_order_relaxed);
    } else {
      counters_.send_no_stream.fetch_add(1, std::memory_order_relaxed);
    }
    return;
  }
  const bool v4 = to.ip.is_v4();
  const std::size_t ip_len = v4 ? sizeof(rte_ipv4_hdr) : sizeof(rte_ipv6_hdr);
  const std::size_t udp_len = sizeof(rte_udp_hdr) + bytes.size();
  if (ip_len + udp_len > kMaxSipDatagram) {
    counters_.send_too_big.fetch_add(1, std::memory_order_relaxed);
    TL_LOG(kWarn, "sip_send_too_big", "to=%s bytes=%zu", to.to_string().c_str(), bytes.size());
    return;
  }
  rte_mbuf* m = rte_pktmbuf_alloc(pool_);
  if (m == nullptr) {
    counters_.send_alloc_failed.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  std::uint8_t* frame = rte_pktmbuf_mtod(m, std::uint8_t*);
  std::memset(frame, 0, net::kEthHdr);  // the lcore writes Ethernet
  std::uint8_t* ip = frame + net::kEthHdr;
  auto* udp = reinterpret_cast<rte_udp_hdr*>(ip + ip_len);
  udp->src_port = htons(to.local_port);
  udp->dst_port = htons(to.port);
  udp->dgram_len = htons(static_cast<std::uint16_t>(udp_len));
  udp->dgram_cksum = 0;
  std::memcpy(udp + 1, bytes.data(), bytes.size());
  if (v4) {
    auto* h = reinterpret_cast<rte_ipv4_hdr*>(ip);
    std::memset(h, 0, sizeof *h);
    h->version_ihl = 0x45;
    h->total_length = htons(static_cast<std::uint16_t>(ip_len + udp_len));
    h->fragment_offset = htons(0x4000);
    h->time_to_live = 64;
    h->next_proto_id = net::kIpProtoUdp;
    std::memcpy(&h->src_addr, &to.local.b[12], 4);
    std::memcpy(&h->dst_addr, &to.ip.b[12], 4);
    h->hdr_checksum = net::ipv4_header_checksum(ip, ip_len);
    udp->dgram_cksum =
        net::ipv4_l4_checksum(ip, reinterpret_cast<std::uint8_t*>(udp), udp_len, net::kIpProtoUdp);
  } else {
    auto* h = reinterpret_cast<rte_ipv6_hdr*>(ip);
    h->vtc_flow = htonl(6u << 28);
    h->payload_len = htons(static_cast<std::uint16_t>(udp_len));
    h->proto = net::kIpProtoUdp;
    h->hop_limits = 64;
    std::memcpy(h->src_addr, to.local.b.data(), 16);
    std::memcpy(h->dst_addr, to.ip.b.data(), 16);
    udp->dgram_cksum =
        net::ipv6_l4_checksum(ip, reinterpret_cast<std::uint8_t*>(udp), udp_len, net::kIpProtoUdp);
  }
  if (udp->dgram_cksum == 0) udp->dgram_cksum = 0xffff;
  m->data_len = m->pkt_len = static_cast<std::uint32_t>(net::kEthHdr + ip_len + udp_len);
  m->port = to.dpdk_port;
  rte_ring* ring = nullptr;
  for (const ShardLink& l : links_)
    if (l.worker == to.worker) ring = l.to_dataplane;
  if (ring == nullptr || rte_ring_sp_enqueue(ring, m) != 0) {
    counters_.send_ring_full.fetch_add(1, std::memory_order_relaxed);
    rte_pktmbuf_free(m);
    return;
  }
  counters_.sent.fetch_add(1, std::memory_order_relaxed);
}

void UdpShard::publish() {
  const ServiceCounters& s = service_.counters();
  counters_.options_answered.store(s.options_answered, std::memory_order_relaxed);
  counters_.invites_answered.store(s.invites_answered, std::memory_order_relaxed);
  counters_.byes_answered.store(s.byes_answered, std::memory_order_relaxed);
  counters_.transactions.store(layer_.size(), std::memory_order_relaxed);
  const TransactionCounters& t = layer_.counters();
#define TL_TX_PUBLISH(name, help) tx_##name.store(t.name, std::memory_order_relaxed);
  TL_SIP_TRANSACTION_COUNTERS(TL_TX_PUBLISH)
#undef TL_TX_PUBLISH
  const b2bua::B2buaCounters& b = b2bua_.counters();
#define TL_B2BUA_PUBLISH(name, help) b2bua_##name.store(b.name, std::memory_order_relaxed);
  TL_B2BUA_COUNTERS(TL_B2BUA_PUBLISH)
#undef TL_B2BUA_PUBLISH
}

b2bua::B2buaCounters UdpShard::b2bua_counters() const {
  b2bua::B2buaCounters b;
#define TL_B2BUA_READ(name, help) b.name = b2bua_##name.load(std::memory_order_relaxed);
  TL_B2BUA_COUNTERS(TL_B2BUA_READ)
#undef TL_B2BUA_READ
  return b;
}

TransactionCounters UdpShard::transaction_counters() const {
  TransactionCounters t;
#define TL_TX_READ(name, help) t.name = tx_##name.load(std::memory_order_relaxed);
  TL_SIP_TRANSACTION_COUNTERS(TL_TX_READ)
#undef TL_TX_READ
  return t;
}

}  // namespace trunkline::sip
