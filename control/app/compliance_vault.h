// The daemon's api::RecordingVault: compliance retrieval over the NAS
// mirrors named in [nas] mirrors, with the keys of [recorder] key_dir /
// master_key_file, using the same retrieval code as the `trunkline
// recordings …` verbs (nas/retrieval/recording_retrieval.h, the WAV export's
// verify-then-decrypt passes, RetentionSweeper::erase). Like the verbs, it
// opens its own view of the mirrors and index, so it shares nothing mutable
// with the recorder's publisher. Each operation writes the NAS's audit
// entries in the API requester's name.
#pragma once

#include <memory>
#include <mutex>

#include "common/result.h"
#include "control/api/recording_vault.h"
#include "control/audit/audit_log.h"
#include "control/config/config.h"
#include "control/store/recording_index.h"
#include "control/store/sqlite_store.h"
#include "nas/mirror/mirror_set.h"
#include "nas/mirror/replicator.h"
#include "nas/retention/retention_sweeper.h"

namespace trunkline::app {

class ComplianceVault final : public api::RecordingVault {
 public:
  // Null (and no error) when [nas] mirrors is empty: nothing to retrieve from.
  static Result<std::unique_ptr<ComplianceVault>> open(const config::Config& c,
                                                       store::SqliteStore& store);

  api::VaultAnswer export_audio(std::int64_t tenant, const std::string& id,
                                const api::Requester& who) override;
  api::VaultAnswer verify(std::int64_t tenant, const std::string& id,
                          const api::Requester& who) override;
  api::VaultAnswer erase(std::int64_t tenant, const std::string& id,
                         const api::Requester& who) override;

  // Appends one NAS audit entry in the requester's name.
  Status record(std::int64_t tenant, const api::Requester& who, const std::string& action,
                const std::string& target, const std::string& result);

 private:
  ComplianceVault() = default;

  std::string key_dir_;
  std::string master_key_file_;
  nas::RetentionPolicy policy_;
  std::unique_ptr<store::RecordingIndex> index_;
  std::unique_ptr<nas::MirrorSet> mirrors_;
  std::unique_ptr<nas::Replicator> replicator_;
  std::unique_ptr<audit::AuditLog> audit_;
  // One retrieval step at a time over the shared index/replicator view; the
  // WAV streams' decryption runs outside it.
  std::mutex mu_;
};

}  // namespace trunkline::app
