// Routing from the provisioned directory (control/tenant) and the
// registrar's bindings: the trunk by source address, the tenant and agents
// by the dialled number, and where each agent is reached now.
#pragma once

#include <memory>
#include <mutex>
#include <optional>
#include <vector>

#include "control/b2bua/routing.h"
#include "control/registrar/location_service.h"
#include "control/tenant/directory.h"

namespace trunkline::b2bua {

// The directory the shards route with, replaced whole on reload; readers
// keep the snapshot they took for as long as they use it.
class DirectoryHolder {
 public:
  std::shared_ptr<const tenant::Directory> get() const {
    std::lock_guard lock(mu_);
    return dir_;
  }
  void set(std::shared_ptr<const tenant::Directory> d) {
    std::lock_guard lock(mu_);
    dir_ = std::move(d);
  }

 private:
  mutable std::mutex mu_;
  std::shared_ptr<const tenant::Directory> dir_;
};

// "198.51.100.20:5070", "198.51.100.20" (port 5060), "[2001:db8::20]:5070".
std::optional<std::pair<net::IpKey, std::uint16_t>> parse_host_port(std::string_view text);

// One of the appliance's own addresses and the DPDK port that holds it: where
// a leg towards a peer of that family leaves from.
struct LocalAddress {
  net::IpKey ip;
  std::uint16_t dpdk_port = 0;
};

// The address a call's leg towards `peer` leaves from: the inbound side's
// when it is of the peer's family (the usual case), else one of ours of that
// family, on the inbound side's port when it has one. None: unreachable.
std::optional<LocalAddress> local_for(const net::IpKey& peer, const sip::Peer& inbound,
                                      const std::vector<LocalAddress>& ours);

// The local ports our messages leave from, by transport: a target's Via and
// Contact name the one of the transport it is reached over.
struct LocalPorts {
  std::uint16_t udp = 5060;
  std::uint16_t tcp = 5060;  // 0: no TCP
  std::uint16_t tls = 5061;  // 0: no TLS
};

class DirectoryRouting final : public Routing {
 public:
  // `ours`: every address of the dataplane's ports, so that a phone of the
  // other IP family than the carrier is still reached (the relay re-frames).
  DirectoryRouting(const DirectoryHolder& directory, const registrar::LocationService* locations,
                   std::vector<LocalAddress> ours = {})
      : directory_(directory), locations_(locations), ours_(std::move(ours)) {}

  InboundRoute route(const sip::Peer& source, std::string_view did) override;
  std::vector<Target> targets(std::int64_t tenant, std::string_view trunk, std::string_view agent,
                              const sip::Peer& inbound, std::uint64_t now_ms) override;
  std::vector<Target> external(std::int64_t tenant, std::string_view trunk, std::string_view number,
                               const sip::Peer& inbound) override;

  // Set before the shards start.
  void set_local_ports(LocalPorts p) { ports_ = p; }

 private:
  LocalPorts ports_;
  const DirectoryHolder& directory_;
  const registrar::LocationService* locations_;
  std::vector<LocalAddress> ours_;
};

}  // namespace trunkline::b2bua
