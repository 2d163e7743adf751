// Levelled, rate-limited logging: one event per line, key=value fields,
// UTC timestamps with microseconds, to stderr (journald picks it up).
//
//   TL_LOG(kInfo, "port_up", "port=%s mac=%s", name, mac);
//
// Never call it per packet: the dataplane counts, it does not log.
#pragma once

#include <atomic>
#include <cstdarg>
#include <cstdint>
#include <string_view>

namespace trunkline::log {

enum class Level : int { kDebug = 0, kInfo = 1, kWarn = 2, kError = 3 };

void set_level(Level level);
Level level();
// Parses "debug" | "info" | "warn" | "error".
bool parse_level(std::string_view text, Level* out);

// Writes `ts=... level=... event=<event> <fields>`; fields is a printf format.
void write(Level level, const char* event, const char* fields_fmt, ...)
    __attribute__((format(printf, 3, 4)));

// At most `burst` lines per second per call site; the lines suppressed are
// counted and reported with the next line that gets through. Call sites may
// be reached from several threads: the fields are atomics, and a race at a
// window boundary at worst lets one extra line through.
struct RateLimit {
  std::uint32_t burst = 10;
  std::atomic<std::int64_t> window_start_us{0};
  std::atomic<std::uint32_t> in_window{0};
  std::atomic<std::uint64_t> suppressed{0};
};
bool admit(RateLimit& limit, std::uint64_t* suppressed_out);
// Same, at a given time (for tests).
bool admit_at(RateLimit& limit, std::int64_t now_us, std::uint64_t* suppressed_out);

}  // namespace trunkline::log

#define TL_LOG(lvl, event, ...)                                                                   \
  do {                                                                                            \
    if (::trunkline::log::Level::lvl >= ::trunkline::log::level()) {                              \
      static ::trunkline::log::RateLimit tl_log_limit_;                                           \
      std::uint64_t tl_log_suppressed_ = 0;                                                       \
      if (::trunkline::log::admit(tl_log_limit_, &tl_log_suppressed_)) {                          \
        if (tl_log_suppressed_ != 0)                                                              \
          ::trunkline::log::write(::trunkline::log::Level::kWarn, "log_suppressed", "count=%llu", \
                                  static_cast<unsigned long long>(tl_log_suppressed_));           \
        ::trunkline::log::write(::trunkline::log::Level::lvl, event, __VA_ARGS__);                \
      }                                                                                           \
    }                                                                                             \
  } while (0)
