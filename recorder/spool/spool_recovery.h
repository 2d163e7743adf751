// Crash recovery of the spool. A recorder that died (kill -9, power loss)
// leaves <spool>/<tenant>/<id>.tlrec.part files: a header, the metadata and
// the segments made durable so far, perhaps a torn record at the end. On
// start, each is cut back to its last authenticated record and sealed with a
// trailer that marks it recovered, which makes it a truncated-but-valid
// recording under its final name.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "recorder/crypto/key_provider.h"

namespace trunkline::recorder {

struct RecoveredRecording {
  std::filesystem::path path;   // the final .tlrec
  std::int64_t frames = 0;      // audio kept
  std::uint64_t bytes_cut = 0;  // torn tail removed
  bool was_complete = false;    // only the rename was missing
};

struct RecoveryFailure {
  std::filesystem::path path;
  std::string reason;
};

struct RecoveryReport {
  std::vector<RecoveredRecording> recovered;
  std::vector<RecoveryFailure> failed;  // left in place, retried on the next start
};

RecoveryReport recover_spool(const std::filesystem::path& spool_dir, KeyProvider& keys,
                             int zstd_level = 1);

}  // namespace trunkline::recorder
