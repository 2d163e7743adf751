// A string as a JSON string literal (RFC 8259 §7): quotes, backslashes and
// control characters escaped. Shared by every verb that prints --json.
#pragma once

#include <string>
#include <string_view>

namespace trunkline {

std::string json_quote(std::string_view s);

}  // namespace trunkline
