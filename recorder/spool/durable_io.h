// Small POSIX helpers for files that must survive a crash: full writes that
// retry on EINTR/short writes, directory fsync after create/rename, and
// whole-file atomic replacement.
#pragma once

#include <cstdint>
#include <filesystem>
#include <span>
#include <vector>

#include "common/result.h"

namespace trunkline::recorder {

// Writes all of `bytes` at the file's current offset.
Status write_all(int fd, std::span<const std::uint8_t> bytes);

// Makes a directory's entries (a created, renamed or removed file) durable.
Status fsync_directory(const std::filesystem::path& dir);

// Writes `path` with `bytes` so that after a crash it holds either its old
// content or all of the new: temp file, fsync, rename, directory fsync.
// `exclusive`: fail if `path` exists.
Status write_file_atomically(const std::filesystem::path& path, std::span<const std::uint8_t> bytes,
                             unsigned mode, bool exclusive);

// Reads a whole (small) file, refusing anything larger than `max_size`.
Result<std::vector<std::uint8_t>> read_small_file(const std::filesystem::path& path,
                                                  std::size_t max_size);

// "<what> <path>: <strerror(errno)>" for the current errno.
Error errno_error(const char* what, const std::filesystem::path& path);

}  // namespace trunkline::recorder
