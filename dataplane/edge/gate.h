// The edge check each SIP datagram meets on the lcore before the pre-parse
// and the ring to control: trusted sources pass; others pay one token of
// their source's bucket and one of the lcore's untrusted budget, and a
// request whose User-Agent names a scanner is dropped after the pre-parse.
// Every drop is a counter; nothing here allocates, locks or logs.
#pragma once

#include <atomic>
#include <cstdint>
#include <string_view>

#include "dataplane/edge/policy.h"
#include "dataplane/edge/source_limiter.h"
#include "dataplane/net/counters.h"

namespace trunkline::edge {

// One lcore's edge state, inside its LcoreContext.
struct EdgeLcore {
  const PolicyExchange* exchange = nullptr;  // null: no edge checks
  const EdgePolicy* policy = nullptr;        // as of this poll
  std::uint64_t version = 0;
  std::atomic<std::uint64_t> seen{0};  // read by control (policy.h)
  SourceLimiter sources;
  std::uint64_t untrusted_tat = 0;  // the lcore-wide bucket of untrusted sources
};

// Top of every poll: picks up a newer policy and reports quiescence.
inline void refresh(EdgeLcore& e, net::Counters& c) {
  if (e.exchange == nullptr) return;
  const std::uint64_t v = e.exchange->version();
  if (v != e.version) {
    e.policy = e.exchange->current();
    e.version = v;
    net::bump(c.edge_policy_updates);
  }
  e.seen.store(v, std::memory_order_release);
}

enum class Verdict : std::uint8_t {
  kPass,   // trusted, or edge checks off: no further edge checks
  kCheck,  // untrusted and within its limits: scanner check after the pre-parse
  kDrop,   // counted; the caller frees the frame
};

// A datagram of CRLFs only (RFC 5626 keep-alive): never charged.
inline bool is_keepalive(std::string_view d) {
  if (d.empty()) return false;
  for (std::size_t i = 0; i < d.size(); i += 2)
    if (d[i] != '\r' || i + 1 == d.size() || d[i + 1] != '\n') return false;
  return true;
}

// `ip`: the frame's IPv4 or IPv6 header; `now_ns`: the poll's clock.
Verdict admit(EdgeLcore& e, const std::uint8_t* ip, std::uint64_t now_ns, net::Counters& c);

// After the pre-parse, for a kCheck request: true (and counted) when its
// User-Agent names a scanner.
bool drop_scanner(const EdgeLcore& e, std::string_view user_agent, net::Counters& c);

}  // namespace trunkline::edge
