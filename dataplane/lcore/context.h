// One worker lcore's state: the queues it polls, its neighbour table and its
// counters, in one cache-aligned struct passed by reference. Nothing here is
// shared with another lcore; the control plane only reads the counters.
#pragma once

#include <atomic>
#include <cstdint>
#include <vector>

#include "dataplane/edge/gate.h"
#include "dataplane/media/media_context.h"
#include "dataplane/net/counters.h"
#include "dataplane/net/interface.h"
#include "dataplane/net/neighbour_table.h"
#include "dataplane/sip/steering.h"

struct rte_mempool;

namespace trunkline::dataplane {

inline constexpr std::uint16_t kNoPort = 0xffff;

// One port as this lcore sees it: its RX/TX queue, and the exception-path
// TAP (same queue index) if the port has one.
struct PortQueue {
  std::uint16_t port = kNoPort;
  std::uint16_t tap = kNoPort;
  std::uint16_t queue = 0;
  const net::Interface* ifc = nullptr;
  const std::vector<net::Ip4>* resolve4 = nullptr;
  const std::vector<net::Ip6>* resolve6 = nullptr;
};

struct LoopParams {
  std::uint16_t burst_size = 32;
  std::uint32_t idle_polls_before_sleep = 64;
  std::uint32_t idle_sleep_us = 200;
};

struct alignas(64) LcoreContext {
  LcoreContext(unsigned lcore, const net::NeighbourParams& np)
      : lcore_id(lcore), neighbours(np, &counters) {}

  unsigned lcore_id;
  unsigned worker = 0;  // index among the workers: the queue it polls on every port
  LoopParams loop;
  std::vector<PortQueue> ports;  // filled before launch, fixed after
  rte_mempool* pool = nullptr;   // for the probes this lcore originates
  const std::atomic<bool>* quit = nullptr;
  net::Counters counters;
  net::NeighbourTable neighbours;
  SipSteering sip;
  edge::EdgeLcore edge;       // SIP edge protection (dataplane/edge)
  media::MediaContext media;  // flow table and command/report rings (dataplane/media)
  std::uint64_t now_ms = 0;   // of the current poll
  std::uint64_t now_us = 0;   // the same in microseconds (RTP jitter)
  std::uint64_t next_housekeeping_tsc = 0;
};

}  // namespace trunkline::dataplane
