// `trunkline audit verify`: walks the audit log's hash chain.
#pragma once

namespace trunkline::audit {

// audit verify [--config FILE | --store PATH] [--json]
// Exit: 0 the chain holds; 1 it is broken (the first bad entry is named);
// 2 bad arguments or the store cannot be read.
int audit_verify_command(int argc, char** argv);

inline constexpr const char* kAuditVerifyUsage = "[--config FILE | --store PATH] [--json]";
inline constexpr const char* kAuditVerifySummary =
    "check the audit log's hash chain; names the first edited, removed or reordered entry";

}  // namespace trunkline::audit
