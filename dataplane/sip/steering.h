// SIP on the fast path: each UDP datagram to the SIP port is pre-parsed on the
// lcore (start line, framing, Call-ID, Via branch, CSeq) and handed, mbuf and
// all, to the control shard that owns its Call-ID through a bounded SPSC ring.
// What control sends comes back through another ring per (shard, lcore) and
// leaves from this lcore once the next hop's MAC is known.
#pragma once

#include <cstdint>

#include "dataplane/net/packet.h"

struct rte_mbuf;
struct rte_ring;

namespace trunkline::dataplane {

inline constexpr unsigned kMaxShards = 16;

struct SipSteering {
  std::uint16_t port = 0;  // 0: SIP is not on the fast path
  unsigned shards = 0;
  std::uint32_t retry_after_s = 30;
  rte_ring* to_control[kMaxShards] = {};    // this lcore → shard s
  rte_ring* from_control[kMaxShards] = {};  // shard s → this lcore
};

struct LcoreContext;

// What became of a datagram steer() looked at.
enum class SteerResult : std::uint8_t {
  kQueued,   // the shard owns the mbuf now
  kReply,    // the mbuf holds a 503 to send back out of its port
  kDropped,  // counted; the caller frees the mbuf
};

// `buf` is the frame process_rx judged kToControl (payload at buf.l4_payload).
SteerResult steer(LcoreContext& ctx, rte_mbuf* m, net::PacketBuf& buf);

// Sends what the control shards queued for this lcore; returns frames sent.
unsigned send_from_control(LcoreContext& ctx);

}  // namespace trunkline::dataplane
