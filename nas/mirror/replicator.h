// Moves sealed recordings from the local spool onto every mirror and keeps
// the index true (the synchronous core; publisher.h runs it on its thread).
//
// Publishing a recording: index it (state spooled, SHA-256 of the file),
// copy it to every mirror that is up (verified_copy.h), record each verified
// copy, then, only if every configured mirror holds a verified copy, mark it
// published and remove the spool file. Otherwise it is degraded and the
// spool keeps it until resync completes it. Every step can be repeated: a
// crash anywhere is finished by publishing the same spool file again.
#pragma once

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <utility>
#include <vector>

#include "common/result.h"
#include "control/store/recording_index.h"
#include "nas/clock.h"
#include "nas/mirror/mirror_set.h"
#include "nas/mirror/verified_copy.h"

namespace trunkline::nas {

struct ReplicatorCounters {
  std::atomic<std::uint64_t> published{0};       // verified on every mirror
  std::atomic<std::uint64_t> degraded{0};        // left in the spool: a mirror lacks it
  std::atomic<std::uint64_t> spool_freed{0};     // spool files removed after publishing
  std::atomic<std::uint64_t> spool_mismatch{0};  // spool file differs from its index row
  std::atomic<std::uint64_t> index_errors{0};    // store failures
  std::atomic<std::uint64_t> resync_copies{0};   // copies made by resync
  std::atomic<std::uint64_t> no_good_source{0};  // resync found no copy matching the index
  std::atomic<std::uint64_t> copies_lost{0};     // recorded ok, found missing on recovery
};

class Replicator {
 public:
  Replicator(MirrorSet& mirrors, store::RecordingIndex& index, std::filesystem::path spool_dir,
             Clock clock, std::int64_t write_deadline_ms);

  // Publishes the sealed spool file of `meta` (tenant, ID and call details;
  // bytes, sha256 and state are filled in here). Returns the state reached.
  Result<store::RecordingState> publish(const std::filesystem::path& spool_file,
                                        store::IndexedRecording meta);

  // Copies onto `mirror` every live recording it lacks, each from a source
  // whose bytes match the index (the spool, or another mirror); returns how
  // many were copied. Stops at the first mirror failure.
  Result<std::size_t> resync(Mirror& mirror);

  // For a mirror that was down (or at start): the copies the index
  // records as ok on it are checked for presence and size (a mirror can come
  // back empty or older); those that fail are marked missing. Then resync.
  // Returns how many copies were made.
  Result<std::size_t> recover(Mirror& mirror);

  // Copies `row` onto `target` from any source that matches the index;
  // false with *why when none does or the target fails.
  bool repair(const store::IndexedRecording& row, Mirror& target, std::string* why);

  // Marks the row published (and frees the spool) when every mirror holds a
  // verified copy, degraded otherwise.
  Result<store::RecordingState> settle(const store::IndexedRecording& row);

  // Sealed recordings in the spool, named by their plaintext headers (for
  // the pick-up after a crash): the path and the index row it implies.
  std::vector<std::pair<std::filesystem::path, store::IndexedRecording>> sealed_in_spool();

  std::filesystem::path spool_path(const store::IndexedRecording& row) const;
  const ReplicatorCounters& counters() const { return counters_; }
  MirrorSet& mirrors() { return mirrors_; }
  store::RecordingIndex& index() { return index_; }

 private:
  // Copies onto one mirror; records the result in the index and the
  // mirror's state. kSourceBad leaves the mirror up.
  CopyFailure copy_to(const std::filesystem::path& source, const store::IndexedRecording& row,
                      Mirror& mirror, std::string* why);

  MirrorSet& mirrors_;
  store::RecordingIndex& index_;
  const std::filesystem::path spool_dir_;
  Clock clock_;
  const std::int64_t deadline_ms_;
  ReplicatorCounters counters_;
};

}  // namespace trunkline::nas
