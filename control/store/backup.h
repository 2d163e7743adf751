// Backups of the SQLite store with the online backup API (a consistent copy
// while the daemon writes), kept in generations: one daily backup per UTC
// day, the newest `daily_keep` kept; one weekly backup per ISO week (taken
// on the first backup of the week), the newest `weekly_keep` kept.
//
//   <dir>/trunkline-daily-YYYYMMDD.db
//   <dir>/trunkline-weekly-YYYYMMDD.db
//
// Each backup is written as .part, checked (PRAGMA integrity_check),
// fsynced and renamed into place. `trunkline store backup --encrypt` then
// seals it in place (nas/backup/backup_encryption.h).
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "common/result.h"
#include "control/store/sqlite_store.h"

namespace trunkline::store {

struct BackupPolicy {
  int daily_keep = 2;
  int weekly_keep = 5;
};

struct BackupResult {
  std::vector<std::filesystem::path> written;  // daily, and weekly when due
  std::vector<std::filesystem::path> removed;  // generations beyond the policy
};

Result<BackupResult> backup_store(SqliteStore& store, const std::filesystem::path& dir,
                                  std::int64_t now_ms, const BackupPolicy& policy = {});

// Copies a backup over `store_path` (which no process may have open): the
// backup is integrity-checked first, and the store written as .part and
// renamed into place.
Status restore_store(const std::filesystem::path& backup, const std::filesystem::path& store_path);

}  // namespace trunkline::store
