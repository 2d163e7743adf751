#include "control/sip/transport/response_target.h"

#include "control/sip/message.h"

namespace trunkline::sip {

std::optional<Peer> response_target(std::string_view response, const Peer& original) {
  Message m;
  if (!parse_message(response, &m).ok() || m.is_request()) return std::nullopt;
  const Via& via = m.top_via();
  Peer to = original;
  to.connection = 0;  // any connection to the target, or a new one
  if (!via.received.empty()) {
    if (auto v4 = net::Ip4::parse(via.received)) {
      to.ip = net::IpKey::of(*v4);
    } else if (auto v6 = net::Ip6::parse(via.received)) {
      to.ip = net::IpKey::of(*v6);
    }
  }
  to.port = via.has_port ? via.port : original.transport == TransportKind::kTls ? 5061 : 5060;
  return to;
}

}  // namespace trunkline::sip
