// SIP over TCP and TLS (RFC 3261 §18): kernel sockets owned by the control
// plane, reached through each port's exception path (kernel_interface), with
// the same shards, transaction layer and B2BUA above as UDP.
//
// One thread runs every listener and connection (an Asio io_context). Whole
// messages (stream_framer.h) go to the shard that owns their Call-ID (the
// dataplane's hash) through a bounded SPSC queue per shard; what a shard
// sends to a stream peer comes back through another bounded queue and is
// written on the connection the peer used, or on one opened to it (trunks
// whose transport is tcp or tls). A full queue is a counted drop, never a wait.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "control/sip/transaction/peer.h"
#include "control/sip/transport/stream_framer.h"

namespace trunkline::sip {

// clang-format off
#define TL_SIP_STREAM_COUNTERS(X)                                                           \
  X(connections_accepted,   "TCP/TLS connections accepted")                                 \
  X(connections_opened,     "TCP/TLS connections we opened to peers")                       \
  X(connections_closed,     "TCP/TLS connections closed, for any reason")                   \
  X(connections_refused,    "connections refused: [sip] max_connections reached")          \
  X(connect_failures,       "connections we could not open (refused, timed out ...)")       \
  X(tls_handshake_failures, "TLS handshakes that failed (either side; no client certificate)") \
  X(idle_timeouts,          "connections closed after [sip] tcp_idle_timeout_s of silence") \
  X(framing_errors,         "streams lost to a framing error (no Content-Length, too big)") \
  X(framing_refusals_sent,  "400 responses sent before closing a stream on framing errors") \
  X(keepalive_pings,        "double-CRLF keep-alives answered (RFC 5626)")                  \
  X(messages_in,            "SIP messages read from streams and queued to a shard")         \
  X(messages_unparsable,    "stream messages dropped: not a request and did not pre-parse") \
  X(messages_out,           "SIP messages written to streams")                              \
  X(shard_queue_full,       "stream messages dropped: the shard's queue was full")          \
  X(overload_503_sent,      "503 sent to an INVITE whose shard queue was full")             \
  X(send_queue_full,        "messages dropped: the queue to the stream thread was full")    \
  X(no_connection,          "messages dropped: no connection and none can be opened")       \
  X(responses_to_sent_by,  "responses sent to the Via's sent-by: the request's connection was gone") \
  X(write_failures,         "connections lost to a write error or a peer not reading")      \
  X(tls_reloads,            "TLS certificate, key and trust anchors re-read (SIGHUP)")        \
  X(connections,            "TCP/TLS connections open now (gauge)")
// clang-format on

// What TLS presents and trusts, from [sip] (re-read on SIGHUP).
struct TlsFiles {
  std::string certificate, private_key;  // shown to peers, either side
  std::string ca_file;          // verifies trunks we connect to (and clients); "": the system store
  bool verify_clients = false;  // ask every TLS peer for a certificate and verify it
};

struct StreamOptions {
  // Listen on these addresses (the ports' IPv4 and IPv6 addresses). Bound
  // with IP_FREEBIND: the exception path's interface may get them later.
  std::vector<net::IpKey> addresses;
  std::uint16_t tcp_port = 5060;  // 0: no TCP listener
  std::uint16_t tls_port = 0;     // 0: no TLS listener
  TlsFiles tls;
  std::uint32_t idle_timeout_s = 300;
  std::uint32_t connect_timeout_s = 10;
  std::uint32_t max_connections = 1024;
  FramerLimits limits;
  unsigned shards = 1;
  std::uint32_t queue_depth = 1024;  // each queue, both ways
  std::uint32_t retry_after_s = 30;  // of the 503 to an INVITE that finds its shard's queue full
  // Which dataplane port serves each local address (Peer::dpdk_port of what
  // a stream peer is later sent over UDP).
  std::vector<std::pair<net::IpKey, std::uint16_t>> dpdk_ports;
};

class StreamTransport {
 public:
  // Opens the listeners and starts the thread; errors name the setting.
  static Result<std::unique_ptr<StreamTransport>> start(const StreamOptions& o);
  ~StreamTransport();
  StreamTransport(const StreamTransport&) = delete;
  StreamTransport& operator=(const StreamTransport&) = delete;

  void stop();

  // Re-reads the TLS certificate, key and trust anchors (SIGHUP): new
  // handshakes use them, connections up keep theirs. On an error, which
  // names the setting, nothing changes. An error too when TLS is off.
  Status reload_tls(const TlsFiles& files);

  // Shard `shard`'s side, from its own thread only. poll() hands up to
  // `max` queued messages to `f` and returns how many; send() queues a
  // message for `to` (a peer whose transport is TCP or TLS).
  using Deliver = std::function<void(std::string_view bytes, const Peer& from)>;
  unsigned poll(unsigned shard, const Deliver& f, unsigned max = 32);
  void send(unsigned shard, const Peer& to, std::string_view bytes);

#define TL_STREAM_COUNTER_FIELD(name, help) std::atomic<std::uint64_t> name{0};
  struct Counters {
    TL_SIP_STREAM_COUNTERS(TL_STREAM_COUNTER_FIELD)
  };
#undef TL_STREAM_COUNTER_FIELD
  const Counters& counters() const;

  // The ports listened on, for tests that ask for port 0.
  std::uint16_t tcp_port() const;
  std::uint16_t tls_port() const;

  class Impl;

 private:
  explicit StreamTransport(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace trunkline::sip
