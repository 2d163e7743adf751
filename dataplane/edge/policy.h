// What the edge enforces (limits, trusted sources, scanner words) as one
// immutable object, and how control hands a new one to running lcores
// without a lock on their side.
//
// Handoff (quiescent-state reclamation): control stores the new pointer, then
// bumps a version. Each lcore, at the top of every poll, reads the version,
// reloads the pointer if it moved, and records the version it saw. A policy
// replaced at version V is unreachable once every lcore has recorded >= V,
// because a poll that saw V reads the pointer after V was published and
// drops whatever it held from earlier polls. Control then frees it. Lcores
// poll at least every idle_sleep_us, so the wait is sub-millisecond; if one
// does not answer in time the old policy is kept and freed later, never
// freed early.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <utility>
#include <vector>

#include "dataplane/edge/scanner_match.h"
#include "dataplane/edge/source_limiter.h"
#include "dataplane/edge/trusted_set.h"

namespace trunkline::edge {

struct EdgePolicy {
  bool enabled = true;
  Gcra per_source;  // every untrusted source, SIP datagrams other than keep-alives
  Gcra untrusted;   // all untrusted sources of one lcore together (interval 0: off)
  TrustedSet trusted;
  ScannerMatcher scanners;
};

class PolicyExchange {
 public:
  PolicyExchange() = default;
  ~PolicyExchange();
  PolicyExchange(const PolicyExchange&) = delete;
  PolicyExchange& operator=(const PolicyExchange&) = delete;

  // Control, before the lcores start: one quiescence counter per lcore.
  void add_reader(const std::atomic<std::uint64_t>* seen) { readers_.push_back(seen); }

  // Control (one thread): makes `p` current, then waits up to `wait` for the
  // lcores to let go of the one it replaces. `readers_running` false (the
  // lcores are stopped) frees at once. Returns how many replaced policies
  // are still waiting to be freed.
  std::size_t publish(std::unique_ptr<const EdgePolicy> p, std::chrono::microseconds wait,
                      bool readers_running);
  // Frees what no lcore can hold any more; returns how many remain.
  std::size_t reclaim(bool readers_running);

  // Lcore side.
  std::uint64_t version() const { return version_.load(std::memory_order_acquire); }
  const EdgePolicy* current() const { return current_.load(std::memory_order_acquire); }

 private:
  std::atomic<const EdgePolicy*> current_{nullptr};
  std::atomic<std::uint64_t> version_{0};
  std::vector<const std::atomic<std::uint64_t>*> readers_;
  // (version at which it was replaced, policy)
  std::vector<std::pair<std::uint64_t, const EdgePolicy*>> retired_;
};

}  // namespace trunkline::edge
