// Where a response goes over TCP or TLS when the connection its request came
// on is gone (RFC 3261 §18.2.2): a new connection to the address in the top
// Via's "received" parameter (else the address the request came from), at
// the Via's sent-by port, else the transport's default port (5060, 5061 for
// TLS). The request's own source port is an ephemeral one: nobody listens
// there.
#pragma once

#include <optional>
#include <string_view>

#include "control/sip/transaction/peer.h"

namespace trunkline::sip {

// `original` is where the request came from; nullopt when `response` is not
// a response or its top Via cannot be read.
std::optional<Peer> response_target(std::string_view response, const Peer& original);

}  // namespace trunkline::sip
