// Retention: which recordings' files are deleted, when, and the deletion
// itself (from every mirror and the spool), every one audited.
//
//   - a live recording older than its tenant's retention (default 90 days)
//     expires, unless it or its tenant is on legal hold;
//   - erasure on request (GDPR) deletes named recordings at once, refused
//     for a recording on hold;
//   - terminating a tenant destroys its key at once (its recordings are
//     unreadable from that moment: crypto-shredding) and its files are
//     removed after the grace period (at most 30 days); refused while any
//     hold is on the tenant or one of its recordings.
// A file on a mirror that is down is deleted when the mirror is back: the
// row keeps deleted_at_ms = 0 until every copy is gone.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "control/audit/audit_log.h"
#include "nas/clock.h"
#include "nas/mirror/replicator.h"
#include "recorder/crypto/file_key_provider.h"

namespace trunkline::nas {

struct RetentionPolicy {
  std::int64_t default_days = 90;
  std::int64_t termination_grace_days = 30;
};

// Who asked, for the audit log.
struct Actor {
  std::string name = "system";
  std::string role = "system";
  std::string source = "local";
};

struct SweepReport {
  std::uint64_t examined = 0;
  std::uint64_t expired = 0;     // newly expired and deleted
  std::uint64_t purged = 0;      // files of shredded recordings removed after the grace
  std::uint64_t finished = 0;    // deletions completed that a down mirror had held up
  std::uint64_t held = 0;        // due, but on legal hold
  std::uint64_t incomplete = 0;  // a mirror was down: retried on the next sweep
};

class RetentionSweeper {
 public:
  RetentionSweeper(Replicator& replicator, audit::AuditLog& audit, RetentionPolicy policy,
                   Clock clock);

  Result<SweepReport> sweep();

  // GDPR erasure of one recording of `tenant` (no such recording: an error
  // naming it, nothing touched).
  Status erase(store::TenantId tenant, const std::string& recording_id, const Actor& actor);

  // Destroys the tenant's key now and marks its recordings shredded; the
  // sweeper removes the files after the grace period.
  Status terminate_tenant(store::TenantId tenant, recorder::FileKeyProvider& keys,
                          const Actor& actor);

 private:
  // Removes every copy and the spool file; true when none is left.
  bool delete_files(const store::IndexedRecording& row);
  Status audit(store::TenantId tenant, const Actor& actor, const std::string& action,
               const std::string& target, const std::string& result);

  Replicator& replicator_;
  audit::AuditLog& audit_;
  RetentionPolicy policy_;
  Clock clock_;
};

}  // namespace trunkline::nas
