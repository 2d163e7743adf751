// What the B2BUA asks of the rest of the appliance when a call arrives: is
// the source an allowed trunk, which tenant owns the dialled number and which
// agents take it (this issue: a simple per-DID list; the ACD replaces it),
// and where an agent's phone is reached now. DirectoryRouting
// (directory_routing.h) answers from the provisioned directory and the
// registrar's bindings; unit tests use a fake.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "control/sip/transaction/peer.h"

namespace trunkline::b2bua {

struct InboundRoute {
  int refuse_code = 0;  // 0: route the call; else answer this (403 trunk, 404 number)
  std::string refuse_reason;
  bool refused_transport = false;  // the 403 is for a TLS trunk's request over UDP or TCP
  std::int64_t tenant = 0;
  std::string tenant_name;  // for logs and people; recordings use `tenant`
  std::string trunk;
  std::string did;
  std::string line_skill;
  std::vector<std::string> agents;  // in the order they are tried
  bool record = false;
  std::string queue;  // non-empty: the ACD chooses the agent from this queue
  // A DTMF menu before the queue (menu_prompt 0: none): the key pressed
  // (RFC 4733 event) picks the caller's incoming skill.
  std::uint16_t menu_prompt = 0;
  std::uint32_t menu_timeout_ms = 0;
  std::array<std::string, 12> menu_skill;
};

struct Target {
  enum class Kind : std::uint8_t { kRegistered, kStatic, kAlternate };
  Kind kind = Kind::kStatic;
  std::string request_uri;  // "sip:alice@198.51.100.20:5070"
  sip::Peer peer;           // first hop, with the local address/port/worker it leaves from
  bool srtp = false;        // the phone takes SRTP (SDES) only: offer RTP/SAVP
};

std::string_view target_kind_name(Target::Kind k);

class Routing {
 public:
  virtual ~Routing() = default;
  // `source` sent an INVITE for `did` (the Request-URI user part).
  virtual InboundRoute route(const sip::Peer& source, std::string_view did) = 0;
  // Where to ring `agent` of `tenant` now, best first: its registered
  // contacts, else its static address, then its alternate number through the
  // call's trunk. `inbound` is the carrier's leg (the local side to use when
  // nothing better is known).
  virtual std::vector<Target> targets(std::int64_t tenant, std::string_view trunk,
                                      std::string_view agent, const sip::Peer& inbound,
                                      std::uint64_t now_ms) = 0;
  // An ordinary phone number reached through the call's trunk (the ACD's
  // overflow to an external number); empty when the trunk has no outbound.
  virtual std::vector<Target> external(std::int64_t tenant, std::string_view trunk,
                                       std::string_view number, const sip::Peer& inbound) = 0;
};

}  // namespace trunkline::b2bua

namespace trunkline::b2bua {

// Routing when nothing is provisioned: every call is refused 480, so
// carriers try elsewhere.
class NoRouting final : public Routing {
 public:
  InboundRoute route(const sip::Peer&, std::string_view) override {
    InboundRoute r;
    r.refuse_code = 480;
    r.refuse_reason = "Temporarily Unavailable";
    return r;
  }
  std::vector<Target> targets(std::int64_t, std::string_view, std::string_view, const sip::Peer&,
                              std::uint64_t) override {
    return {};
  }
  std::vector<Target> external(std::int64_t, std::string_view, std::string_view,
                               const sip::Peer&) override {
    return {};
  }
};

}  // namespace trunkline::b2bua
