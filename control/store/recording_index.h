// The recording index (migration 5): one row per recording the NAS accepted,
// its call metadata, the SHA-256 of its file, its state, its legal hold, and
// which mirrors hold a verified copy; plus each tenant's retention settings.
//
// Tenant scope: every per-recording call takes the tenant's ID and puts it in
// the query, so a recording ID of tenant B asked for in tenant A's name is
// simply not found. The few appliance-wide listings (scrub, resync, the
// retention sweeper) are named as such and are never reached from a
// tenant's request.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "control/store/sqlite_store.h"
#include "control/store/store.h"

namespace trunkline::store {

// recordings.state
#define TL_RECORDING_STATES(X)                                                  \
  X(kSpooled, "spooled")     /* indexed, only in the spool so far */            \
  X(kPublished, "published") /* a verified copy on every mirror, spool freed */ \
  X(kDegraded, "degraded")   /* some mirror lacks it; the spool keeps it */     \
  X(kErased, "erased")       /* deleted on request (GDPR) */                    \
  X(kExpired, "expired")     /* deleted by retention */                         \
  X(kShredded, "shredded")   /* tenant terminated: key destroyed */

enum class RecordingState : std::uint8_t {
#define TL_RECORDING_STATE_ENUM(e, text) e,
  TL_RECORDING_STATES(TL_RECORDING_STATE_ENUM)
#undef TL_RECORDING_STATE_ENUM
};
const char* to_string(RecordingState state);
std::optional<RecordingState> parse_recording_state(std::string_view text);
// Erased, expired or shredded: no copy may be served or repaired any more.
bool is_deleted(RecordingState state);

struct IndexedRecording {
  TenantId tenant_id = 0;
  std::string recording_id;  // 32 lowercase hex digits
  std::string call_id;
  std::string caller_number;
  std::string did;
  std::string agent;
  std::string skill;
  std::string codec;
  std::int64_t started_at_ms = 0;
  std::int64_t ended_at_ms = 0;
  std::int64_t bytes = 0;
  std::string sha256;  // of the whole file, lowercase hex
  RecordingState state = RecordingState::kSpooled;
  bool legal_hold = false;
  bool truncated = false;  // sealed by crash recovery: the audio ends early
  std::int64_t indexed_at_ms = 0;
  std::int64_t deleted_at_ms = 0;  // when its files were removed; 0: not yet
  bool operator==(const IndexedRecording&) const = default;
};

enum class CopyState : std::uint8_t { kOk, kMissing, kBad, kDeleted };
const char* to_string(CopyState state);

struct RecordingCopy {
  std::string mirror;
  CopyState state = CopyState::kMissing;
  std::int64_t verified_at_ms = 0;
};

// A search within one tenant; unset fields do not filter. Times bound
// started_at_ms: from <= started < to.
struct RecordingQuery {
  std::optional<std::int64_t> from_ms;
  std::optional<std::int64_t> to_ms;
  std::optional<std::string> caller_number;
  std::optional<std::string> did;
  std::optional<std::string> agent;
  std::optional<std::string> call_id;
  std::size_t limit = 1000;
};

struct TenantRetention {
  std::optional<std::int64_t> retention_days;  // unset: the appliance default
  bool legal_hold = false;
  std::int64_t terminated_at_ms = 0;  // 0: active
};

// Recording key for the appliance-wide listings.
struct RecordingKey {
  TenantId tenant_id = 0;
  std::string recording_id;
};

class RecordingIndex {
 public:
  explicit RecordingIndex(SqliteStore& store) : store_(store) {}

  // Inserts the row unless one with the same tenant and ID exists; returns
  // the row now in the index (the existing one wins: publishing is
  // idempotent).
  Result<IndexedRecording> add(const IndexedRecording& row);
  Result<std::optional<IndexedRecording>> get(TenantId tenant, const std::string& recording_id);
  Result<std::vector<IndexedRecording>> search(TenantId tenant, const RecordingQuery& query);
  Status set_state(TenantId tenant, const std::string& recording_id, RecordingState state,
                   std::int64_t deleted_at_ms = 0);
  Status set_legal_hold(TenantId tenant, const std::string& recording_id, bool hold);

  Status set_copy(TenantId tenant, const std::string& recording_id, const std::string& mirror,
                  CopyState state, std::int64_t verified_at_ms);
  Result<std::vector<RecordingCopy>> copies(TenantId tenant, const std::string& recording_id);

  Result<TenantRetention> retention(TenantId tenant);
  Status set_retention_days(TenantId tenant, std::optional<std::int64_t> days);
  Status set_tenant_hold(TenantId tenant, bool hold);
  Status set_terminated(TenantId tenant, std::int64_t at_ms);
  // Marks every live recording of the tenant shredded; returns how many.
  Result<std::int64_t> shred_tenant(TenantId tenant);
  // Recordings of the tenant on legal hold (live ones).
  Result<std::int64_t> held_count(TenantId tenant);

  // --- Appliance-wide (scrub, resync, retention sweeper) ------------------
  // Every recording not deleted, in (tenant, ID) order.
  Result<std::vector<RecordingKey>> live_recordings();
  // Live recordings without an ok copy on `mirror`.
  Result<std::vector<RecordingKey>> missing_on(const std::string& mirror);
  // Live recordings with an ok copy recorded on `mirror`.
  Result<std::vector<RecordingKey>> held_on(const std::string& mirror);
  // Live recordings whose files may be due for deletion: started before
  // `started_before_ms`, or of a terminated tenant, or deleted but with
  // files not yet removed. The sweeper decides per row.
  Result<std::vector<RecordingKey>> retention_candidates(std::int64_t started_before_ms);
  // Tenants with a retention row.
  Result<std::vector<std::pair<TenantId, TenantRetention>>> tenant_retentions();

 private:
  SqliteStore& store_;
};

}  // namespace trunkline::store
