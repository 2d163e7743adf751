// KeyProvider backed by a key directory: one file per tenant
// (`<dir>/<tenant>.kek`) holding the tenant's key-encryption key wrapped by
// the appliance master key. The master key is 32 bytes in a file (raw, or 64
// hex digits), named explicitly or by $TRUNKLINE_MASTER_KEY_FILE.
//
// Destroying a tenant's key file makes every recording of that tenant
// unreadable at once (crypto-shredding).
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "recorder/crypto/aes_gcm.h"
#include "recorder/crypto/key_provider.h"

namespace trunkline::recorder {

inline constexpr const char* kMasterKeyFileEnv = "TRUNKLINE_MASTER_KEY_FILE";
inline constexpr const char* kKeyDirEnv = "TRUNKLINE_KEY_DIR";

struct FileKeyProviderOptions {
  // The recorder creates a tenant's KEK on its first recording; the tools do not.
  bool create_missing_tenant_keys = false;
};

class FileKeyProvider final : public KeyProvider {
 public:
  // `master_key_file` empty: take the path from $TRUNKLINE_MASTER_KEY_FILE.
  static Result<std::unique_ptr<FileKeyProvider>> open(const std::filesystem::path& key_dir,
                                                       const std::filesystem::path& master_key_file,
                                                       FileKeyProviderOptions options = {});

  // Reads a master key file (32 raw bytes or 64 hex digits).
  static Result<SecretKey> read_master_key(const std::filesystem::path& path);

  // Writes a new random master key (64 hex digits, mode 0600); refuses to
  // overwrite an existing file.
  static Status create_master_key_file(const std::filesystem::path& path);

  // Creates the tenant's KEK; an error if it already exists.
  Status create_tenant_key(std::string_view tenant_id);
  bool has_tenant_key(std::string_view tenant_id) const;
  // Crypto-shredding: overwrites and removes the tenant's KEK file and forgets
  // the cached key. Every recording of the tenant becomes unreadable.
  Status destroy_tenant_key(std::string_view tenant_id);

  Result<WrappedDataKey> wrap_data_key(std::string_view tenant_id, const RecordingId& recording_id,
                                       const SecretKey& data_key) override;
  Result<SecretKey> unwrap_data_key(std::string_view tenant_id, const RecordingId& recording_id,
                                    const WrappedDataKey& wrapped) override;

 private:
  struct TenantKey {
    std::uint32_t version = 0;
    SecretKey kek;
  };

  FileKeyProvider(std::filesystem::path key_dir, const SecretKey& master,
                  FileKeyProviderOptions options);
  std::filesystem::path kek_path(std::string_view tenant_id) const;
  // Loads (and caches) the tenant's KEK; the lock must be held.
  Result<TenantKey> load_tenant_key_locked(std::string_view tenant_id);
  Status create_tenant_key_locked(std::string_view tenant_id);

  const std::filesystem::path key_dir_;
  const SecretKey master_;
  const FileKeyProviderOptions options_;
  mutable std::mutex mu_;
  AesGcm gcm_;                                           // guarded by mu_
  std::map<std::string, TenantKey, std::less<>> cache_;  // guarded by mu_
};

}  // namespace trunkline::recorder
