// The dataplane's counters, declared once: the X-macro makes both the struct
// fields and the names/help strings that `trunkline stats` and /metrics print.
// Errors caused by traffic are counters, never log lines.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>

namespace trunkline::net {

// clang-format off
#define TL_DATAPLANE_COUNTERS(X)                                                          \
  /* rx / tx stages */                                                                    \
  X(rx_packets,            "frames received from the wire")                               \
  X(rx_bytes,              "bytes received from the wire")                                \
  X(tx_packets,            "frames sent to the wire")                                     \
  X(tx_bytes,              "bytes sent to the wire")                                      \
  X(tx_dropped,            "frames the port refused to send (TX ring full)")              \
  X(poll_idle_sleeps,      "idle back-off sleeps of the poll loop")                       \
  /* ARP */                                                                               \
  X(arp_request_in,        "ARP requests for our addresses")                              \
  X(arp_reply_out,         "ARP replies sent")                                            \
  X(arp_request_out,       "ARP requests sent to resolve next hops")                      \
  X(arp_reply_in,          "ARP replies to us")                                           \
  X(arp_conflict,          "ARP packets claiming one of our addresses")                   \
  /* ICMP / ICMPv6 */                                                                     \
  X(icmp_echo_in,          "ICMP echo requests to our addresses")                         \
  X(icmp_echo_reply_out,   "ICMP echo replies sent")                                      \
  X(icmp6_echo_in,         "ICMPv6 echo requests to our addresses")                       \
  X(icmp6_echo_reply_out,  "ICMPv6 echo replies sent")                                    \
  X(nd_solicit_in,         "Neighbor Solicitations for our addresses")                    \
  X(nd_advert_out,         "Neighbor Advertisements sent")                                \
  X(nd_solicit_out,        "Neighbor Solicitations sent to resolve next hops")            \
  X(nd_advert_in,          "Neighbor Advertisements to us")                               \
  /* neighbour table */                                                                   \
  X(neigh_learned,         "neighbour entries created or confirmed")                      \
  X(neigh_mac_changed,     "neighbour entries whose MAC changed")                         \
  X(neigh_expired,         "stale neighbour entries removed after max_age_ms")            \
  X(neigh_failed,          "next hops that did not answer max_probes probes")             \
  X(neigh_table_full,      "neighbour entries refused: table full")                       \
  X(probe_alloc_failed,    "probes not sent: no packet buffer")                           \
  /* exception path */                                                                    \
  X(to_kernel,             "frames passed to the kernel through the exception path")      \
  X(from_kernel,           "frames from the kernel sent to the wire")                     \
  X(to_kernel_dropped,     "frames for the kernel dropped: no exception path or TAP full") \
  /* SIP steering */                                                                      \
  X(sip_rx,                "SIP datagrams steered to a control shard")                    \
  X(sip_keepalive,         "SIP keep-alives (CRLF) absorbed")                             \
  X(sip_refused,           "SIP datagrams refused by the pre-parse (sip_refused_* by reason)") \
  X(sip_queue_full,        "SIP datagrams dropped: the shard's ring was full")            \
  X(sip_overload_503,      "new INVITEs answered 503 + Retry-After: shard ring full")     \
  X(sip_tx,                "SIP messages from the control plane sent")                    \
  X(sip_tx_no_neighbour,   "SIP messages from control dropped: next hop not resolved yet") \
  /* edge protection (dataplane/edge) */                                                  \
  X(edge_trusted,          "SIP datagrams from trusted sources (trunks, static contacts, [edge] trusted)") \
  X(edge_rate_limited,     "SIP datagrams dropped: source over [edge] sip_rate_per_source") \
  X(edge_untrusted_limited,"SIP datagrams dropped: untrusted sources over [edge] untrusted_rate_per_lcore") \
  X(edge_scanner,          "SIP requests dropped: User-Agent of a known scanner")         \
  X(edge_sources_new,      "sources entered in the edge table")                           \
  X(edge_sources_evicted,  "sources still being limited forgotten for room: table too small") \
  X(edge_policy_updates,   "edge policies (trusted set, limits) this lcore picked up")    \
  /* media relay (dataplane/media) */                                                     \
  X(media_relayed,         "RTP packets relayed to the other leg")                        \
  X(media_rtcp_relayed,    "RTCP packets relayed to the other leg")                       \
  X(media_dtmf_events,     "RFC 4733 telephone-events that ended (reported to control)")  \
  X(media_no_flow,         "media dropped: no session on that local address and port")    \
  X(media_not_rtp,         "media dropped: not RTP/RTCP version 2 or shorter than its header") \
  X(media_spoofed,         "media dropped: source is not the leg's signalled or latched address") \
  X(media_held_dropped,    "media dropped: the leg it would go to is on hold")            \
  X(media_family_translated,"media relayed between legs of different IP families (re-framed)") \
  X(media_family_no_room,  "media dropped: no buffer room for the other family's larger header") \
  X(media_no_destination,  "media dropped: the other leg's peer address is not known yet") \
  X(media_no_neighbour,    "media dropped: next hop not resolved yet (probe sent)")       \
  X(media_bad_port,        "media dropped: the other leg's DPDK port is not served by this lcore") \
  X(media_commands,        "media commands applied from the control shards")              \
  X(media_sessions_created,"media sessions installed")                                    \
  X(media_sessions_deleted,"media sessions removed")                                      \
  X(media_table_full,      "media sessions refused: flow table full ([media] max_sessions)") \
  X(media_command_rejected,"media commands refused: unknown session, id or port in use, bad port") \
  X(media_command_ring_full,"media commands control could not queue: this lcore's ring full") \
  X(media_report_ring_full,"media reports dropped: the control shard's ring was full")    \
  X(media_srtp_unprotect_failed,"SRTP/SRTCP dropped: authentication, replay or no key of the peer yet") \
  X(media_srtp_protect_failed,"media dropped: SRTP protection towards the peer failed")     \
  X(media_srtp_refused,    "media sessions refused: SRTP keys libsrtp would not take")   \
  X(media_playout_started,"prompts started towards a waiting caller (kPlay)")          \
  X(media_playout_packets, "prompt RTP packets generated by this lcore")                \
  X(media_playout_stopped_by_media,"playouts ended by real media relayed to the leg")   \
  X(media_playout_no_buffer,"prompt packets not sent: packet pool empty")              \
  X(media_playout_no_destination,"prompt packets not sent: the peer's address is not known") \
  X(media_forked,          "RTP copies handed to a recorder worker (recorded calls)")     \
  X(media_fork_dropped,    "RTP copies lost: the recorder worker's fork queue was full")  \
  X(media_fork_oversize,   "RTP copies lost: payload above 320 bytes (40 ms of G.711)")   \
  /* drops by reason */                                                                   \
  X(drop_truncated,        "dropped: frame shorter than its headers")                     \
  X(drop_bad_version,      "dropped: IP version field wrong for the ethertype")           \
  X(drop_bad_header_length,"dropped: IPv4 header length below 20 bytes")                  \
  X(drop_bad_length,       "dropped: IP length field larger than the frame (or smaller than its header)") \
  X(drop_bad_ip_checksum,  "dropped: IPv4 header checksum wrong")                         \
  X(drop_bad_l4_checksum,  "dropped: ICMP/ICMPv6 checksum wrong")                         \
  X(drop_fragment,         "dropped: IP fragment (not reassembled on the fast path)")     \
  X(drop_bad_source,       "dropped: multicast, broadcast or own source address")         \
  X(drop_bad_arp,          "dropped: ARP with unsupported hardware/protocol types")       \
  X(drop_bad_nd,           "dropped: Neighbor Discovery failing RFC 4861 validity checks") \
  X(drop_unknown_ethertype,"dropped: ethertype not IPv4, IPv6 or ARP")                    \
  X(drop_unknown_protocol, "dropped: IP protocol the appliance does not serve")           \
  X(drop_not_for_us,       "dropped: addressed to another host")                          \
  X(drop_multi_segment,    "dropped: frame spread over several buffers")
// clang-format on

// One instance per lcore, written by that lcore only. Relaxed atomics make
// the control plane's concurrent reads well-defined; on x86 an increment is
// an ordinary add.
inline constexpr std::size_t kSipRefusalReasons = 32;

struct alignas(64) Counters {
#define TL_COUNTER_FIELD(name, help) std::atomic<std::uint64_t> name{0};
  TL_DATAPLANE_COUNTERS(TL_COUNTER_FIELD)
#undef TL_COUNTER_FIELD
  // Indexed by sip::PreparseResult; stats name them sip_refused_<reason>.
  std::atomic<std::uint64_t> sip_refused_by[kSipRefusalReasons]{};
};

inline void bump(std::atomic<std::uint64_t>& c, std::uint64_t n = 1) {
  c.store(c.load(std::memory_order_relaxed) + n, std::memory_order_relaxed);
}

struct CounterInfo {
  const char* name;
  const char* help;
  std::atomic<std::uint64_t> Counters::*field;
};

// Every counter, in declaration order.
inline constexpr CounterInfo kCounterInfo[] = {
#define TL_COUNTER_INFO(name, help) {#name, help, &Counters::name},
    TL_DATAPLANE_COUNTERS(TL_COUNTER_INFO)
#undef TL_COUNTER_INFO
};
inline constexpr std::size_t kCounterCount = sizeof(kCounterInfo) / sizeof(kCounterInfo[0]);

}  // namespace trunkline::net
