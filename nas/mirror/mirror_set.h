// The NAS mirror set: two or more mount points (directories) that each hold
// every published recording at
//   <root>/<tenant>/<yyyy>/<mm>/<dd>/<recording-id>.tlrec
// (the date is the call's start, UTC). A mirror is up or down; any write
// error (I/O, full, read-only, missing root, slower than the deadline) marks
// it down, with a counter and one log line per change of state. A down
// mirror is probed and, once usable, resynced (replicator.h).
#pragma once

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "common/result.h"
#include "control/store/recording_index.h"

namespace trunkline::nas {

// Per mirror; written by the NAS I/O thread, read by anyone (stats).
// Names as `trunkline stats` prints them: nas_mirror_<field>{mirror="..."}.
struct MirrorCounters {
  std::atomic<std::uint64_t> copies_written{0};
  std::atomic<std::uint64_t> bytes_written{0};
  std::atomic<std::uint64_t> copy_failures{0};
  std::atomic<std::uint64_t> went_down{0};
  std::atomic<std::uint64_t> came_up{0};
  std::atomic<std::uint64_t> resynced{0};
  std::atomic<std::uint64_t> files_deleted{0};
};

class Mirror {
 public:
  explicit Mirror(std::filesystem::path root);

  // The mirror's name in the index: its root path as configured.
  const std::string& name() const { return name_; }
  const std::filesystem::path& root() const { return root_; }
  std::filesystem::path path_of(const store::IndexedRecording& row) const;

  bool up() const { return up_.load(std::memory_order_acquire); }
  // Both log once per change of state.
  void mark_down(const std::string& reason);
  void mark_up();
  std::string last_error() const;

  // Is the root usable: a directory where a file can be created, synced
  // and removed?
  Status probe() const;

  MirrorCounters& counters() { return counters_; }
  const MirrorCounters& counters() const { return counters_; }

 private:
  std::filesystem::path root_;
  std::string name_;
  std::atomic<bool> up_{true};
  mutable std::mutex mu_;
  std::string last_error_;  // guarded by mu_
  MirrorCounters counters_;
};

// <tenant>/<yyyy>/<mm>/<dd>/<recording-id>.tlrec below a mirror's root.
std::filesystem::path relative_path(const store::IndexedRecording& row);

class MirrorSet {
 public:
  // At least two roots; each is probed once (a mirror that fails starts down).
  static Result<std::unique_ptr<MirrorSet>> open(const std::vector<std::string>& roots);

  std::size_t size() const { return mirrors_.size(); }
  Mirror& at(std::size_t i) { return *mirrors_[i]; }
  std::vector<std::unique_ptr<Mirror>>& mirrors() { return mirrors_; }
  Mirror* find(const std::string& name);
  std::size_t up_count() const;

 private:
  std::vector<std::unique_ptr<Mirror>> mirrors_;
};

}  // namespace trunkline::nas
