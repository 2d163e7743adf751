#include "control/audit/audit_verify_command.h"

#include <cstdio>
#include <string>

#include "control/audit/audit_log.h"
#include "control/tenant/cli_store.h"

namespace trunkline::audit {

int audit_verify_command(int argc, char** argv) {
  tenant::StoreArgs where;
  std::string error;
  bool json = false;
  for (int i = 0; i < argc && error.empty(); ++i) {
    if (where.take(argc, argv, &i, &error)) continue;
    if (std::string(argv[i]) == "--json") {
      json = true;
    } else {
      error = "unknown argument '" + std::string(argv[i]) + "'";
    }
  }
  if (!error.empty()) {
    std::fprintf(stderr, "trunkline audit verify: %s\nusage: trunkline audit verify %s\n",
                 error.c_str(), kAuditVerifyUsage);
    return 2;
  }
  auto store = where.open(/*must_exist=*/true);
  if (!store) {
    std::fprintf(stderr, "trunkline audit verify: %s\n", store.error().message.c_str());
    return 2;
  }
  auto report = verify_chain(**store);
  if (!report) {
    std::fprintf(stderr, "trunkline audit verify: %s\n", report.error().message.c_str());
    return 2;
  }
  if (json) {
    // problem is our own text: no quotes or control characters in it.
    std::printf("{\"ok\":%s,\"entries\":%lld,\"first_bad_seq\":%lld,\"problem\":\"%s\"}\n",
                report->ok ? "true" : "false", static_cast<long long>(report->entries),
                static_cast<long long>(report->first_bad_seq), report->problem.c_str());
  } else if (report->ok) {
    std::printf("audit log intact: %lld entries, chain and head verified\n",
                static_cast<long long>(report->entries));
  } else {
    std::printf("audit log BROKEN at entry %lld: %s\n",
                static_cast<long long>(report->first_bad_seq), report->problem.c_str());
  }
  return report->ok ? 0 : 1;
}

}  // namespace trunkline::audit
