// One side of a B2BUA call as a SIP dialog (RFC 3261 §12): its identifiers,
// route set, remote target and the two CSeq spaces, built from the request
// that created it (we are the UAS) or from the response that established it
// (we are the UAC). It writes requests within the dialog and checks the CSeq
// of the requests the peer sends.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "control/sip/message.h"
#include "control/sip/transaction/peer.h"

namespace trunkline::b2bua {

// Where a URI (host:port literal) is reached over UDP, or an error when the
// host is not an IP literal (the appliance does not resolve names on the call path).
Result<sip::Peer> peer_of_uri(std::string_view uri_text, const sip::Peer& via);

struct Dialog {
  std::string call_id;
  std::string local_tag;
  std::string remote_tag;
  std::string local_uri;               // From of our requests (name-addr as written)
  std::string remote_uri;              // To of our requests
  std::string remote_target;           // the peer's Contact URI: Request-URI of our requests
  std::vector<std::string> route_set;  // Route headers of our requests, in order
  std::uint32_t local_cseq = 0;        // last CSeq we sent
  std::uint32_t remote_cseq = 0;       // last CSeq the peer sent (0: none yet)
  sip::Peer peer;                      // where our requests go (first hop)
  std::string contact;                 // our Contact header value

  // UAS side: the dialog an INVITE creates once we answer it with `local_tag`.
  static Result<Dialog> from_request(const sip::Message& invite, const sip::Peer& from,
                                     std::string local_tag, std::string contact);
  // UAC side: the dialog our INVITE `invite_cseq` establishes with a 1xx/2xx
  // that carries a To tag. `local_*` are what our INVITE carried.
  static Result<Dialog> from_response(const sip::Message& response, const Dialog& ours,
                                      const sip::Peer& sent_to);

  // Updates the remote target from a target-refresh request or its 2xx (re-INVITE, UPDATE).
  void refresh_target(const sip::Message& msg);

  // RFC 3261 §12.2.2: a request whose CSeq is lower than the last one is out of
  // order (answer 500). Accepts and records it otherwise.
  bool accept_remote_cseq(std::uint32_t cseq);

  // A request within the dialog: start line, Via (with `branch`), Max-Forwards,
  // Route set, From, To, Call-ID, CSeq (next local number unless `cseq` is
  // given, as ACK and CANCEL reuse the INVITE's), Contact for target-refresh
  // requests. `extra` is raw header lines ("Name: value\r\n").
  std::string request(std::string_view method, std::string_view branch, std::string_view extra,
                      std::string_view content_type, std::string_view body, std::uint32_t cseq = 0);
};

// The top Via a request from us carries.
std::string via_value(const sip::Peer& local_side, std::string_view branch);

}  // namespace trunkline::b2bua
