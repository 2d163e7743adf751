#include "control/b2bua/directory_routing.h"

#include <charconv>

namespace trunkline::b2bua {

std::optional<std::pair<net::IpKey, std::uint16_t>> parse_host_port(std::string_view text) {
  std::string_view host = text, port;
  if (!text.empty() && text.front() == '[') {
    const auto close = text.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    host = text.substr(1, close - 1);
    std::string_view rest = text.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':') return std::nullopt;
      port = rest.substr(1);
    }
  } else if (const auto colon = text.rfind(':');
             colon != std::string_view::npos && text.find(':') == colon) {
    host = text.substr(0, colon);
    port = text.substr(colon + 1);
  }
  std::pair<net::IpKey, std::uint16_t> out{{}, 5060};
  if (auto v4 = net::Ip4::parse(host)) {
    out.first = net::IpKey::of(*v4);
  } else if (auto v6 = net::Ip6::parse(host)) {
    out.first = net::IpKey::of(*v6);
  } else {
    return std::nullopt;
  }
  if (!port.empty()) {
    unsigned p = 0;
    auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), p);
    if (ec != std::errc{} || end != port.data() + port.size() || p == 0 || p > 65535)
      return std::nullopt;
    out.second = static_cast<std::uint16_t>(p);
  }
  return out;
}

std::optional<LocalAddress> local_for(const net::IpKey& peer, const sip::Peer& inbound,
                                      const std::vector<LocalAddress>& ours) {
  if (peer.is_v4() == inbound.local.is_v4()) return LocalAddress{inbound.local, inbound.dpdk_port};
  const LocalAddress* other_port = nullptr;
  for (const LocalAddress& a : ours) {
    if (a.ip.is_v4() != peer.is_v4()) continue;
    if (a.dpdk_port == inbound.dpdk_port) return a;
    if (other_port == nullptr) other_port = &a;
  }
  if (other_port != nullptr) return *other_port;
  return std::nullopt;
}

namespace {

// The transport a trunk is provisioned with ("udp", "tcp", "tls").
sip::TransportKind transport_of(std::string_view name) {
  if (name == "tcp") return sip::TransportKind::kTcp;
  if (name == "tls") return sip::TransportKind::kTls;
  return sip::TransportKind::kUdp;
}

// `user` at `host_port` over `transport`, sent from the inbound leg's side
// (whatever transport the inbound leg used), or from one of our addresses of
// the target's family when the carrier uses the other.
void add_target(const std::string& host_port, const std::string& user, Target::Kind kind,
                sip::TransportKind transport, const LocalPorts& ports, const sip::Peer& inbound,
                const std::vector<LocalAddress>& ours, std::vector<Target>* out) {
  auto hp = parse_host_port(host_port);
  if (!hp) return;
  const auto local = local_for(hp->first, inbound, ours);
  if (!local) return;
  Target t;
  t.kind = kind;
  t.peer = inbound;
  t.peer.local = local->ip;
  t.peer.dpdk_port = local->dpdk_port;
  t.peer.ip = hp->first;
  t.peer.port = hp->second;
  t.peer.transport = transport;
  t.peer.connection = 0;  // any connection to it, or a new one
  t.peer.local_port = transport == sip::TransportKind::kTcp   ? ports.tcp
                      : transport == sip::TransportKind::kTls ? ports.tls
                                                              : ports.udp;
  t.request_uri =
      "sip:" + user + "@" + host_port + std::string(sip::uri_transport_param(transport));
  out->push_back(std::move(t));
}

}  // namespace

InboundRoute DirectoryRouting::route(const sip::Peer& source, std::string_view did) {
  InboundRoute r;
  auto dir = directory_.get();
  const tenant::DirDid* d = dir ? dir->find_did(did) : nullptr;
  // The trunk is judged within the tenant of the number, so a carrier shared
  // by tenants is attributed right; an unknown number from an unknown source
  // is refused as a source problem first (no hint that the number exists).
  const tenant::DirTrunk* trunk = !dir ? nullptr
                                       : (d != nullptr ? dir->trunk_for_source(source.ip, d->tenant)
                                                       : dir->trunk_for_source(source.ip));
  if (trunk == nullptr) {
    r.refuse_code = 403;
    r.refuse_reason = "Forbidden";
    return r;
  }
  // A trunk provisioned for TLS keeps its signalling encrypted both ways: the
  // same peer over UDP or TCP is refused, not silently downgraded.
  if (transport_of(trunk->transport) == sip::TransportKind::kTls &&
      source.transport != sip::TransportKind::kTls) {
    r.refuse_code = 403;
    r.refuse_reason = "TLS Required";
    r.refused_transport = true;
    return r;
  }
  if (d == nullptr) {
    r.refuse_code = 404;
    r.refuse_reason = "Not Found";
    return r;
  }
  r.tenant = d->tenant;
  if (const tenant::DirTenant* t = dir->tenant(d->tenant)) r.tenant_name = t->name;
  r.trunk = trunk->name;
  r.did = d->number;
  r.line_skill = d->line_skill;
  r.agents = d->agents;
  r.record = d->record;
  r.queue = d->queue;
  r.menu_prompt = d->menu.prompt;
  r.menu_timeout_ms = d->menu.timeout_s * 1000;
  r.menu_skill = d->menu.skill_for;
  return r;
}

std::vector<Target> DirectoryRouting::targets(std::int64_t tenant, std::string_view trunk_name,
                                              std::string_view agent_name, const sip::Peer& inbound,
                                              std::uint64_t now_ms) {
  std::vector<Target> out;
  auto dir = directory_.get();
  if (!dir) return out;
  const tenant::DirAgent* agent = dir->agent(tenant, agent_name);
  if (agent == nullptr) return out;
  if (locations_ != nullptr) {
    for (const registrar::Binding& b : locations_->lookup(tenant, agent_name, now_ms)) {
      Target t;
      t.kind = Target::Kind::kRegistered;
      t.request_uri = b.contact;
      t.peer = b.source;  // where the phone registered from: reachable through its NAT
      t.srtp = agent->srtp;
      out.push_back(std::move(t));
    }
  }
  auto at = [&](const std::string& host_port, const std::string& user, Target::Kind kind) {
    add_target(host_port, user, kind, sip::TransportKind::kUdp, ports_, inbound, ours_, &out);
  };
  if (out.empty() && !agent->static_contact.empty()) {
    at(agent->static_contact, agent->sip_user.empty() ? agent->name : agent->sip_user,
       Target::Kind::kStatic);
    if (!out.empty()) out.back().srtp = agent->srtp;
  }
  // (The alternate number goes through the carrier's trunk: plain RTP.)
  if (!agent->alternate_number.empty()) {
    for (Target& t : external(tenant, trunk_name, agent->alternate_number, inbound))
      out.push_back(std::move(t));
  }
  return out;
}

std::vector<Target> DirectoryRouting::external(std::int64_t tenant, std::string_view trunk_name,
                                               std::string_view number, const sip::Peer& inbound) {
  std::vector<Target> out;
  auto dir = directory_.get();
  if (!dir) return out;
  for (const tenant::DirTrunk& t : dir->trunks())
    if (t.tenant == tenant && t.name == trunk_name && !t.outbound.empty())
      add_target(t.outbound, std::string(number), Target::Kind::kAlternate,
                 transport_of(t.transport), ports_, inbound, ours_, &out);
  return out;
}

}  // namespace trunkline::b2bua
