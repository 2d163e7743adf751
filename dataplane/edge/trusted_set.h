// The sources the edge never limits: every provisioned trunk's allow-list,
// every agent's static contact and [edge] trusted, as one immutable set of
// address ranges per family, sorted and merged so that a lookup is one
// binary search (a few hundred trunk prefixes: under ten comparisons).
// Built by control, read by every lcore, never changed once built.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "dataplane/net/addr.h"

namespace trunkline::edge {

class TrustedSet {
 public:
  TrustedSet() = default;
  TrustedSet(const std::vector<net::Prefix4>& v4, const std::vector<net::Prefix6>& v6);

  // `src4` / `src16`: the source address as it sits in the IP header.
  bool contains_v4(const std::uint8_t* src4) const;
  bool contains_v6(const std::uint8_t* src16) const;

  // Disjoint ranges after merging (for logs and tests).
  std::size_t ranges_v4() const { return v4_.size(); }
  std::size_t ranges_v6() const { return v6_.size(); }

 private:
  struct Range4 {
    std::uint32_t first, last;  // host order, inclusive
  };
  // An IPv6 address as a (high, low) pair of host-order words compares in
  // address order.
  struct U128 {
    std::uint64_t hi = 0, lo = 0;
    auto operator<=>(const U128&) const = default;
  };
  struct Range6 {
    U128 first, last;
  };
  static U128 load6(const std::uint8_t* a);

  std::vector<Range4> v4_;
  std::vector<Range6> v6_;
};

}  // namespace trunkline::edge
