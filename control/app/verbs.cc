#include "control/app/verbs.h"

#include "control/acd/simulate_command.h"
#include "control/app/serve_command.h"
#include "control/sip/lint_command.h"
#include "control/stats/stats_command.h"
#include "control/tenant/provision_command.h"
#include "control/tenant/show_command.h"
#include "recorder/tools/recording_commands.h"

namespace trunkline::app {

const Verb* verbs() {
  static const Verb kVerbs[] = {
      {"serve", "--config FILE", "run the appliance (dataplane, control plane, store)", run_serve},
      {"stats", "[--config FILE | --socket PATH] [--json | --prometheus]",
       "print every counter of the running daemon, per lcore and total", stats::run_stats_command},
      {"acd simulate", "SCENARIO.toml [--seed N]",
       "simulate the ACD engine on a scenario; prints metrics as JSON", acd::run_simulate_command},
      {"sip lint", sip::kLintUsage, sip::kLintSummary, sip::lint_command},
      {"recording verify", recorder::kRecordingVerifyUsage, recorder::kRecordingVerifySummary,
       recorder::recording_verify_main},
      {"recording master-key", recorder::kRecordingMasterKeyUsage,
       recorder::kRecordingMasterKeySummary, recorder::recording_master_key_main},
      {"recording export", recorder::kRecordingExportUsage, recorder::kRecordingExportSummary,
       recorder::recording_export_main},
      {"provision", tenant::kProvisionUsage, tenant::kProvisionSummary, tenant::provision_command},
      {"show", tenant::kShowUsage, tenant::kShowSummary, tenant::show_command},
      // Verbs of later areas are listed here, one line each.
      {nullptr, nullptr, nullptr, nullptr},
  };
  return kVerbs;
}

}  // namespace trunkline::app
