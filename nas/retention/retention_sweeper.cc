#include "nas/retention/retention_sweeper.h"

#include <map>
#include <system_error>

#include "common/log.h"
#include "nas/mirror/verified_copy.h"

namespace trunkline::nas {

using store::CopyState;
using store::IndexedRecording;
using store::RecordingState;

RetentionSweeper::RetentionSweeper(Replicator& replicator, audit::AuditLog& audit,
                                   RetentionPolicy policy, Clock clock)
    : replicator_(replicator), audit_(audit), policy_(policy), clock_(std::move(clock)) {}

Status RetentionSweeper::audit(store::TenantId tenant, const Actor& actor,
                               const std::string& action, const std::string& target,
                               const std::string& result) {
  return audit_.record(clock_(), tenant, {actor.name, actor.role, actor.source}, action, target,
                       result);
}

bool RetentionSweeper::delete_files(const IndexedRecording& row) {
  bool all_gone = true;
  for (auto& m : replicator_.mirrors().mirrors()) {
    if (!m->up()) {
      all_gone = false;
      continue;
    }
    const auto path = m->path_of(row);
    std::error_code ec;
    const bool existed = std::filesystem::exists(path, ec);
    if (Status s = remove_durably(path); !s) {
      m->mark_down(s.error().message);
      all_gone = false;
      continue;
    }
    if (existed) m->counters().files_deleted.fetch_add(1, std::memory_order_relaxed);
    (void)replicator_.index().set_copy(row.tenant_id, row.recording_id, m->name(),
                                       CopyState::kDeleted, clock_());
  }
  if (Status s = remove_durably(replicator_.spool_path(row)); !s) all_gone = false;
  return all_gone;
}

Result<SweepReport> RetentionSweeper::sweep() {
  SweepReport report;
  const std::int64_t now = clock_();
  store::RecordingIndex& index = replicator_.index();
  // Per-tenant settings; the prefilter uses the shortest retention anyone has.
  std::map<store::TenantId, store::TenantRetention> tenants;
  auto list = index.tenant_retentions();
  if (!list) return list.error();
  std::int64_t shortest = policy_.default_days;
  for (auto& [id, r] : *list) {
    tenants[id] = r;
    if (r.retention_days) shortest = std::min(shortest, *r.retention_days);
  }
  auto candidates = index.retention_candidates(now - shortest * kDayMs);
  if (!candidates) return candidates.error();
  const Actor system;
  for (const auto& k : *candidates) {
    auto got = index.get(k.tenant_id, k.recording_id);
    if (!got) return got.error();
    if (!*got) continue;
    const IndexedRecording& row = **got;
    ++report.examined;
    const store::TenantRetention t =
        tenants.count(row.tenant_id) ? tenants[row.tenant_id] : store::TenantRetention{};
    const bool terminated = t.terminated_at_ms != 0;
    if (row.state == RecordingState::kShredded || terminated) {
      // The key is gone already; the files wait out the grace period.
      if (now < t.terminated_at_ms + policy_.termination_grace_days * kDayMs) continue;
      if (!delete_files(row)) {
        ++report.incomplete;
        continue;
      }
      if (Status s =
              index.set_state(row.tenant_id, row.recording_id, RecordingState::kShredded, now);
          !s)
        return s.error();
      ++report.purged;
      if (Status s =
              audit(row.tenant_id, system, "retention.purge_terminated", row.recording_id, "ok");
          !s)
        return s.error();
      continue;
    }
    if (store::is_deleted(row.state)) {
      // Deleted before, but a mirror was down: finish it.
      if (!delete_files(row)) {
        ++report.incomplete;
        continue;
      }
      if (Status s = index.set_state(row.tenant_id, row.recording_id, row.state, now); !s)
        return s.error();
      ++report.finished;
      if (Status s =
              audit(row.tenant_id, system, "retention.delete_completed", row.recording_id, "ok");
          !s)
        return s.error();
      continue;
    }
    const std::int64_t days = t.retention_days.value_or(policy_.default_days);
    if (row.started_at_ms + days * kDayMs > now) continue;
    if (row.legal_hold || t.legal_hold) {
      ++report.held;
      continue;
    }
    // The state changes first: from here on nothing serves or resyncs it.
    if (Status s = index.set_state(row.tenant_id, row.recording_id, RecordingState::kExpired, 0);
        !s)
      return s.error();
    const bool gone = delete_files(row);
    if (gone) {
      if (Status s =
              index.set_state(row.tenant_id, row.recording_id, RecordingState::kExpired, now);
          !s)
        return s.error();
    } else {
      ++report.incomplete;
    }
    ++report.expired;
    if (Status s = audit(row.tenant_id, system, "retention.expire", row.recording_id,
                         gone ? "ok" : "pending: a mirror is down");
        !s)
      return s.error();
  }
  return report;
}

Status RetentionSweeper::erase(store::TenantId tenant, const std::string& recording_id,
                               const Actor& actor) {
  store::RecordingIndex& index = replicator_.index();
  auto got = index.get(tenant, recording_id);
  if (!got) return got.error();
  if (!*got) {
    (void)audit(tenant, actor, "recordings.erase", recording_id, "not_found");
    return Error{"no such recording: " + recording_id};
  }
  const IndexedRecording& row = **got;
  auto t = index.retention(tenant);
  if (!t) return t.error();
  if (row.legal_hold || t->legal_hold) {
    (void)audit(tenant, actor, "recordings.erase", recording_id, "refused: legal hold");
    return Error{"recording " + recording_id + " is under legal hold" +
                 (t->legal_hold ? " (the whole tenant is)" : "") + "; release it first"};
  }
  if (store::is_deleted(row.state) && row.deleted_at_ms != 0) {
    return Error{"recording " + recording_id + " is already " + to_string(row.state)};
  }
  if (Status s = index.set_state(tenant, recording_id, RecordingState::kErased, 0); !s) return s;
  const bool gone = delete_files(row);
  if (gone) {
    if (Status s = index.set_state(tenant, recording_id, RecordingState::kErased, clock_()); !s)
      return s;
  }
  return audit(tenant, actor, "recordings.erase", recording_id,
               gone ? "ok" : "pending: a mirror is down; finished by the next sweep");
}

Status RetentionSweeper::terminate_tenant(store::TenantId tenant, recorder::FileKeyProvider& keys,
                                          const Actor& actor) {
  store::RecordingIndex& index = replicator_.index();
  auto t = index.retention(tenant);
  if (!t) return t.error();
  auto held = index.held_count(tenant);
  if (!held) return held.error();
  if (t->legal_hold || *held > 0) {
    (void)audit(tenant, actor, "tenant.terminate", std::to_string(tenant), "refused: legal hold");
    return Error{
        "tenant " + std::to_string(tenant) + " has a legal hold (" +
        (t->legal_hold ? std::string("on the tenant") : std::to_string(*held) + " recordings") +
        "); release it before terminating"};
  }
  const std::string tenant_text = std::to_string(tenant);
  // The key first: from this moment no recording of the tenant can be read.
  if (keys.has_tenant_key(tenant_text)) {
    if (Status s = keys.destroy_tenant_key(tenant_text); !s) return s;
  }
  const std::int64_t now = clock_();
  if (Status s = index.set_terminated(tenant, now); !s) return s;
  auto n = index.shred_tenant(tenant);
  if (!n) return n.error();
  TL_LOG(kWarn, "nas_tenant_terminated", "tenant=%lld recordings=%lld",
         static_cast<long long>(tenant), static_cast<long long>(*n));
  return audit(tenant, actor, "tenant.terminate", tenant_text,
               "ok: key destroyed, " + std::to_string(*n) + " recordings shredded");
}

}  // namespace trunkline::nas
