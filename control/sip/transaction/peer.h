// Where a SIP message came from or goes to: an address and a port, over UDP
// through the dataplane, or over a TCP or TLS connection of the stream
// transport (control/sip/transport/stream_transport.h).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "dataplane/net/addr.h"

namespace trunkline::sip {

enum class TransportKind : std::uint8_t { kUdp, kTcp, kTls };

// As a Via's sent-protocol writes it: "UDP", "TCP", "TLS".
constexpr std::string_view via_transport(TransportKind k) {
  return k == TransportKind::kTcp ? "TCP" : k == TransportKind::kTls ? "TLS" : "UDP";
}

// The transport parameter a URI of ours carries (";transport=tcp"), "" for UDP.
constexpr std::string_view uri_transport_param(TransportKind k) {
  return k == TransportKind::kTcp   ? ";transport=tcp"
         : k == TransportKind::kTls ? ";transport=tls"
                                    : "";
}

struct Peer {
  net::IpKey ip;
  std::uint16_t port = 0;
  // Which of our addresses and dataplane queues the peer talks to, so that
  // answers leave from the address the request came to.
  net::IpKey local;
  std::uint16_t local_port = 0;
  std::uint16_t dpdk_port = 0;
  std::uint16_t worker = 0;
  TransportKind transport = TransportKind::kUdp;
  // Streams: the connection a message came on, where its answers go
  // (§18.2.2); 0: any connection to ip:port, or a new one.
  std::uint64_t connection = 0;
  // TCP and TLS deliver or fail: no retransmission timers (§17).
  bool reliable() const { return transport != TransportKind::kUdp; }
  bool operator==(const Peer&) const = default;
  std::string to_string() const {
    return ip.is_v4() ? ip.to_string() + ":" + std::to_string(port)
                      : "[" + ip.to_string() + "]:" + std::to_string(port);
  }
};

}  // namespace trunkline::sip
