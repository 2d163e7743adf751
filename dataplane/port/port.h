// A configured port, opened and started: its DPDK port, its exception-path
// TAP, and what it owns (net::Interface).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/result.h"
#include "control/config/config.h"
#include "dataplane/lcore/context.h"
#include "dataplane/net/interface.h"

struct rte_mempool;

namespace trunkline::dataplane {

struct Port {
  std::string name;
  std::uint16_t id = kNoPort;
  std::uint16_t tap = kNoPort;
  net::Interface ifc;
  std::vector<net::Ip4> resolve4;
  std::vector<net::Ip6> resolve6;
};

// Configures `queues` RX/TX queue pairs on the port (and on its TAP), starts
// them, and sets up the kernel side of the exception path. EAL must be up.
Result<Port> open_port(const config::PortConfig& pc, std::size_t index, rte_mempool* pool,
                       std::uint16_t queues, const config::DataplaneConfig& dc);

void close_port(const Port& p);

}  // namespace trunkline::dataplane
