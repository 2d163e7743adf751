// The store a command-line verb works on: `--store PATH`, or the `[paths]
// store` of `--config FILE` (default /etc/trunkline/trunkline.toml), as
// `trunkline stats --config` finds the daemon's socket.
#pragma once

#include <memory>
#include <string>

#include "common/result.h"
#include "control/store/sqlite_store.h"

namespace trunkline::tenant {

struct StoreArgs {
  std::string store_path;
  std::string config_path;

  // Takes argv[*i] (and its value) when it is --store or --config; false
  // when it is something else. A missing value is reported in *error.
  bool take(int argc, char** argv, int* i, std::string* error);
  // The path the options name (reads the config when needed).
  Result<std::string> resolve() const;
  // Opens (and migrates) the store; when `must_exist`, a missing file is an
  // error rather than a new empty store.
  Result<std::unique_ptr<store::SqliteStore>> open(bool must_exist) const;
};

}  // namespace trunkline::tenant
