// Where a SIP message came from or goes to over UDP: an address and a port.
#pragma once

#include <cstdint>
#include <string>

#include "dataplane/net/addr.h"

namespace trunkline::sip {

struct Peer {
  net::IpKey ip;
  std::uint16_t port = 0;
  // Which of our addresses and dataplane queues the peer talks to, so that
  // answers leave from the address the request came to.
  net::IpKey local;
  std::uint16_t local_port = 0;
  std::uint16_t dpdk_port = 0;
  std::uint16_t worker = 0;
  bool operator==(const Peer&) const = default;
  std::string to_string() const {
    return ip.is_v4() ? ip.to_string() + ":" + std::to_string(port)
                      : "[" + ip.to_string() + "]:" + std::to_string(port);
  }
};

}  // namespace trunkline::sip
