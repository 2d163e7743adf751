#include "nas/retrieval/time_arg.h"

#include <cstdio>
#include <ctime>

namespace trunkline::nas {

Result<std::int64_t> parse_time_arg(const std::string& text) {
  if (!text.empty() && text.find_first_not_of("0123456789") == std::string::npos &&
      text.size() <= 15) {
    return static_cast<std::int64_t>(std::stoll(text));
  }
  std::tm tm{};
  int consumed = 0;
  if (std::sscanf(text.c_str(), "%4d-%2d-%2dT%2d:%2d:%2dZ%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
                  &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &consumed) == 6 &&
      static_cast<std::size_t>(consumed) == text.size()) {
  } else if (tm = std::tm{}, consumed = 0; std::sscanf(text.c_str(), "%4d-%2d-%2d%n", &tm.tm_year,
                                                       &tm.tm_mon, &tm.tm_mday, &consumed) == 3 &&
                                           static_cast<std::size_t>(consumed) == text.size()) {
  } else {
    return Error{"'" + text + "' is not Unix ms, YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ"};
  }
  if (tm.tm_mon < 1 || tm.tm_mon > 12 || tm.tm_mday < 1 || tm.tm_mday > 31 || tm.tm_hour > 23 ||
      tm.tm_min > 59 || tm.tm_sec > 60) {
    return Error{"'" + text + "' is not a valid date and time"};
  }
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  return static_cast<std::int64_t>(::timegm(&tm)) * 1000;
}

}  // namespace trunkline::nas
