// How a recorder worker buffers, seals and syncs.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>

namespace trunkline::recorder {

enum class SyncMode : std::uint8_t {
  kFdatasync,  // fdatasync every file that got a segment (default)
  kSyncfs,     // one syncfs() of the spool filesystem per flush round: for many calls
  kNone,       // no sync (benchmarks of CPU cost only; never in production)
};

struct RecorderConfig {
  std::filesystem::path spool_dir;
  // How far the playout point trails real time: packets later than this are late.
  std::int64_t jitter_delay_us = 100'000;
  // How often each call's audio is sealed as a segment and made durable (at
  // most 1 s). With the jitter delay this bounds the audio at risk in a crash
  // (0.6 s by default). Longer intervals cost less CPU per call and more
  // memory (each direction buffers flush interval + jitter delay, with 40%
  // to spare, rounded up to a power of two: 8 KiB by default).
  std::int64_t flush_interval_us = 500'000;
  int zstd_level = 1;
  SyncMode sync_mode = SyncMode::kFdatasync;
  std::size_t rtp_queue_capacity = 65536;  // records (352 B each)
  std::size_t command_queue_capacity = 4096;
  std::size_t max_calls = 20000;
};

}  // namespace trunkline::recorder
