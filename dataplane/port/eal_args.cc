#include "dataplane/port/eal_args.h"

namespace trunkline::dataplane {

std::string device_name(const std::string& device) { return device.substr(0, device.find(',')); }

bool is_vdev(const std::string& device) { return device.rfind("net_", 0) == 0; }

std::string exception_tap_name(std::size_t index) {
  // The vdev bus matches drivers by name prefix, so "net_tap_exc0" is a net_tap.
  return "net_tap_exc" + std::to_string(index);
}

std::vector<std::string> eal_arguments(const config::Config& c) {
  std::string lcores = std::to_string(c.main_lcore);
  for (auto w : c.worker_lcores) lcores += "," + std::to_string(w);
  std::vector<std::string> a = {"trunkline",
                                "-l",
                                lcores,
                                "--main-lcore",
                                std::to_string(c.main_lcore),
                                "--file-prefix",
                                c.file_prefix,
                                "-m",
                                std::to_string(c.memory_mb)};
  a.insert(a.end(), c.eal_args.begin(), c.eal_args.end());
  for (std::size_t i = 0; i < c.ports.size(); ++i) {
    const config::PortConfig& p = c.ports[i];
    a.push_back(is_vdev(p.device) ? "--vdev" : "-a");
    a.push_back(p.device);
    if (!p.kernel_interface.empty()) {
      a.push_back("--vdev");
      a.push_back(exception_tap_name(i) + ",iface=" + p.kernel_interface);
    }
  }
  return a;
}

}  // namespace trunkline::dataplane
