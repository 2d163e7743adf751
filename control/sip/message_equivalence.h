// Whether two parsed messages mean the same as far as the parser sees:
// start line, every header (known ones by their parsed values, unknown ones
// byte for byte) and the body. The round-trip tests and the parser's fuzz
// target hold write_message() to it: parse -> write -> parse must give an
// equivalent message.
#pragma once

#include <string>

#include "control/sip/message.h"

namespace trunkline::sip {

// On a difference, names the first field that differs in *difference.
bool equivalent_messages(const Message& a, const Message& b, std::string* difference);

}  // namespace trunkline::sip
