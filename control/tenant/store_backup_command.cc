#include "control/tenant/store_backup_command.h"

#include <chrono>
#include <cstdio>
#include <string>

#include "control/store/backup.h"
#include "control/tenant/cli_store.h"

namespace trunkline::tenant {

int store_backup_command(int argc, char** argv) {
  StoreArgs where;
  std::string dir, error;
  for (int i = 0; i < argc && error.empty(); ++i) {
    if (where.take(argc, argv, &i, &error)) continue;
    if (std::string(argv[i]) == "--dir" && i + 1 < argc) {
      dir = argv[++i];
    } else {
      error = "unknown argument '" + std::string(argv[i]) + "'";
    }
  }
  if (error.empty() && dir.empty()) error = "--dir DIR is required";
  if (!error.empty()) {
    std::fprintf(stderr, "trunkline store backup: %s\nusage: trunkline store backup %s\n",
                 error.c_str(), kStoreBackupUsage);
    return 2;
  }
  auto st = where.open(/*must_exist=*/true);
  if (!st) {
    std::fprintf(stderr, "trunkline store backup: %s\n", st.error().message.c_str());
    return 1;
  }
  const std::int64_t now = std::chrono::duration_cast<std::chrono::milliseconds>(
                               std::chrono::system_clock::now().time_since_epoch())
                               .count();
  auto done = store::backup_store(**st, dir, now);
  if (!done) {
    std::fprintf(stderr, "trunkline store backup: %s\n", done.error().message.c_str());
    return 1;
  }
  for (const auto& p : done->written) std::printf("wrote %s\n", p.c_str());
  for (const auto& p : done->removed)
    std::printf("removed %s (beyond the kept generations)\n", p.c_str());
  return 0;
}

int store_restore_command(int argc, char** argv) {
  StoreArgs where;
  std::string backup, error;
  for (int i = 0; i < argc && error.empty(); ++i) {
    if (where.take(argc, argv, &i, &error)) continue;
    if (argv[i][0] != '-' && backup.empty()) {
      backup = argv[i];
    } else {
      error = "unknown argument '" + std::string(argv[i]) + "'";
    }
  }
  if (error.empty() && backup.empty()) error = "BACKUP is required";
  if (!error.empty()) {
    std::fprintf(stderr, "trunkline store restore: %s\nusage: trunkline store restore %s\n",
                 error.c_str(), kStoreRestoreUsage);
    return 2;
  }
  auto path = where.resolve();
  if (!path) {
    std::fprintf(stderr, "trunkline store restore: %s\n", path.error().message.c_str());
    return 2;
  }
  if (Status s = store::restore_store(backup, *path); !s) {
    std::fprintf(stderr, "trunkline store restore: %s\n", s.error().message.c_str());
    return 1;
  }
  std::printf("restored %s -> %s\n", backup.c_str(), path->c_str());
  return 0;
}

}  // namespace trunkline::tenant
