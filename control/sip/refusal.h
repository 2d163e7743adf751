// What an element does with a message it cannot take: the response code and
// a reason phrase that names the fault, or 0 where no response can be sent
// (a malformed response, an ACK, a request without a Via to answer along).
// These are the stack's refusal rules; `trunkline sip lint` prints them.
//
// The rules follow RFC 3261 section 8.2 (and 16.3 for a proxy) in its order
// and RFC 4475 for each torture case: 400 for what does not parse, 505 for
// another SIP version, 501 / 405 for methods, 483 for Max-Forwards 0 at a
// proxy, 416 for a Request-URI scheme, 420 for Require (Proxy-Require at a
// proxy), 415 for a body it cannot read, 406 when Accept excludes the SDP an
// INVITE's answer must carry, 401 for credentials of an unknown scheme at
// the registrar.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "control/sip/message.h"
#include "control/sip/method.h"
#include "control/sip/parse_error.h"

namespace trunkline::sip {

enum class Role : std::uint8_t { kUserAgent, kProxy };

struct RefusalPolicy {
  Role role = Role::kUserAgent;
  bool registrar = true;                                     // answers REGISTER (agent phones)
  std::uint32_t allowed_methods = 0;                         // bit (1 << Method) per method taken
  std::span<const std::string_view> supported_extensions;    // option tags
  std::span<const std::string_view> accepted_content_types;  // "type/subtype"

  bool allows(Method m) const { return (allowed_methods & (1u << static_cast<unsigned>(m))) != 0; }
  // Trunkline's own: a B2BUA with a registrar for agent phones.
  static RefusalPolicy appliance(Role role = Role::kUserAgent);
};

struct Verdict {
  bool accept = true;
  int code = 0;        // response to send; 0 with accept false: drop silently
  std::string reason;  // reason phrase naming the fault
  // Headers the response must carry (RFC 3261 sections 8.2.1-8.2.3, 21.4.6).
  std::string unsupported;       // 420: the option tags not supported
  std::string accept_types;      // 415, 406: what the element reads
  std::string accept_encodings;  // 415 for Content-Encoding
  std::string allow;             // 405, 501
  ParseError error;              // the parse failure, when there was one
};

// Parses `datagram` as one UDP datagram and judges it.
Verdict judge_datagram(std::string_view datagram, const RefusalPolicy& policy);

// Judges a message that parse_message() accepted.
Verdict judge_message(const Message& msg, const RefusalPolicy& policy);

// True when a response to this datagram can be addressed: it is a request
// other than ACK and its top Via's sent-protocol and sent-by parse.
bool can_answer(std::string_view datagram);

// The response the verdict calls for, built from what the datagram's
// header lines still give (Via, From, To, Call-ID, CSeq; RFC 3261 section
// 8.2.6.2), with to_tag added to a To without one. Nothing is written
// when the verdict accepts or has no code.
void write_refusal(std::string_view datagram, const Verdict& verdict, std::string_view to_tag,
                   std::string* out);

}  // namespace trunkline::sip
