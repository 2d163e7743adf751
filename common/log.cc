#include "common/log.h"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <mutex>

namespace trunkline::log {
namespace {

std::atomic<int> g_level{static_cast<int>(Level::kInfo)};
std::mutex g_write_mutex;  // control-plane threads only; the dataplane never logs per packet

const char* level_name(Level l) {
  switch (l) {
    case Level::kDebug:
      return "debug";
    case Level::kInfo:
      return "info";
    case Level::kWarn:
      return "warn";
    case Level::kError:
      return "error";
  }
  return "?";
}

std::int64_t now_us() {
  using namespace std::chrono;
  return duration_cast<microseconds>(system_clock::now().time_since_epoch()).count();
}

}  // namespace

void set_level(Level l) { g_level.store(static_cast<int>(l), std::memory_order_relaxed); }
Level level() { return static_cast<Level>(g_level.load(std::memory_order_relaxed)); }

bool parse_level(std::string_view text, Level* out) {
  for (Level l : {Level::kDebug, Level::kInfo, Level::kWarn, Level::kError}) {
    if (text == level_name(l)) {
      *out = l;
      return true;
    }
  }
  return false;
}

void write(Level l, const char* event, const char* fields_fmt, ...) {
  const std::int64_t us = now_us();
  const std::time_t secs = static_cast<std::time_t>(us / 1000000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char ts[64];
  std::snprintf(ts, sizeof ts, "%04d-%02d-%02dT%02d:%02d:%02d.%06lldZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<long long>(us % 1000000));
  char fields[1024];
  va_list ap;
  va_start(ap, fields_fmt);
  std::vsnprintf(fields, sizeof fields, fields_fmt, ap);
  va_end(ap);
  std::lock_guard<std::mutex> guard(g_write_mutex);
  std::fprintf(stderr, "ts=%s level=%s event=%s%s%s\n", ts, level_name(l), event,
               fields[0] != '\0' ? " " : "", fields);
}

bool admit_at(RateLimit& limit, std::int64_t now, std::uint64_t* suppressed_out) {
  std::int64_t start = limit.window_start_us.load(std::memory_order_relaxed);
  if (now - start >= 1000000 &&
      limit.window_start_us.compare_exchange_strong(start, now, std::memory_order_relaxed)) {
    limit.in_window.store(0, std::memory_order_relaxed);
  }
  if (limit.in_window.fetch_add(1, std::memory_order_relaxed) >= limit.burst) {
    limit.suppressed.fetch_add(1, std::memory_order_relaxed);
    return false;
  }
  *suppressed_out = limit.suppressed.exchange(0, std::memory_order_relaxed);
  return true;
}

bool admit(RateLimit& limit, std::uint64_t* suppressed_out) {
  return admit_at(limit, now_us(), suppressed_out);
}

}  // namespace trunkline::log
