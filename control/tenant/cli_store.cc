#include "control/tenant/cli_store.h"

#include <sys/stat.h>

#include "control/config/config.h"

namespace trunkline::tenant {

bool StoreArgs::take(int argc, char** argv, int* i, std::string* error) {
  const std::string a = argv[*i];
  if (a != "--store" && a != "--config") return false;
  if (*i + 1 >= argc) {
    *error = a + " needs a value";
    return true;
  }
  (a == "--store" ? store_path : config_path) = argv[++*i];
  return true;
}

Result<std::string> StoreArgs::resolve() const {
  if (!store_path.empty() && !config_path.empty()) {
    return Error{"give --store or --config, not both"};
  }
  if (!store_path.empty()) return store_path;
  auto c = config::load_file(config_path.empty() ? "/etc/trunkline/trunkline.toml" : config_path);
  if (!c) return c.error();
  return c->store_path;
}

Result<std::unique_ptr<store::SqliteStore>> StoreArgs::open(bool must_exist) const {
  auto path = resolve();
  if (!path) return path.error();
  struct stat st {};
  if (must_exist && ::stat(path->c_str(), &st) != 0) {
    return Error{*path + ": no store there (nothing provisioned yet?)"};
  }
  return store::SqliteStore::open(*path);
}

}  // namespace trunkline::tenant
