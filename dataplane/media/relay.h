// The media relay: RTP and RTCP arriving on one leg's local port leave by the
// other leg, from that leg's local address to its peer, with the IP and UDP
// headers rewritten and their checksums updated. Per packet, in order:
//   1. the leg it arrived on (flow table; none: media_no_flow), the UDP
//      checksum (drop_bad_l4_checksum), RTP/RTCP version 2 (media_not_rtp)
//   2. source check and latching (below; refused: media_spoofed)
//   3. receive statistics of that leg (RTP: RFC 3550 A.1/A.8; RTCP: counted)
//      and RFC 4733 event ends (a kDtmf report); a recorded session's RTP
//      audio is copied to its recorder worker (record_fork.h)
//   4. the other leg: held (media_held_dropped), no address yet
//      (media_no_destination); of another IP family, the datagram is
//      re-framed for it (family_change.h; media_family_translated)
//   5. rewrite, and the verdict kForward with the port and next hop
// Works on the bytes of one frame like net::process_rx, and never allocates,
// locks, throws or logs.
//
// Latching (symmetric RTP, protected against injection). While a leg is
// unlocked: a packet from the signalled remote address locks the leg to it;
// with no address signalled, the first source locks it; otherwise the first
// other source becomes the candidate, its packets are relayed, and after
// kLatchWindow of them without the signalled address being heard the leg
// locks to it. A locked leg accepts its peer only. Every refused packet is
// counted (media_spoofed, and the leg's spoofed_dropped). RTCP is accepted
// from the IP address RTP is accepted from; its source port is learned once
// the leg is locked, and RTCP towards a peer goes to that port (else RTP + 1).
// A leg with latch = false accepts its signalled address only. Locking sends
// a kLatched report to the session's owner shard.
#pragma once

#include <cstdint>

#include "dataplane/media/media_context.h"
#include "dataplane/net/addr.h"
#include "dataplane/net/interface.h"
#include "dataplane/net/neighbour_table.h"
#include "dataplane/net/packet.h"

namespace trunkline::media {

struct RelayOut {
  std::uint16_t port = 0;  // the DPDK port to send out of: the other leg's
  net::IpKey next_hop;     // the destination: peers are on-link, resolved directly
  // The arriving leg just locked to the packet's source: its MAC (still in the
  // frame's Ethernet source) is worth learning, so replies need no ARP/ND.
  bool glean = false;
  net::IpKey source;
};

// `pkt` is a frame process_rx judged kMedia: UDP at `l4` (length checked,
// pkt.len trimmed to the datagram), IPv6 when `ipv6`. The relay checks the
// UDP checksum itself (drop_bad_l4_checksum), once it knows the flow. `now_us` is the
// arrival time (any monotonic origin), used for the jitter.
struct FlowPeek;
net::Verdict relay(MediaContext& m, net::PacketBuf& pkt, std::uint16_t l4, bool ipv6,
                   std::uint64_t now_us, RelayOut* out, const FlowPeek* peek = nullptr);

// Burst stages before relay(), so that the flow-table cache misses of a
// whole burst overlap instead of following one another: peek_flow() on every
// frame (hash, prefetch of the index line), then prefetch_legs() on every
// frame (lookup, prefetch of both legs' lines), then the packet path. Both
// are hints: a frame they misjudge is still handled right by relay().
// prefetch_legs() reads the index only (the key is checked by relay()), so
// it never waits for a leg's line; relay() given the frame's peek reuses its
// hash.
struct FlowPeek {  // trivial on purpose: a burst's array of them is not zeroed
  std::uint64_t hash;
  const std::uint8_t* dst;  // the destination address in the frame
  std::uint16_t rtp_port;   // 0: not a media datagram
  bool v6;
};
void peek_flow(const MediaContext& m, const std::uint8_t* frame, std::uint16_t len, FlowPeek* out);
void prefetch_legs(MediaContext& m, const FlowPeek& p);

// The Ethernet header for a relayed frame, once its next hop is known.
enum class L2Result : std::uint8_t {
  kSend,   // Ethernet written: send the frame out of `out.port`
  kProbe,  // next hop unresolved (media_no_neighbour): the buffer now holds an
           // ARP request / Neighbor Solicitation for it; send that instead
  kDrop,   // unresolved and no probe due (media_no_neighbour): free it
};
// The MAC comes from `cache` when fresh, else from the neighbour table
// (and is cached).
L2Result write_ethernet(NextHopCache& cache, net::NeighbourTable& neighbours,
                        const net::Interface& out_ifc, const RelayOut& out, net::PacketBuf& pkt,
                        std::uint64_t now_ms, net::Counters& c);

// Learns `out.source` at the frame's Ethernet source if it is on-link on
// `in_ifc` (the port the frame came in on), as a hint (STALE).
void glean_source(net::NeighbourTable& neighbours, const net::Interface& in_ifc,
                  const RelayOut& out, const net::PacketBuf& pkt, std::uint64_t now_ms);

}  // namespace trunkline::media
