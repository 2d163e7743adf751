// The DPDK EAL command line Trunkline builds from its configuration.
#pragma once

#include <string>
#include <vector>

#include "control/config/config.h"

namespace trunkline::dataplane {

// DPDK's name for a port's device: the vdev name before the first comma
// ("net_af_packet0" of "net_af_packet0,iface=veth0"), or the PCI address.
std::string device_name(const std::string& device);
bool is_vdev(const std::string& device);

// Name of the TAP vdev serving port `index`'s exception path.
std::string exception_tap_name(std::size_t index);

// argv for rte_eal_init: lcores, file prefix, memory, the operator's extra
// arguments, then one --vdev (or -a for PCI) per port and per exception TAP.
std::vector<std::string> eal_arguments(const config::Config& c);

}  // namespace trunkline::dataplane
