// Helpers for the NAS tests: a scratch appliance (store with two tenants,
// keys, spool, two mirror directories, a config file naming them) and real
// recordings made by the recorder.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "control/audit/audit_log.h"
#include "control/store/recording_index.h"
#include "control/store/sqlite_store.h"
#include "nas/mirror/mirror_set.h"
#include "nas/mirror/replicator.h"
#include "tests/unit/recorder/recorder_test_support.h"

namespace trunkline::nas::testing {

struct CommandResult {
  int code;
  std::string out;
  std::string err;
};
CommandResult run_command(int (*verb)(int, char**), std::vector<std::string> args);

// A test clock the test moves by hand.
struct FakeClock {
  std::int64_t now_ms = 1'700'000'000'000;
  Clock clock() {
    return [this] { return now_ms; };
  }
};

class NasEnv {
 public:
  NasEnv();

  // Records a call of `tenant` (seed: distinct call) into the spool; returns
  // the sealed file and the index row the recorder's details imply.
  std::pair<std::filesystem::path, store::IndexedRecording> record(store::TenantId tenant,
                                                                   std::uint32_t seed,
                                                                   double seconds = 1.0);
  // A mirror set over mirror_a and mirror_b.
  std::unique_ptr<MirrorSet> mirrors() const;
  // Writes trunkline.toml naming the store, spool, mirrors and keys.
  std::filesystem::path write_config() const;
  std::vector<std::string> config_args() const;

  recorder::testing::TempDir tmp;
  std::unique_ptr<recorder::testing::KeySetup> keys;
  std::unique_ptr<recorder::FileKeyProvider> key_provider;
  std::filesystem::path mirror_a, mirror_b, store_path;
  std::unique_ptr<store::SqliteStore> store;
  std::unique_ptr<store::RecordingIndex> index;
  std::unique_ptr<audit::AuditLog> audit;
  store::TenantId acme = 0, globex = 0;
  FakeClock clock;
};

std::vector<std::uint8_t> file_bytes(const std::filesystem::path& path);
// Flips one byte in the middle of a file.
void corrupt(const std::filesystem::path& path);
// Every file below `root` (relative path -> bytes), for comparing mirrors.
std::vector<std::pair<std::string, std::vector<std::uint8_t>>> tree(
    const std::filesystem::path& root);

}  // namespace trunkline::nas::testing
