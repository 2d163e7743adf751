#include "nas/backup/store_backup_command.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <string>

#include "control/store/backup.h"
#include "control/tenant/cli_store.h"
#include "nas/backup/backup_encryption.h"
#include "recorder/crypto/file_key_provider.h"

namespace trunkline::nas {

namespace {

// --master-key FILE, else $TRUNKLINE_MASTER_KEY_FILE.
Result<recorder::SecretKey> master_key(const std::string& arg) {
  std::string path = arg;
  if (path.empty() && std::getenv(recorder::kMasterKeyFileEnv) != nullptr)
    path = std::getenv(recorder::kMasterKeyFileEnv);
  if (path.empty())
    return Error{std::string("encryption needs the master key: --master-key FILE or $") +
                 recorder::kMasterKeyFileEnv};
  return recorder::FileKeyProvider::read_master_key(path);
}

}  // namespace

int store_backup_command(int argc, char** argv) {
  tenant::StoreArgs where;
  std::string dir, error, key_file;
  bool encrypt = false;
  for (int i = 0; i < argc && error.empty(); ++i) {
    if (where.take(argc, argv, &i, &error)) continue;
    if (std::string(argv[i]) == "--dir" && i + 1 < argc) {
      dir = argv[++i];
    } else if (std::string(argv[i]) == "--encrypt") {
      encrypt = true;
    } else if (std::string(argv[i]) == "--master-key" && i + 1 < argc) {
      key_file = argv[++i];
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
  std::optional<recorder::SecretKey> key;
  if (encrypt) {
    auto k = master_key(key_file);
    if (!k) {
      std::fprintf(stderr, "trunkline store backup: %s\n", k.error().message.c_str());
      return 2;
    }
    key = *k;
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
  for (const auto& p : done->written) {
    // Sealed under the same name, so the generations are kept as before.
    if (key) {
      if (Status e = encrypt_backup(p, p, *key); !e) {
        std::filesystem::remove(p);
        std::fprintf(stderr, "trunkline store backup: %s (plain copy removed)\n",
                     e.error().message.c_str());
        return 1;
      }
    }
    std::printf("wrote %s%s\n", p.c_str(), key ? " (encrypted)" : "");
  }
  for (const auto& p : done->removed)
    std::printf("removed %s (beyond the kept generations)\n", p.c_str());
  return 0;
}

int store_restore_command(int argc, char** argv) {
  tenant::StoreArgs where;
  std::string backup, error, key_file;
  for (int i = 0; i < argc && error.empty(); ++i) {
    if (where.take(argc, argv, &i, &error)) continue;
    if (std::string(argv[i]) == "--master-key" && i + 1 < argc) {
      key_file = argv[++i];
    } else if (argv[i][0] != '-' && backup.empty()) {
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
  std::string source = backup;
  const std::string clear = *path + ".restore-clear";
  if (is_encrypted_backup(backup)) {
    auto k = master_key(key_file);
    if (!k) {
      std::fprintf(stderr, "trunkline store restore: %s\n", k.error().message.c_str());
      return 2;
    }
    if (Status d = decrypt_backup(backup, clear, *k); !d) {
      std::fprintf(stderr, "trunkline store restore: %s\n", d.error().message.c_str());
      return 1;
    }
    source = clear;
  }
  Status s = store::restore_store(source, *path);
  if (source == clear) std::filesystem::remove(clear);
  if (!s) {
    std::fprintf(stderr, "trunkline store restore: %s\n", s.error().message.c_str());
    return 1;
  }
  std::printf("restored %s -> %s\n", backup.c_str(), path->c_str());
  return 0;
}

}  // namespace trunkline::nas
