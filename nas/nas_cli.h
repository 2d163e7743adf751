// What the NAS verbs share: their common options, and the objects they work
// on (config, store, index, mirror set, audit log, keys) opened from
// `--config FILE`.
#pragma once

#include <memory>
#include <string>

#include "common/result.h"
#include "control/audit/audit_log.h"
#include "control/config/config.h"
#include "control/store/recording_index.h"
#include "control/store/sqlite_store.h"
#include "nas/clock.h"
#include "nas/mirror/replicator.h"
#include "nas/retention/retention_sweeper.h"
#include "recorder/crypto/file_key_provider.h"

namespace trunkline::nas {

struct NasArgs {
  std::string config_path = "/etc/trunkline/trunkline.toml";
  std::string key_dir;     // --keys: overrides $TRUNKLINE_KEY_DIR and [recorder] key_dir
  std::string master_key;  // --master-key: overrides $TRUNKLINE_MASTER_KEY_FILE and
                           // [recorder] master_key_file
  std::string actor;       // --actor: who is asking (audit); default $SUDO_USER, $USER
  std::string tenant;      // --tenant: a tenant name or ID
  bool json = false;

  // Takes argv[*i] (and its value) when it is one of the options above.
  bool take(int argc, char** argv, int* i, std::string* error);
};

struct NasContext {
  config::Config config;
  std::unique_ptr<store::SqliteStore> store;
  std::unique_ptr<store::RecordingIndex> index;
  std::unique_ptr<MirrorSet> mirrors;
  std::unique_ptr<Replicator> replicator;
  std::unique_ptr<audit::AuditLog> audit;
  Actor actor;
  Clock clock = wall_clock_ms;

  // Reads the config (which must name [nas] mirrors) and opens the rest.
  static Result<std::unique_ptr<NasContext>> open(const NasArgs& args);
  // The tenant's key provider (tools never create keys).
  Result<std::unique_ptr<recorder::FileKeyProvider>> keys(const NasArgs& args) const;
  // A tenant by name, or by ID when the text is a number.
  Result<store::TenantId> resolve_tenant(const std::string& text);
  RetentionPolicy retention_policy() const;
  // Appends one audit entry in this actor's name.
  Status record(std::optional<store::TenantId> tenant, const std::string& action,
                const std::string& target, const std::string& result);
};

// "trunkline <verb>: <message>" to stderr; returns `code`.
int fail(const char* verb, const std::string& message, int code);

// For verbs that take only the shared options: the options, or an error
// naming the first argument that is not one.
Result<NasArgs> parse_shared_options(int argc, char** argv);

}  // namespace trunkline::nas
