// Times on the command line: Unix milliseconds, or UTC dates
// "YYYY-MM-DD" / "YYYY-MM-DDTHH:MM:SSZ".
#pragma once

#include <cstdint>
#include <string>

#include "common/result.h"

namespace trunkline::nas {

Result<std::int64_t> parse_time_arg(const std::string& text);

}  // namespace trunkline::nas
