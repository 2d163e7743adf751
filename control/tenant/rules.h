// What a provisioned value may look like. Each check returns Ok or the reason
// the text is refused (without echoing secrets); `trunkline provision` puts
// the file position and key in front of it.
#pragma once

#include <string>
#include <string_view>

#include "common/result.h"

namespace trunkline::tenant::rules {

// Tenant, trunk and agent names, line skills: 1..64 of [A-Za-z0-9._-],
// starting with a letter or digit.
Status check_name(std::string_view text);
// A DNS name (labels of letters, digits and '-', 1..63 each, 253 in all).
// Compared case-insensitively; stored lowercase.
Status check_domain(std::string_view text);
// E.164 ("+" then 2..15 digits, the first not 0) or 1..20 plain digits.
Status check_number(std::string_view text);
// SIP user part of an agent's phone: 1..64 of [A-Za-z0-9._~!+-].
Status check_sip_user(std::string_view text);
// 8..20 printable ASCII characters, none of ' " , ; : < > * ( ).
Status check_password(std::string_view text);
// Up to 128 characters, no control characters, no '"' or '\' (it goes into
// SIP headers as a quoted string).
Status check_display(std::string_view text);
// "a.b.c.d:port" or "[v6]:port", port 1..65535: the appliance does no DNS.
Status check_host_port(std::string_view text);

// An allowed source, "a.b.c.d", "a.b.c.d/len", "v6" or "v6/len", in the
// canonical form stored ("203.0.113.10/32", "2001:db8:200::/48"), or why not.
// Host bits set below the prefix length are refused.
Result<std::string> canonical_source(std::string_view text);

// ASCII lowercase.
std::string lowercase(std::string_view text);

}  // namespace trunkline::tenant::rules
