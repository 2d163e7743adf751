#include "control/store/recording_index.h"

#include <sqlite3.h>

#include "control/store/sqlite_util.h"

namespace trunkline::store {

const char* to_string(RecordingState state) {
  switch (state) {
#define TL_RECORDING_STATE_NAME(e, text) \
  case RecordingState::e:                \
    return text;
    TL_RECORDING_STATES(TL_RECORDING_STATE_NAME)
#undef TL_RECORDING_STATE_NAME
  }
  return "spooled";
}

std::optional<RecordingState> parse_recording_state(std::string_view text) {
#define TL_RECORDING_STATE_PARSE(e, name) \
  if (text == name) return RecordingState::e;
  TL_RECORDING_STATES(TL_RECORDING_STATE_PARSE)
#undef TL_RECORDING_STATE_PARSE
  return std::nullopt;
}

bool is_deleted(RecordingState state) {
  return state == RecordingState::kErased || state == RecordingState::kExpired ||
         state == RecordingState::kShredded;
}

const char* to_string(CopyState state) {
  switch (state) {
    case CopyState::kOk:
      return "ok";
    case CopyState::kMissing:
      return "missing";
    case CopyState::kBad:
      return "bad";
    case CopyState::kDeleted:
      return "deleted";
  }
  return "missing";
}

namespace {

CopyState parse_copy_state(const std::string& text) {
  if (text == "ok") return CopyState::kOk;
  if (text == "bad") return CopyState::kBad;
  if (text == "deleted") return CopyState::kDeleted;
  return CopyState::kMissing;
}

constexpr const char* kRowColumns =
    "tenant_id, recording_id, call_id, caller_number, did, agent, skill, codec, started_at_ms, "
    "ended_at_ms, bytes, sha256, state, legal_hold, truncated, indexed_at_ms, deleted_at_ms";

IndexedRecording row_of(const Statement& s) {
  IndexedRecording r;
  r.tenant_id = s.int64(0);
  r.recording_id = s.text(1);
  r.call_id = s.text(2);
  r.caller_number = s.text(3);
  r.did = s.text(4);
  r.agent = s.text(5);
  r.skill = s.text(6);
  r.codec = s.text(7);
  r.started_at_ms = s.int64(8);
  r.ended_at_ms = s.int64(9);
  r.bytes = s.int64(10);
  r.sha256 = s.text(11);
  r.state = parse_recording_state(s.text(12)).value_or(RecordingState::kSpooled);
  r.legal_hold = s.int64(13) != 0;
  r.truncated = s.int64(14) != 0;
  r.indexed_at_ms = s.int64(15);
  r.deleted_at_ms = s.int64(16);
  return r;
}

std::string name_of(TenantId tenant, const std::string& recording_id) {
  return "recording " + recording_id + " of tenant " + std::to_string(tenant);
}

Result<std::vector<RecordingKey>> keys_of(SqliteStore& store, const std::string& sql,
                                          std::optional<std::string> text_arg,
                                          std::optional<std::int64_t> int_arg,
                                          const std::string& what) {
  std::vector<RecordingKey> out;
  Status st = store.with_connection([&](StatementCache& cache) -> Status {
    Statement s(cache, sql.c_str());
    if (text_arg) s.bind(1, *text_arg);
    if (int_arg) s.bind(1, *int_arg);
    int rc;
    while ((rc = s.step()) == SQLITE_ROW) out.push_back({s.int64(0), s.text(1)});
    if (rc != SQLITE_DONE) return s.error(what);
    return Status::Ok();
  });
  if (!st) return st.error();
  return out;
}

// One UPDATE that must touch exactly one row of this tenant.
Status update_one(SqliteStore& store, const char* sql, TenantId tenant,
                  const std::string& recording_id, const std::function<void(Statement&)>& bind,
                  const std::string& what) {
  return store.with_connection([&](StatementCache& cache) -> Status {
    Statement s(cache, sql);
    s.bind(1, tenant).bind(2, recording_id);
    bind(s);
    if (s.step() != SQLITE_DONE) return s.error(what);
    if (sqlite3_changes(cache.db()) == 0) return Error{"no such recording: " + recording_id};
    return Status::Ok();
  });
}

}  // namespace

Result<IndexedRecording> RecordingIndex::add(const IndexedRecording& row) {
  Status st = store_.with_connection([&](StatementCache& cache) -> Status {
    Statement s(cache,
                "INSERT INTO recordings (tenant_id, recording_id, call_id, caller_number, did, "
                "agent, skill, codec, started_at_ms, ended_at_ms, bytes, sha256, state, "
                "legal_hold, truncated, indexed_at_ms, deleted_at_ms) VALUES (?1, ?2, ?3, ?4, ?5, "
                "?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17) "
                "ON CONFLICT (tenant_id, recording_id) DO NOTHING");
    s.bind(1, row.tenant_id).bind(2, row.recording_id).bind(3, row.call_id);
    s.bind(4, row.caller_number).bind(5, row.did).bind(6, row.agent).bind(7, row.skill);
    s.bind(8, row.codec).bind(9, row.started_at_ms).bind(10, row.ended_at_ms);
    s.bind(11, row.bytes).bind(12, row.sha256).bind(13, std::string(to_string(row.state)));
    s.bind(14, std::int64_t{row.legal_hold ? 1 : 0}).bind(15, std::int64_t{row.truncated ? 1 : 0});
    s.bind(16, row.indexed_at_ms).bind(17, row.deleted_at_ms);
    if (s.step() != SQLITE_DONE)
      return s.error("index " + name_of(row.tenant_id, row.recording_id));
    return Status::Ok();
  });
  if (!st) return st.error();
  auto now = get(row.tenant_id, row.recording_id);
  if (!now) return now.error();
  if (!*now) return Error{"index " + name_of(row.tenant_id, row.recording_id) + ": row vanished"};
  return std::move(**now);
}

Result<std::optional<IndexedRecording>> RecordingIndex::get(TenantId tenant,
                                                            const std::string& recording_id) {
  std::optional<IndexedRecording> out;
  const std::string sql = std::string("SELECT ") + kRowColumns +
                          " FROM recordings WHERE tenant_id = ?1 AND recording_id = ?2";
  Status st = store_.with_connection([&](StatementCache& cache) -> Status {
    Statement s(cache, sql.c_str());
    s.bind(1, tenant).bind(2, recording_id);
    int rc = s.step();
    if (rc == SQLITE_ROW)
      out = row_of(s);
    else if (rc != SQLITE_DONE)
      return s.error("read " + name_of(tenant, recording_id));
    return Status::Ok();
  });
  if (!st) return st.error();
  return out;
}

Result<std::vector<IndexedRecording>> RecordingIndex::search(TenantId tenant,
                                                             const RecordingQuery& q) {
  // Unset filters bind NULL and match everything; tenant_id always binds.
  const std::string sql = std::string("SELECT ") + kRowColumns +
                          " FROM recordings WHERE tenant_id = ?1"
                          " AND (?2 IS NULL OR started_at_ms >= ?2)"
                          " AND (?3 IS NULL OR started_at_ms < ?3)"
                          " AND (?4 IS NULL OR caller_number = ?4)"
                          " AND (?5 IS NULL OR did = ?5)"
                          " AND (?6 IS NULL OR agent = ?6)"
                          " AND (?7 IS NULL OR call_id = ?7)"
                          " ORDER BY started_at_ms, recording_id LIMIT ?8";
  std::vector<IndexedRecording> out;
  Status st = store_.with_connection([&](StatementCache& cache) -> Status {
    Statement s(cache, sql.c_str());
    s.bind(1, tenant);
    if (q.from_ms) s.bind(2, *q.from_ms);
    if (q.to_ms) s.bind(3, *q.to_ms);
    if (q.caller_number) s.bind(4, *q.caller_number);
    if (q.did) s.bind(5, *q.did);
    if (q.agent) s.bind(6, *q.agent);
    if (q.call_id) s.bind(7, *q.call_id);
    s.bind(8, static_cast<std::int64_t>(q.limit));
    int rc;
    while ((rc = s.step()) == SQLITE_ROW) out.push_back(row_of(s));
    if (rc != SQLITE_DONE) return s.error("search recordings of tenant " + std::to_string(tenant));
    return Status::Ok();
  });
  if (!st) return st.error();
  return out;
}

Status RecordingIndex::set_state(TenantId tenant, const std::string& recording_id,
                                 RecordingState state, std::int64_t deleted_at_ms) {
  return update_one(
      store_,
      "UPDATE recordings SET state = ?3, deleted_at_ms = ?4 "
      "WHERE tenant_id = ?1 AND recording_id = ?2",
      tenant, recording_id,
      [&](Statement& s) { s.bind(3, std::string(to_string(state))).bind(4, deleted_at_ms); },
      "set the state of " + name_of(tenant, recording_id));
}

Status RecordingIndex::set_legal_hold(TenantId tenant, const std::string& recording_id, bool hold) {
  return update_one(
      store_, "UPDATE recordings SET legal_hold = ?3 WHERE tenant_id = ?1 AND recording_id = ?2",
      tenant, recording_id, [&](Statement& s) { s.bind(3, std::int64_t{hold ? 1 : 0}); },
      "set the legal hold of " + name_of(tenant, recording_id));
}

Status RecordingIndex::set_copy(TenantId tenant, const std::string& recording_id,
                                const std::string& mirror, CopyState state,
                                std::int64_t verified_at_ms) {
  return store_.with_connection([&](StatementCache& cache) -> Status {
    Statement s(cache,
                "INSERT INTO recording_copies (tenant_id, recording_id, mirror, state, "
                "verified_at_ms) VALUES (?1, ?2, ?3, ?4, ?5) "
                "ON CONFLICT (tenant_id, recording_id, mirror) DO UPDATE SET "
                "state = excluded.state, verified_at_ms = excluded.verified_at_ms");
    s.bind(1, tenant).bind(2, recording_id).bind(3, mirror);
    s.bind(4, std::string(to_string(state))).bind(5, verified_at_ms);
    if (s.step() != SQLITE_DONE) {
      return s.error("record the copy on " + mirror + " of " + name_of(tenant, recording_id));
    }
    return Status::Ok();
  });
}

Result<std::vector<RecordingCopy>> RecordingIndex::copies(TenantId tenant,
                                                          const std::string& recording_id) {
  std::vector<RecordingCopy> out;
  Status st = store_.with_connection([&](StatementCache& cache) -> Status {
    Statement s(cache,
                "SELECT mirror, state, verified_at_ms FROM recording_copies "
                "WHERE tenant_id = ?1 AND recording_id = ?2 ORDER BY mirror");
    s.bind(1, tenant).bind(2, recording_id);
    int rc;
    while ((rc = s.step()) == SQLITE_ROW) {
      out.push_back({s.text(0), parse_copy_state(s.text(1)), s.int64(2)});
    }
    if (rc != SQLITE_DONE) return s.error("list the copies of " + name_of(tenant, recording_id));
    return Status::Ok();
  });
  if (!st) return st.error();
  return out;
}

Result<TenantRetention> RecordingIndex::retention(TenantId tenant) {
  TenantRetention out;
  Status st = store_.with_connection([&](StatementCache& cache) -> Status {
    Statement s(cache,
                "SELECT COALESCE(retention_days, 0), legal_hold, terminated_at_ms "
                "FROM tenant_retention "
                "WHERE tenant_id = ?1");
    s.bind(1, tenant);
    int rc = s.step();
    if (rc == SQLITE_ROW) {
      const std::int64_t days = s.int64(0);
      if (days > 0) out.retention_days = days;
      out.legal_hold = s.int64(1) != 0;
      out.terminated_at_ms = s.int64(2);
    } else if (rc != SQLITE_DONE) {
      return s.error("read the retention of tenant " + std::to_string(tenant));
    }
    return Status::Ok();
  });
  if (!st) return st.error();
  return out;
}

namespace {

Status upsert_retention(SqliteStore& store, TenantId tenant, const char* column,
                        std::optional<std::int64_t> value, const std::string& what) {
  const std::string sql = std::string("INSERT INTO tenant_retention (tenant_id, ") + column +
                          ") VALUES (?1, ?2) ON CONFLICT (tenant_id) DO UPDATE SET " + column +
                          " = excluded." + column;
  return store.with_connection([&](StatementCache& cache) -> Status {
    Statement s(cache, sql.c_str());
    s.bind(1, tenant);
    if (value) s.bind(2, *value);
    if (s.step() != SQLITE_DONE) {
      if (sqlite3_extended_errcode(cache.db()) == SQLITE_CONSTRAINT_FOREIGNKEY) {
        return Error{"unknown tenant " + std::to_string(tenant)};
      }
      return s.error(what + " of tenant " + std::to_string(tenant));
    }
    return Status::Ok();
  });
}

}  // namespace

Status RecordingIndex::set_retention_days(TenantId tenant, std::optional<std::int64_t> days) {
  if (days && *days < 1) return Error{"retention days must be at least 1"};
  return upsert_retention(store_, tenant, "retention_days", days, "set the retention");
}

Status RecordingIndex::set_tenant_hold(TenantId tenant, bool hold) {
  return upsert_retention(store_, tenant, "legal_hold", std::int64_t{hold ? 1 : 0},
                          "set the legal hold");
}

Status RecordingIndex::set_terminated(TenantId tenant, std::int64_t at_ms) {
  return upsert_retention(store_, tenant, "terminated_at_ms", at_ms, "record the termination");
}

Result<std::int64_t> RecordingIndex::shred_tenant(TenantId tenant) {
  std::int64_t n = 0;
  Status st = store_.with_connection([&](StatementCache& cache) -> Status {
    Statement s(cache,
                "UPDATE recordings SET state = 'shredded' WHERE tenant_id = ?1 AND state IN "
                "('spooled', 'published', 'degraded')");
    s.bind(1, tenant);
    if (s.step() != SQLITE_DONE) return s.error("shred tenant " + std::to_string(tenant));
    n = sqlite3_changes(cache.db());
    return Status::Ok();
  });
  if (!st) return st.error();
  return n;
}

Result<std::int64_t> RecordingIndex::held_count(TenantId tenant) {
  std::int64_t n = 0;
  Status st = store_.with_connection([&](StatementCache& cache) -> Status {
    Statement s(cache,
                "SELECT COUNT(*) FROM recordings WHERE tenant_id = ?1 AND legal_hold = 1 AND "
                "state IN ('spooled', 'published', 'degraded')");
    s.bind(1, tenant);
    if (s.step() != SQLITE_ROW) return s.error("count held recordings");
    n = s.int64(0);
    return Status::Ok();
  });
  if (!st) return st.error();
  return n;
}

Result<std::vector<RecordingKey>> RecordingIndex::live_recordings() {
  return keys_of(store_,
                 "SELECT tenant_id, recording_id FROM recordings WHERE state IN "
                 "('spooled', 'published', 'degraded') ORDER BY tenant_id, recording_id",
                 std::nullopt, std::nullopt, "list live recordings");
}

Result<std::vector<RecordingKey>> RecordingIndex::missing_on(const std::string& mirror) {
  return keys_of(store_,
                 "SELECT r.tenant_id, r.recording_id FROM recordings r WHERE r.state IN "
                 "('spooled', 'published', 'degraded') AND NOT EXISTS (SELECT 1 FROM "
                 "recording_copies c WHERE c.tenant_id = r.tenant_id AND c.recording_id = "
                 "r.recording_id AND c.mirror = ?1 AND c.state = 'ok') "
                 "ORDER BY r.tenant_id, r.recording_id",
                 mirror, std::nullopt, "list recordings missing on mirror " + mirror);
}

Result<std::vector<RecordingKey>> RecordingIndex::held_on(const std::string& mirror) {
  return keys_of(store_,
                 "SELECT r.tenant_id, r.recording_id FROM recordings r JOIN recording_copies c "
                 "ON c.tenant_id = r.tenant_id AND c.recording_id = r.recording_id WHERE "
                 "r.state IN ('spooled', 'published', 'degraded') AND c.mirror = ?1 AND "
                 "c.state = 'ok' ORDER BY r.tenant_id, r.recording_id",
                 mirror, std::nullopt, "list recordings held on mirror " + mirror);
}

Result<std::vector<RecordingKey>> RecordingIndex::retention_candidates(
    std::int64_t started_before_ms) {
  return keys_of(store_,
                 "SELECT r.tenant_id, r.recording_id FROM recordings r LEFT JOIN "
                 "tenant_retention t ON t.tenant_id = r.tenant_id WHERE r.deleted_at_ms = 0 AND "
                 "(r.started_at_ms < ?1 OR r.state IN ('erased', 'expired', 'shredded') OR "
                 "COALESCE(t.terminated_at_ms, 0) != 0) ORDER BY r.tenant_id, r.recording_id",
                 std::nullopt, started_before_ms, "list retention candidates");
}

Result<std::vector<std::pair<TenantId, TenantRetention>>> RecordingIndex::tenant_retentions() {
  std::vector<std::pair<TenantId, TenantRetention>> out;
  Status st = store_.with_connection([&](StatementCache& cache) -> Status {
    Statement s(cache,
                "SELECT tenant_id, COALESCE(retention_days, 0), legal_hold, terminated_at_ms "
                "FROM tenant_retention ORDER BY tenant_id");
    int rc;
    while ((rc = s.step()) == SQLITE_ROW) {
      TenantRetention r;
      if (s.int64(1) > 0) r.retention_days = s.int64(1);
      r.legal_hold = s.int64(2) != 0;
      r.terminated_at_ms = s.int64(3);
      out.emplace_back(s.int64(0), r);
    }
    if (rc != SQLITE_DONE) return s.error("list tenant retention");
    return Status::Ok();
  });
  if (!st) return st.error();
  return out;
}

}  // namespace trunkline::store
