// Via (RFC 3261 sections 8.1.1.7, 18.2, 20.42; rport from RFC 3581):
// via-parm = sent-protocol LWS sent-by *( SEMI via-params ).
#pragma once

#include <cstdint>
#include <string_view>

#include "control/sip/lex.h"
#include "control/sip/params.h"

namespace trunkline::sip {

inline constexpr std::string_view kBranchMagicCookie = "z9hG4bK";

struct Via {
  std::string_view text;              // the via-parm as written
  std::string_view protocol_name;     // "SIP"
  std::string_view protocol_version;  // "2.0"
  std::string_view transport;         // "UDP", "TCP", "TLS", "SCTP", ... (any token)
  Host host;
  std::uint16_t port = 0;
  bool has_port = false;
  HeaderParams params;  // from the first ";" on
  std::string_view branch;
  bool has_branch = false;
  std::string_view received;  // an IPv4 or IPv6 address
  bool has_rport = false;
  std::uint16_t rport = 0;  // 0 when the parameter has no value
  std::string_view maddr;
  int ttl = -1;

  // A branch that follows RFC 3261 (the magic cookie and something after
  // it). Otherwise transactions are matched by the RFC 2543 rules.
  bool has_rfc3261_branch() const {
    return has_branch && branch.size() > kBranchMagicCookie.size() &&
           branch.substr(0, kBranchMagicCookie.size()) == kBranchMagicCookie;
  }

  // User-provided for the reason given at Uri() (control/sip/uri.h).
  Via() {}  // NOLINT(modernize-use-equals-default)
};

// sent-protocol LWS sent-by: enough to address a response (section 18.2.2).
bool parse_via_sent_by(Cursor& c, Via* out, SyntaxError* err);

// One whole via-parm; the cursor ends after it (before any COMMA).
bool parse_via(Cursor& c, Via* out, SyntaxError* err);

}  // namespace trunkline::sip
