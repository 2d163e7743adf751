// The bounded SPSC rings between control shards and worker lcores: one
// command ring (shard → lcore) and one report ring (lcore → shard) per pair.
//
// boost::lockfree::spsc_queue rather than rte_ring: the elements are typed
// structs copied by value (no void* casts, no element-size bookkeeping), the
// rings are created and unit-tested without EAL, and both ends are wait-free
// with the indices on separate cache lines. Their memory is allocated once,
// when the dataplane starts; the traffic they carry (a few commands per call)
// does not need hugepage or NUMA placement.
#pragma once

#include <atomic>
#include <boost/lockfree/spsc_queue.hpp>
#include <cstddef>
#include <cstdint>

#include "dataplane/media/media_types.h"

namespace trunkline::media {

inline constexpr unsigned kMaxShards = 16;

struct CommandRing {
  explicit CommandRing(std::size_t depth) : q(depth) {}
  boost::lockfree::spsc_queue<Command> q;
  // The consumer lcore's media_command_ring_full counter: producers (control
  // shards, never the lcore) add to it with fetch_add. May be null.
  std::atomic<std::uint64_t>* full_counter = nullptr;
};

struct ReportRing {
  explicit ReportRing(std::size_t depth) : q(depth) {}
  boost::lockfree::spsc_queue<Report> q;
};

}  // namespace trunkline::media
