// Control's side of the edge: an EdgePolicy from [edge] and the sources the
// directory vouches for (trunk allow-lists, agents' static contacts). Built
// at start-up and on every directory reload, then published to the lcores
// (policy.h).
#pragma once

#include <cstddef>
#include <memory>
#include <string_view>
#include <vector>

#include "control/config/config.h"
#include "dataplane/edge/policy.h"

namespace trunkline::edge {

struct TrustedSources {
  std::vector<net::Prefix4> v4;
  std::vector<net::Prefix6> v6;
};

// Adds the address of a static contact ("198.51.100.20:5070",
// "[2001:db8::5]:5070", or either without a port) as a host prefix; false
// (nothing added) when the host is a name, which the edge cannot match.
bool add_contact(std::string_view contact, TrustedSources* out);

// [edge] as a policy, trusting `sources` and [edge] trusted.
std::unique_ptr<const EdgePolicy> make_policy(const config::EdgeConfig& c,
                                              const TrustedSources& sources);

}  // namespace trunkline::edge
