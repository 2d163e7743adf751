// A control shard: one thread that owns the SIP transactions of the Call-IDs
// that hash to it. It takes whole datagrams (mbufs) from every worker lcore's
// ring, and whole messages from the stream transport's queue (TCP, TLS),
// parses and judges them, runs the transaction layer and its TU, and hands
// what it sends back the way the peer talks to it: to the lcore, as a frame
// with IP and UDP headers written (the lcore adds Ethernet once it knows the
// MAC), or to the stream transport, which writes it on the peer's connection.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <thread>
#include <vector>

#include "control/b2bua/b2bua.h"
#include "control/config/config.h"
#include "control/sip/refusal.h"
#include "control/sip/service/sip_service.h"
#include "control/sip/transaction/transaction_layer.h"
#include "dataplane/media/media_control.h"

struct rte_mempool;
struct rte_mbuf;
struct rte_ring;

namespace trunkline::sip {

class StreamTransport;

struct ShardLink {
  std::uint16_t worker;
  rte_ring* from_dataplane;  // lcore → this shard
  rte_ring* to_dataplane;    // this shard → lcore
};

// What a shard needs to carry calls: the routing (shared by every shard, thread-safe),
// the registrar (shared), where CDRs go, and this shard's media rings.
struct CallServices {
  b2bua::Routing* routing = nullptr;
  b2bua::RegisterHandler registrar;
  b2bua::CallRecordSink cdrs;
  std::unique_ptr<media::MediaControl> media;
  b2bua::CallRecorder* recorder = nullptr;  // this shard's recorder; null: recording off
  b2bua::CallQueue* queue = nullptr;        // the ACD's link to this shard; null: no ACD
  b2bua::B2buaConfig b2bua;
  StreamTransport* streams = nullptr;  // TCP and TLS; null: UDP only
};

// clang-format off
#define TL_SIP_SHARD_COUNTERS(X)                                                      \
  X(datagrams,           "SIP datagrams taken from the dataplane")                    \
  X(stream_messages,     "SIP messages taken from the stream transport (TCP, TLS)")   \
  X(parse_refused,       "datagrams that did not parse or were refused by the rules") \
  X(refusals_sent,       "stateless refusals sent (400, 420, 505 ...)")               \
  X(sent,                "SIP messages handed to the dataplane")                      \
  X(send_ring_full,      "SIP messages dropped: ring to the dataplane full")          \
  X(send_alloc_failed,   "SIP messages dropped: no packet buffer")                    \
  X(send_too_big,        "SIP messages dropped: larger than one UDP datagram")        \
  X(send_no_stream,      "SIP messages dropped: TCP/TLS peer, stream transport off")  \
  X(options_answered,    "OPTIONS answered 200")                                      \
  X(invites_answered,    "INVITEs answered by the test responder")                    \
  X(byes_answered,       "BYEs answered 200")                                         \
  X(transactions,        "transactions open now")
// clang-format on

class UdpShard final : public Transport {
 public:
  UdpShard(unsigned index, std::vector<ShardLink> links, rte_mempool* pool,
           const config::SipConfig& cfg, CallServices services);
  ~UdpShard() override;

  void start();
  void stop();

  // Readable from any thread while the shard runs.
#define TL_SHARD_COUNTER_FIELD(name, help) std::atomic<std::uint64_t> name{0};
  struct Counters {
    TL_SIP_SHARD_COUNTERS(TL_SHARD_COUNTER_FIELD)
  };
#undef TL_SHARD_COUNTER_FIELD
  const Counters& counters() const { return counters_; }
  // The transaction layer's counters, published once per loop.
  TransactionCounters transaction_counters() const;
  b2bua::B2buaCounters b2bua_counters() const;

  void send(const Peer& to, std::string_view bytes) override;

 private:
  void run();
  void handle(rte_mbuf* m, std::uint16_t worker, std::uint64_t now);
  // One whole message from a datagram or a stream: judged, refused or passed up.
  void accept(std::string_view bytes, Peer peer, std::uint64_t now);
  void publish();

  // The B2BUA's media commands go to this shard's rings towards every lcore.
  class MediaRings final : public b2bua::MediaSink {
   public:
    explicit MediaRings(media::MediaControl* mc) : mc_(mc) {}
    bool send(const media::Command& c) override { return mc_ != nullptr && mc_->send(c); }

   private:
    media::MediaControl* mc_;
  };

  unsigned index_;
  std::vector<ShardLink> links_;
  rte_mempool* pool_;
  config::SipConfig cfg_;
  RefusalPolicy policy_;
  std::uint64_t now_ms_ = 0;
  CallServices services_;
  b2bua::NoRouting no_routing_;
  MediaRings media_rings_;
  SipService service_;
  b2bua::B2bua b2bua_;
  TransactionLayer layer_;
  std::uint64_t next_tick_ms_ = 0;
  std::atomic<bool> quit_{false};
  std::thread thread_;
  Counters counters_;
#define TL_TX_COUNTER_ATOMIC(name, help) std::atomic<std::uint64_t> tx_##name{0};
  TL_SIP_TRANSACTION_COUNTERS(TL_TX_COUNTER_ATOMIC)
#undef TL_TX_COUNTER_ATOMIC
#define TL_B2BUA_COUNTER_ATOMIC(name, help) std::atomic<std::uint64_t> b2bua_##name{0};
  TL_B2BUA_COUNTERS(TL_B2BUA_COUNTER_ATOMIC)
#undef TL_B2BUA_COUNTER_ATOMIC
};

}  // namespace trunkline::sip
