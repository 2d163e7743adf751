// The NAS verbs (listed in control/app/verbs.cc). All take --config FILE
// (default /etc/trunkline/trunkline.toml), whose [nas] mirrors must be set,
// and work on the store and mirrors directly: no daemon needed.
#pragma once

namespace trunkline::nas {

// nas scrub: exit 0 every copy on every mirror that is up matches the index
// (after repairs); 1 an unrepairable copy remains; 2 usage or set-up error.
int nas_scrub_command(int argc, char** argv);
inline constexpr const char* kNasScrubUsage = "[--config FILE] [--json]";
inline constexpr const char* kNasScrubSummary =
    "read every mirror copy, compare with the index checksum, repair bad/missing copies";

// nas resync: copies to every mirror that is up what it lacks (0 / 1 / 2 as scrub).
int nas_resync_command(int argc, char** argv);
inline constexpr const char* kNasResyncUsage = "[--config FILE]";
inline constexpr const char* kNasResyncSummary =
    "publish what the spool holds and copy to each mirror the recordings it lacks";

// nas sweep: one retention pass (expiry, purge after termination grace).
int nas_sweep_command(int argc, char** argv);
inline constexpr const char* kNasSweepUsage = "[--config FILE] [--json]";
inline constexpr const char* kNasSweepSummary =
    "apply retention now: delete expired recordings not on hold, purge terminated tenants";

// recordings search: exit 0 (also with no results), 2 usage or error.
int recordings_search_command(int argc, char** argv);
inline constexpr const char* kRecordingsSearchUsage =
    "--tenant T [--from TIME] [--to TIME] [--caller N] [--did N] [--agent A] [--call-id ID] "
    "[--limit N] [--json] [--actor NAME] [--config FILE]";
inline constexpr const char* kRecordingsSearchSummary =
    "search one tenant's recording index (audited); TIME: Unix ms or YYYY-MM-DD[THH:MM:SSZ]";

// recordings export: exit 0 exported; 1 no such recording or it does not
// verify; 2 usage or I/O error.
int recordings_export_command(int argc, char** argv);
inline constexpr const char* kRecordingsExportUsage =
    "ID --tenant T --out FILE.wav [--keys DIR] [--master-key FILE] [--actor NAME] [--config FILE]";
inline constexpr const char* kRecordingsExportSummary =
    "verify a recording from a good mirror copy, then decrypt it to WAV (audited)";

// recordings verify: exit 0 every copy matches and the recording verifies;
// 1 otherwise; 2 usage or error.
int recordings_verify_command(int argc, char** argv);
inline constexpr const char* kRecordingsVerifyUsage =
    "ID --tenant T [--keys DIR] [--master-key FILE] [--actor NAME] [--config FILE]";
inline constexpr const char* kRecordingsVerifySummary =
    "check every copy of a recording against the index and verify it end to end (audited)";

// recordings hold | release: a legal hold on one recording, or on the whole
// tenant when no ID is given.
int recordings_hold_command(int argc, char** argv);
int recordings_release_command(int argc, char** argv);
inline constexpr const char* kRecordingsHoldUsage =
    "[ID] --tenant T [--actor NAME] [--config FILE]";
inline constexpr const char* kRecordingsHoldSummary =
    "put a recording (or, without ID, the whole tenant) on legal hold: no deletion";
inline constexpr const char* kRecordingsReleaseSummary = "release a legal hold";

// recordings erase: GDPR erasure of named recordings (refused on hold).
int recordings_erase_command(int argc, char** argv);
inline constexpr const char* kRecordingsEraseUsage =
    "ID... --tenant T [--actor NAME] [--config FILE]";
inline constexpr const char* kRecordingsEraseSummary =
    "erase named recordings from every mirror and the spool now (audited)";

// recordings retention: a tenant's retention in days ("default": the appliance's).
int recordings_retention_command(int argc, char** argv);
inline constexpr const char* kRecordingsRetentionUsage =
    "--tenant T --days N|default [--actor NAME] [--config FILE]";
inline constexpr const char* kRecordingsRetentionSummary = "set a tenant's retention period";

// tenant terminate: destroys the tenant's key now (crypto-shredding); files
// are removed after [nas] termination_grace_days.
int tenant_terminate_command(int argc, char** argv);
inline constexpr const char* kTenantTerminateUsage =
    "--tenant T --confirm [--keys DIR] [--master-key FILE] [--actor NAME] [--config FILE]";
inline constexpr const char* kTenantTerminateSummary =
    "terminate a tenant: destroy its key now, remove its recordings after the grace period";

}  // namespace trunkline::nas
