#include "control/tenant/provision_command.h"

#include <cstdio>
#include <string>

#include "control/tenant/cli_store.h"
#include "control/tenant/provision_apply.h"
#include "control/tenant/provision_plan.h"

namespace trunkline::tenant {

int provision_command(int argc, char** argv) {
  StoreArgs where;
  std::string file, error;
  for (int i = 0; i < argc; ++i) {
    if (where.take(argc, argv, &i, &error)) {
      if (!error.empty()) break;
    } else if (argv[i][0] == '-' || !file.empty()) {
      error = "unknown argument '" + std::string(argv[i]) + "'";
      break;
    } else {
      file = argv[i];
    }
  }
  if (error.empty() && file.empty()) error = "FILE is required";
  if (!error.empty()) {
    std::fprintf(stderr, "trunkline provision: %s\nusage: trunkline provision %s\n", error.c_str(),
                 kProvisionUsage);
    return 2;
  }
  // The whole file is read and checked before the store is touched.
  auto plan = read_plan_file(file);
  if (!plan) {
    std::fprintf(stderr, "trunkline provision: %s\nnothing applied\n",
                 plan.error().message.c_str());
    return 1;
  }
  auto st = where.open(false);
  if (!st) {
    std::fprintf(stderr, "trunkline provision: %s\n", st.error().message.c_str());
    return 1;
  }
  auto changes = apply_plan(**st, *plan);
  if (!changes) {
    std::fprintf(stderr, "trunkline provision: %s\nnothing applied\n",
                 changes.error().message.c_str());
    return 1;
  }
  for (const TenantChanges& c : *changes) std::printf("%s\n", summary_line(c).c_str());
  return 0;
}

}  // namespace trunkline::tenant
