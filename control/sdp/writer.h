// Writing an SDP body from a Session, lines in RFC 4566 order, CRLF ends.
// A Session built by hand without s= or t= gets "s=-" and "t=0 0".
#pragma once

#include <string>

#include "control/sdp/session.h"

namespace trunkline::sdp {

void append_connection(std::string* out, const Connection& c);
void write_session(const Session& session, std::string* out);

}  // namespace trunkline::sdp
