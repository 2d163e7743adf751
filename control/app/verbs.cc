#include "control/app/verbs.h"

#include "control/acd/simulate_command.h"
#include "control/api/user_command.h"
#include "control/app/agent_command.h"
#include "control/app/serve_command.h"
#include "control/audit/audit_verify_command.h"
#include "control/sip/lint_command.h"
#include "control/stats/stats_command.h"
#include "control/tenant/provision_command.h"
#include "control/tenant/show_command.h"
#include "nas/backup/store_backup_command.h"
#include "nas/nas_commands.h"
#include "recorder/tools/recording_commands.h"

namespace trunkline::app {

const Verb* verbs() {
  static const Verb kVerbs[] = {
      {"serve", "--config FILE", "run the appliance (dataplane, control plane, store)", run_serve},
      {"stats", "[--config FILE | --socket PATH] [--json | --prometheus]",
       "print every counter of the running daemon, per lcore and total", stats::run_stats_command},
      {"acd simulate", "SCENARIO.toml [--seed N]",
       "simulate the ACD engine on a scenario; prints metrics as JSON", acd::run_simulate_command},
      {"agent", kAgentUsage, kAgentSummary, agent_command},
      {"sip lint", sip::kLintUsage, sip::kLintSummary, sip::lint_command},
      {"recording verify", recorder::kRecordingVerifyUsage, recorder::kRecordingVerifySummary,
       recorder::recording_verify_main},
      {"recording master-key", recorder::kRecordingMasterKeyUsage,
       recorder::kRecordingMasterKeySummary, recorder::recording_master_key_main},
      {"recording export", recorder::kRecordingExportUsage, recorder::kRecordingExportSummary,
       recorder::recording_export_main},
      {"provision", tenant::kProvisionUsage, tenant::kProvisionSummary, tenant::provision_command},
      {"show", tenant::kShowUsage, tenant::kShowSummary, tenant::show_command},
      {"recordings search", nas::kRecordingsSearchUsage, nas::kRecordingsSearchSummary,
       nas::recordings_search_command},
      {"recordings export", nas::kRecordingsExportUsage, nas::kRecordingsExportSummary,
       nas::recordings_export_command},
      {"recordings verify", nas::kRecordingsVerifyUsage, nas::kRecordingsVerifySummary,
       nas::recordings_verify_command},
      {"recordings hold", nas::kRecordingsHoldUsage, nas::kRecordingsHoldSummary,
       nas::recordings_hold_command},
      {"recordings release", nas::kRecordingsHoldUsage, nas::kRecordingsReleaseSummary,
       nas::recordings_release_command},
      {"recordings erase", nas::kRecordingsEraseUsage, nas::kRecordingsEraseSummary,
       nas::recordings_erase_command},
      {"recordings retention", nas::kRecordingsRetentionUsage, nas::kRecordingsRetentionSummary,
       nas::recordings_retention_command},
      {"tenant terminate", nas::kTenantTerminateUsage, nas::kTenantTerminateSummary,
       nas::tenant_terminate_command},
      {"nas scrub", nas::kNasScrubUsage, nas::kNasScrubSummary, nas::nas_scrub_command},
      {"nas resync", nas::kNasResyncUsage, nas::kNasResyncSummary, nas::nas_resync_command},
      {"nas sweep", nas::kNasSweepUsage, nas::kNasSweepSummary, nas::nas_sweep_command},
      {"store backup", nas::kStoreBackupUsage, nas::kStoreBackupSummary, nas::store_backup_command},
      {"store restore", nas::kStoreRestoreUsage, nas::kStoreRestoreSummary,
       nas::store_restore_command},
      {"audit verify", audit::kAuditVerifyUsage, audit::kAuditVerifySummary,
       audit::audit_verify_command},
      {"user add", api::kUserAddUsage, api::kUserAddSummary, api::user_add_command},
      // Verbs of later areas are listed here, one line each.
      {nullptr, nullptr, nullptr, nullptr},
  };
  return kVerbs;
}

}  // namespace trunkline::app
