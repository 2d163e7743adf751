// One recording being written in the local spool:
// <spool>/<tenant>/<recording-id>.tlrec.part, renamed to .tlrec when sealed.
// Appends are all-or-nothing: a failed write is cut back so the file always
// ends on a record boundary, and the same bytes can be retried.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <string_view>

#include "common/result.h"

namespace trunkline::recorder {

class SpoolFile {
 public:
  // Creates the file (never overwriting one). Its directory entry becomes
  // durable with the first sync(), so creating costs no disk flush.
  static Result<std::unique_ptr<SpoolFile>> create(const std::filesystem::path& spool_dir,
                                                   std::string_view tenant_id,
                                                   std::string_view recording_id_hex);
  // Reopens an unfinished spool file for appending after `length` bytes
  // (anything beyond is cut off): crash recovery.
  static Result<std::unique_ptr<SpoolFile>> reopen(const std::filesystem::path& path,
                                                   std::uint64_t length);
  ~SpoolFile();
  SpoolFile(const SpoolFile&) = delete;
  SpoolFile& operator=(const SpoolFile&) = delete;

  Status append(std::span<const std::uint8_t> bytes);
  // What was appended (and the file's name) survives a crash of the process
  // or the host: fsync of the directory the first time, then fdatasync.
  Status sync();
  // For callers that make many files durable at once (syncfs): the directory
  // entry is now durable by other means.
  void mark_directory_durable() { directory_durable_ = true; }
  // fsync, rename to the final name, fsync the directory; returns the final path.
  Result<std::filesystem::path> finish();

  const std::filesystem::path& path() const { return path_; }
  std::uint64_t size() const { return size_; }

 private:
  SpoolFile(int fd, std::filesystem::path path, std::uint64_t size);

  int fd_;
  std::filesystem::path path_;
  std::uint64_t size_;
  bool directory_durable_ = false;
};

// <name>.tlrec.part -> <name>.tlrec
std::filesystem::path final_recording_path(const std::filesystem::path& spool_path);

}  // namespace trunkline::recorder
