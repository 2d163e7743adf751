// Encrypted store backups (the NAS issue: "optionally encrypted"). A backup
// file is sealed in 1 MiB chunks with AES-256-GCM under a random data key,
// which is itself wrapped by the appliance master key. Each chunk's
// additional data holds its index and a last-chunk flag, so chunks cannot be
// reordered, dropped or the file truncated without the decryption failing.
//
//   "TLBKUP01" | wrapped data key (60) | nonce base (12) |
//   { u32 length (BE) | ciphertext | tag (16) } ...     (the last flagged)
#pragma once

#include <filesystem>

#include "common/result.h"
#include "recorder/crypto/secret_key.h"

namespace trunkline::nas {

inline constexpr char kBackupMagic[8] = {'T', 'L', 'B', 'K', 'U', 'P', '0', '1'};

// Writes `out` (as out.part, fsynced, renamed) from `plain`.
Status encrypt_backup(const std::filesystem::path& plain, const std::filesystem::path& out,
                      const recorder::SecretKey& master);
// Writes `out` from an encrypted backup; on any failure `out` is not left.
Status decrypt_backup(const std::filesystem::path& in, const std::filesystem::path& out,
                      const recorder::SecretKey& master);
// True when `path` starts with kBackupMagic.
bool is_encrypted_backup(const std::filesystem::path& path);

}  // namespace trunkline::nas
