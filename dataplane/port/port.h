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

// The device's own counters (rte_eth_stats_get): what it dropped before any
// lcore saw a frame (RX ring full, no mbuf, errors). Any thread.
struct PortStats {
  std::uint64_t rx_packets = 0;
  std::uint64_t rx_missed = 0;  // the RX ring (or af_packet's) was full
  std::uint64_t rx_errors = 0;
  std::uint64_t rx_no_mbuf = 0;  // the packet pool was empty
  std::uint64_t tx_packets = 0;
  std::uint64_t tx_errors = 0;
};
PortStats read_port_stats(const Port& p);

}  // namespace trunkline::dataplane
