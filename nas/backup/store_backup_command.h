// `trunkline store backup` and `trunkline store restore` (control/store/backup.h).
#pragma once

namespace trunkline::nas {

// store backup --dir DIR [--config FILE | --store PATH]: exit 0 written, 1 failed, 2 usage.
int store_backup_command(int argc, char** argv);
inline constexpr const char* kStoreBackupUsage =
    "--dir DIR [--encrypt [--master-key FILE]] [--config FILE | --store PATH]";
inline constexpr const char* kStoreBackupSummary =
    "back up the store (daily: 2 generations, weekly: 5) with SQLite's online backup; "
    "--encrypt seals it with AES-256-GCM under a key wrapped by the master key";

// store restore BACKUP [--config FILE | --store PATH]: the daemon must be stopped.
int store_restore_command(int argc, char** argv);
inline constexpr const char* kStoreRestoreUsage =
    "BACKUP [--master-key FILE] [--config FILE | --store PATH]";
inline constexpr const char* kStoreRestoreSummary =
    "check a backup and put it in place of the store (stop the daemon first)";

}  // namespace trunkline::nas
