// The contract between the control plane and the dataplane's media relay:
// the commands control sends to every worker lcore to install, update and
// remove an anchored media session, and the reports an lcore sends back
// (latching, DTMF, final per-stream statistics). Plain trivially-copyable
// structs: they travel by value through bounded SPSC rings.
#pragma once

#include <cstddef>
#include <cstdint>
#include <type_traits>

#include "dataplane/net/addr.h"

namespace trunkline::media {

using SessionId = std::uint32_t;  // unique among live sessions of one appliance

struct Endpoint {
  net::IpKey ip;
  std::uint16_t port = 0;  // 0: not known yet (e.g. before the answer)
  bool operator==(const Endpoint&) const = default;
};

// SRTP on a leg (RFC 3711, keyed by SDES, RFC 4568): the suite and two
// master keys (16-byte key then 14-byte salt): `tx` is ours, protecting what
// the appliance sends the peer; `rx` is the peer's, for what it sends us.
enum class SrtpSuite : std::uint8_t {
  kNone = 0,
  kAesCm128HmacSha1_80,
  kAesCm128HmacSha1_32,
};
inline constexpr std::size_t kSrtpMasterKeyLength = 30;

struct SrtpKeys {
  SrtpSuite suite = SrtpSuite::kNone;
  bool has_rx = false;  // the peer's key is known (its answer may come later)
  std::uint8_t tx[kSrtpMasterKeyLength] = {};
  std::uint8_t rx[kSrtpMasterKeyLength] = {};
  bool operator==(const SrtpKeys&) const = default;
};

// One leg of a session: the appliance's RTP address on that leg (RTCP is
// port + 1) and where that leg's peer said it receives (its SDP).
struct LegSpec {
  Endpoint local;                       // ours; port even
  Endpoint remote;                      // the peer's SDP c=/m= (port 0: unknown yet)
  std::uint16_t dpdk_port = 0;          // the port the leg's peer is reached through
  std::uint8_t telephone_event_pt = 0;  // RFC 4733 payload type; 0: none negotiated
  // Symmetric RTP: send to the address the peer's RTP really comes from.
  // Latching accepts only the signalled address, or any address within the
  // first kLatchWindow packets when the signalled one is not heard; then it locks.
  bool latch = true;
  SrtpKeys srtp;  // suite kNone: plain RTP
};

enum class CommandVerb : std::uint8_t {
  kCreate,        // install legs[0] and legs[1]; RTP arriving on one is relayed out of the other
  kUpdateRemote,  // legs[leg].remote (telephone_event_pt, srtp) changed: an answer or re-INVITE
  kHold,          // leg `leg` on hold (1) or resumed (0) per `flag`: nothing is sent towards it
  kRecord,        // fork copies of both directions to the recorder (flag 1, handle
                  // `recording`) or stop (0)
  kDelete,        // remove; every lcore answers with a kFinal report per leg
  kPlay,          // the owner lcore plays prompts[0] once then prompts[1] in a loop towards
                  // leg `leg`'s peer (playout.h); both 0: stop
};

struct Command {
  CommandVerb verb = CommandVerb::kCreate;
  std::uint8_t leg = 0;
  std::uint8_t flag = 0;
  std::uint8_t owner_shard = 0;  // control shard the reports go to
  SessionId id = 0;
  std::uint32_t recording = 0;        // kRecord: the owner shard's recorder handle
  std::uint16_t prompts[2] = {0, 0};  // kPlay: announcement, then music (0: none)
  std::uint8_t payload_type = 0;      // kPlay: 0 PCMU or 8 PCMA
  LegSpec legs[2];
};

// Per-stream statistics of the RTP received on one leg (RFC 3550 A.3, A.8).
struct StreamStats {
  std::uint64_t packets = 0;
  std::uint64_t bytes = 0;
  std::uint64_t rtcp_packets = 0;
  std::uint64_t lost = 0;             // expected - received, never negative
  std::uint32_t jitter_ts = 0;        // interarrival jitter, in timestamp units
  std::uint32_t jitter_us = 0;        // the same in microseconds (8 kHz clock)
  std::uint32_t mos_x100 = 0;         // estimated MOS (E-model, G.107) times 100; 0: no packets
  std::uint32_t dtmf_events = 0;      // RFC 4733 events that ended
  std::uint64_t spoofed_dropped = 0;  // packets from an address other than the latched one
};

enum class ReportKind : std::uint8_t {
  kLatched,  // leg `leg` latched to `addr`
  kDtmf,     // an RFC 4733 event ended on leg `leg`: `dtmf_event` (0-15), `dtmf_duration`
  kFinal,    // the session was deleted: `stats` of leg `leg` on this lcore
  // kCreate not installed on this lcore: its table is full (media_table_full)
  // or the id or a local endpoint is already in use (media_command_rejected).
  // Control should delete the session everywhere and fail the call.
  kRefused,
};

struct Report {
  ReportKind kind = ReportKind::kFinal;
  std::uint8_t leg = 0;
  std::uint8_t dtmf_event = 0;
  std::uint16_t worker = 0;
  std::uint16_t dtmf_duration = 0;  // timestamp units
  SessionId id = 0;
  Endpoint addr;
  StreamStats stats;
};

static_assert(std::is_trivially_copyable_v<Command>);
static_assert(std::is_trivially_copyable_v<Report>);

}  // namespace trunkline::media
