// Writing SIP messages: a writer for new requests and responses, the
// serializers of parsed values (URI, name-addr, Via), write_message() that
// writes a parsed message back, and write_response_head() that starts a
// response to a request the way RFC 3261 section 8.2.6.2 says.
//
// Output goes to a std::string the caller owns; a caller that reuses one
// (clear() keeps its capacity) writes without allocating once warm.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "control/sip/header_id.h"
#include "control/sip/message.h"
#include "control/sip/name_addr.h"
#include "control/sip/uri.h"
#include "control/sip/via.h"

namespace trunkline::sip {

void append_uri(std::string* out, const Uri& uri);
// ";name=value" for each parameter, white space dropped.
void append_params(std::string* out, const HeaderParams& params);
// display name (if any), the address ("<...>" where the form needs it),
// then its parameters.
void append_name_addr(std::string* out, const NameAddr& addr);
void append_via(std::string* out, const Via& via);

class MessageWriter {
 public:
  explicit MessageWriter(std::string* out) : out_(out) {}

  MessageWriter& request_line(std::string_view method, std::string_view request_uri);
  MessageWriter& status_line(int code, std::string_view reason);
  MessageWriter& header(std::string_view name, std::string_view value);
  MessageWriter& header(HeaderId id, std::string_view value) {
    return header(header_name(id), value);
  }
  MessageWriter& header(HeaderId id, std::uint64_t value);
  MessageWriter& via(const Via& via);
  // From or To (or any name-addr header) from a parsed address.
  MessageWriter& address(HeaderId id, const NameAddr& addr);
  MessageWriter& cseq(std::uint32_t number, std::string_view method);
  // Content-Type (when the body is not empty), Content-Length, the empty
  // line and the body. Ends the message.
  void finish(std::string_view content_type = {}, std::string_view body = {});

 private:
  std::string* out_;
};

// Writes a parsed message back: its start line; Via, From, To, CSeq,
// Max-Forwards, Contact, Route and Record-Route re-serialized from their
// parsed values; every other header as it came; Content-Length (where the
// message has one) from the body. Octets after the body are not written.
// Fails where a header that is re-serialized does not parse.
ParseError write_message(const Message& msg, std::string* out);

// Status line, every Via, From, To (with to_tag added when the request's To
// has none and to_tag is not empty), Call-ID and CSeq copied from the
// request. The caller adds its own headers and calls finish().
void write_response_head(const Message& request, int code, std::string_view reason,
                         std::string_view to_tag, MessageWriter& w);

}  // namespace trunkline::sip
