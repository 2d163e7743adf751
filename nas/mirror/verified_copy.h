// Copying one recording file onto a mirror so that it is either absent or
// whole and proven: write <name>.tmp, fsync, rename into place, fsync the
// directory, read the placed file back and compare its SHA-256 with the
// index. The source is hashed as it is read and refused before the rename
// if it does not match the index, so a bad source never lands anywhere.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

#include "common/result.h"

namespace trunkline::nas {

// SHA-256 (lowercase hex) and size of a whole file.
struct FileDigest {
  std::string sha256;
  std::int64_t bytes = 0;
};
Result<FileDigest> digest_file(const std::filesystem::path& path);

enum class CopyFailure : std::uint8_t {
  kNone,
  kSourceBad,     // the source is missing or does not match the index: try another source
  kMirrorFailed,  // the destination failed (I/O, full, read-only, gone, too slow)
};

struct CopyOutcome {
  CopyFailure failure = CopyFailure::kNone;
  std::string detail;  // what failed, with the path and errno text
  bool ok() const { return failure == CopyFailure::kNone; }
};

// Copies `source` to `dest` (whose parent directories below `root` are
// created; `root` itself must exist: a missing root is an unmounted
// mirror). `deadline_ms` > 0: exceeding it is a mirror failure.
CopyOutcome copy_verified(const std::filesystem::path& source, const std::filesystem::path& root,
                          const std::filesystem::path& dest, const std::string& expected_sha256,
                          std::int64_t deadline_ms);

// Removes a file and makes the removal durable (directory fsync). A file
// already absent is not an error.
Status remove_durably(const std::filesystem::path& path);

}  // namespace trunkline::nas
