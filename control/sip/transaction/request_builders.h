// Requests the transaction layer writes itself: the ACK for a non-2xx final
// (RFC 3261 §17.1.1.3) and a CANCEL (§9.1), both from the INVITE they follow.
#pragma once

#include <string>
#include <string_view>

#include "common/result.h"
#include "control/sip/message.h"

namespace trunkline::sip {

// Request-URI, top Via, Route, From, Call-ID and CSeq number of the INVITE;
// To (with its tag) of the response; CSeq method ACK.
std::string build_ack_for_non_2xx(std::string_view invite, const Message& response);

// Request-URI, top Via (same branch), Route, From, To, Call-ID and CSeq number
// of the INVITE; CSeq method CANCEL.
Result<std::string> build_cancel(std::string_view invite);

}  // namespace trunkline::sip
