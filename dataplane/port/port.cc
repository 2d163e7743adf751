#include "dataplane/port/port.h"

#include <rte_ethdev.h>

#include <cstring>

#include "common/log.h"
#include "dataplane/port/eal_args.h"
#include "dataplane/port/kernel_interface.h"

namespace trunkline::dataplane {

namespace {

// Configures and starts `queues` queue pairs. `mac`, if given, is set before
// the start, so that a TAP's kernel side derives its link-local from it.
Status start_queues(std::uint16_t id, const std::string& what, rte_mempool* pool,
                    std::uint16_t queues, std::uint16_t mtu, const config::DataplaneConfig& dc,
                    const net::MacAddr* mac = nullptr) {
  rte_eth_dev_info info;
  if (int rc = rte_eth_dev_info_get(id, &info); rc != 0) {
    return Error{what + ": cannot read device info: " + rte_strerror(-rc)};
  }
  if (info.max_rx_queues < queues || info.max_tx_queues < queues) {
    return Error{what + ": device has " + std::to_string(info.max_rx_queues) +
                 " RX queues, the workers need " + std::to_string(queues) +
                 " (af_packet: add qpairs=N to the device)"};
  }
  rte_eth_conf conf{};
  conf.rxmode.mtu = mtu;
  if (int rc = rte_eth_dev_configure(id, queues, queues, &conf); rc != 0) {
    return Error{what + ": configure failed: " + rte_strerror(-rc)};
  }
  std::uint16_t rxd = dc.rx_descriptors, txd = dc.tx_descriptors;
  rte_eth_dev_adjust_nb_rx_tx_desc(id, &rxd, &txd);
  const int socket = rte_eth_dev_socket_id(id);
  for (std::uint16_t q = 0; q < queues; ++q) {
    if (int rc = rte_eth_rx_queue_setup(id, q, rxd, socket, nullptr, pool); rc != 0) {
      return Error{what + ": RX queue " + std::to_string(q) + ": " + rte_strerror(-rc)};
    }
    if (int rc = rte_eth_tx_queue_setup(id, q, txd, socket, nullptr); rc != 0) {
      return Error{what + ": TX queue " + std::to_string(q) + ": " + rte_strerror(-rc)};
    }
  }
  if (mac != nullptr) {
    rte_ether_addr a;
    std::memcpy(a.addr_bytes, mac->b.data(), 6);
    if (int rc = rte_eth_dev_default_mac_addr_set(id, &a); rc != 0) {
      return Error{what + ": cannot set its MAC to " + mac->to_string() + ": " + rte_strerror(-rc)};
    }
  }
  if (int rc = rte_eth_dev_start(id); rc != 0) {
    return Error{what + ": start failed: " + rte_strerror(-rc)};
  }
  return Status::Ok();
}

}  // namespace

Result<Port> open_port(const config::PortConfig& pc, std::size_t index, rte_mempool* pool,
                       std::uint16_t queues, const config::DataplaneConfig& dc) {
  const std::string what = "port '" + pc.name + "' (" + pc.device + ")";
  Port p;
  p.name = pc.name;
  if (rte_eth_dev_get_port_by_name(device_name(pc.device).c_str(), &p.id) != 0) {
    return Error{what + ": no such DPDK device (check the vdev spec or PCI address)"};
  }
  if (Status s = start_queues(p.id, what, pool, queues, pc.mtu, dc); !s) return s.error();

  rte_ether_addr dev_mac;
  rte_eth_macaddr_get(p.id, &dev_mac);
  net::MacAddr mac;
  std::memcpy(mac.b.data(), dev_mac.addr_bytes, 6);
  if (pc.has_mac && !(pc.mac == mac)) {
    // Keep the device's own MAC (on af_packet it is the host veth's) and
    // answer for ours in software: receive everything, filter by our MAC.
    if (int rc = rte_eth_promiscuous_enable(p.id); rc != 0) {
      return Error{what + ": cannot enable promiscuous mode for mac " + pc.mac.to_string() + ": " +
                   rte_strerror(-rc)};
    }
    mac = pc.mac;
  }
  p.ifc = net::make_interface(pc.name, mac, pc.ipv4, pc.ipv6);
  p.resolve4 = pc.resolve4;
  p.resolve6 = pc.resolve6;

  if (!pc.kernel_interface.empty()) {
    const std::string tap_what = what + " exception path '" + pc.kernel_interface + "'";
    if (rte_eth_dev_get_port_by_name(exception_tap_name(index).c_str(), &p.tap) != 0) {
      return Error{tap_what + ": TAP device missing (is the net_tap driver installed?)"};
    }
    if (Status s = start_queues(p.tap, tap_what, pool, queues, pc.mtu, dc, &mac); !s) {
      return s.error();
    }
    if (Status s = configure_kernel_interface(pc.kernel_interface, pc.mtu, pc.ipv4, pc.ipv6); !s) {
      return Error{tap_what + ": " + s.error().message};
    }
  }
  TL_LOG(kInfo, "port_up", "port=%s device=%s mac=%s ipv4=%zu ipv6=%zu exception_path=%s queues=%u",
         pc.name.c_str(), pc.device.c_str(), mac.to_string().c_str(), pc.ipv4.size(),
         pc.ipv6.size(), pc.kernel_interface.empty() ? "none" : pc.kernel_interface.c_str(),
         queues);
  return p;
}

void close_port(const Port& p) {
  for (std::uint16_t id : {p.id, p.tap}) {
    if (id == kNoPort) continue;
    rte_eth_dev_stop(id);
    rte_eth_dev_close(id);
  }
}

PortStats read_port_stats(const Port& p) {
  PortStats out;
  rte_eth_stats st{};
  if (p.id == kNoPort || rte_eth_stats_get(p.id, &st) != 0) return out;
  out.rx_packets = st.ipackets;
  out.rx_missed = st.imissed;
  out.rx_errors = st.ierrors;
  out.rx_no_mbuf = st.rx_nombuf;
  out.tx_packets = st.opackets;
  out.tx_errors = st.oerrors;
  return out;
}

}  // namespace trunkline::dataplane
