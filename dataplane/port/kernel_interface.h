// The kernel side of the exception path: the TAP interface gets the port's
// MAC (set through DPDK) and addresses, so the kernel answers management
// traffic from the same addresses as the fast path.
#pragma once

#include <string>
#include <vector>

#include "common/result.h"
#include "dataplane/net/addr.h"

namespace trunkline::dataplane {

// Brings `ifname` up with `mtu` and adds the addresses (IPv6 without duplicate
// address detection: the dataplane already defends them). Uses iproute2.
Status configure_kernel_interface(const std::string& ifname, std::uint16_t mtu,
                                  const std::vector<net::Prefix4>& v4,
                                  const std::vector<net::Prefix6>& v6);

}  // namespace trunkline::dataplane
