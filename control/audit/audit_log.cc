#include "control/audit/audit_log.h"

#include <openssl/sha.h>
#include <sqlite3.h>

#include <cstdlib>

#include "control/store/sqlite_util.h"

namespace trunkline::audit {

namespace {

using store::Statement;
using store::StatementCache;

constexpr const char* kHeadKey = "audit.head";

void field(std::string& out, const std::string& value) {
  out += std::to_string(value.size());
  out += ':';
  out += value;
}

std::string hex(const unsigned char* bytes, std::size_t n) {
  static const char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(n * 2);
  for (std::size_t i = 0; i < n; ++i) {
    out += kDigits[bytes[i] >> 4];
    out += kDigits[bytes[i] & 0xF];
  }
  return out;
}

AuditEntry entry_of(const Statement& s) {
  AuditEntry e;
  e.seq = s.int64(0);
  e.at_ms = s.int64(1);
  if (!s.text(2).empty()) e.tenant_id = s.int64(2);
  e.actor = s.text(3);
  e.role = s.text(4);
  e.action = s.text(5);
  e.target = s.text(6);
  e.result = s.text(7);
  e.source = s.text(8);
  e.prev_hash = s.text(9);
  e.hash = s.text(10);
  return e;
}

constexpr const char* kSelect =
    "SELECT seq, at_ms, tenant_id, actor, role, action, target, result, source, prev_hash, hash "
    "FROM audit_log";

// "<seq> <hash>", or empty before the first entry.
std::string head_value(const AuditEntry& e) { return std::to_string(e.seq) + " " + e.hash; }

Status run(StatementCache& cache, const char* sql) {
  Statement s(cache, sql);
  if (s.step() != SQLITE_DONE) return s.error(sql);
  return Status::Ok();
}

}  // namespace

std::string canonical_encoding(const AuditEntry& e) {
  std::string out = "trunkline-audit-v1;";
  field(out, std::to_string(e.seq));
  field(out, std::to_string(e.at_ms));
  field(out, e.tenant_id ? std::to_string(*e.tenant_id) : std::string("-"));
  field(out, e.actor);
  field(out, e.role);
  field(out, e.action);
  field(out, e.target);
  field(out, e.result);
  field(out, e.source);
  field(out, e.prev_hash);
  return out;
}

std::string entry_hash(const AuditEntry& entry) {
  const std::string bytes = canonical_encoding(entry);
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(), digest);
  return hex(digest, sizeof digest);
}

Status AuditLog::record(std::int64_t at_ms, std::optional<std::int64_t> tenant_id,
                        const AuditWho& who, std::string action, std::string target,
                        std::string result) {
  AuditEntry e;
  e.at_ms = at_ms;
  e.tenant_id = tenant_id;
  e.actor = who.actor;
  e.role = who.role;
  e.source = who.source;
  e.action = std::move(action);
  e.target = std::move(target);
  e.result = std::move(result);
  auto done = append(std::move(e));
  if (!done) return done.error();
  return Status::Ok();
}

Result<AuditEntry> AuditLog::append(AuditEntry entry) {
  Status st = store_.with_connection([&](StatementCache& cache) -> Status {
    // A savepoint is its own transaction when none is open (committed, with
    // synchronous=FULL, before RELEASE returns) and nests inside one if it is.
    if (Status s = run(cache, "SAVEPOINT tl_audit"); !s) return s;
    Status body = [&]() -> Status {
      Statement last(cache, "SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1");
      int rc = last.step();
      if (rc == SQLITE_ROW) {
        entry.seq = last.int64(0) + 1;
        entry.prev_hash = last.text(1);
      } else if (rc == SQLITE_DONE) {
        entry.seq = 1;
        entry.prev_hash = kGenesisHash;
      } else {
        return last.error("read the audit log's last entry");
      }
      entry.hash = entry_hash(entry);
      Statement ins(cache,
                    "INSERT INTO audit_log (seq, at_ms, tenant_id, actor, role, action, target, "
                    "result, source, prev_hash, hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, "
                    "?10, ?11)");
      ins.bind(1, entry.seq).bind(2, entry.at_ms);
      if (entry.tenant_id) ins.bind(3, *entry.tenant_id);
      ins.bind(4, entry.actor).bind(5, entry.role).bind(6, entry.action).bind(7, entry.target);
      ins.bind(8, entry.result).bind(9, entry.source).bind(10, entry.prev_hash);
      ins.bind(11, entry.hash);
      if (ins.step() != SQLITE_DONE) return ins.error("append to the audit log");
      Statement head(cache,
                     "INSERT INTO appliance_settings (key, value) VALUES (?1, ?2) "
                     "ON CONFLICT (key) DO UPDATE SET value = excluded.value");
      head.bind(1, std::string(kHeadKey)).bind(2, head_value(entry));
      if (head.step() != SQLITE_DONE) return head.error("record the audit log's head");
      return Status::Ok();
    }();
    if (!body) {
      (void)run(cache, "ROLLBACK TO tl_audit");
      (void)run(cache, "RELEASE tl_audit");
      return body;
    }
    return run(cache, "RELEASE tl_audit");
  });
  if (!st) return st.error();
  return entry;
}

Result<std::vector<AuditEntry>> AuditLog::entries(std::optional<std::int64_t> tenant_id) {
  std::vector<AuditEntry> out;
  const std::string sql =
      std::string(kSelect) + (tenant_id ? " WHERE tenant_id = ?1" : "") + " ORDER BY seq";
  Status st = store_.with_connection([&](StatementCache& cache) -> Status {
    Statement s(cache, sql.c_str());
    if (tenant_id) s.bind(1, *tenant_id);
    int rc;
    while ((rc = s.step()) == SQLITE_ROW) out.push_back(entry_of(s));
    if (rc != SQLITE_DONE) return s.error("read the audit log");
    return Status::Ok();
  });
  if (!st) return st.error();
  return out;
}

Result<ChainReport> verify_chain(store::SqliteStore& store) {
  ChainReport report;
  Status st = store.with_connection([&](StatementCache& cache) -> Status {
    Statement s(cache, (std::string(kSelect) + " ORDER BY seq").c_str());
    std::string prev = kGenesisHash;
    std::int64_t expect_seq = 1;
    AuditEntry last;
    int rc;
    auto bad = [&](std::int64_t seq, std::string problem) {
      report.ok = false;
      report.first_bad_seq = seq;
      report.problem = std::move(problem);
    };
    while ((rc = s.step()) == SQLITE_ROW) {
      AuditEntry e = entry_of(s);
      ++report.entries;
      if (e.seq != expect_seq) {
        bad(expect_seq, "entry " + std::to_string(expect_seq) + " is missing (next is " +
                            std::to_string(e.seq) + ")");
        return Status::Ok();
      }
      if (e.prev_hash != prev) {
        bad(e.seq, "its prev_hash does not match the hash of entry " + std::to_string(e.seq - 1));
        return Status::Ok();
      }
      if (entry_hash(e) != e.hash) {
        bad(e.seq, "its content does not match its hash (edited)");
        return Status::Ok();
      }
      prev = e.hash;
      ++expect_seq;
      last = std::move(e);
    }
    if (rc != SQLITE_DONE) return s.error("read the audit log");
    Statement head(cache, "SELECT value FROM appliance_settings WHERE key = ?1");
    head.bind(1, std::string(kHeadKey));
    rc = head.step();
    const std::string recorded = rc == SQLITE_ROW ? head.text(0) : std::string();
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) return head.error("read the audit log's head");
    const std::string actual = report.entries == 0 ? std::string() : head_value(last);
    if (recorded != actual) {
      // The head names the last entry appended; anything else means entries
      // after it were removed (or the head was altered).
      const std::int64_t seq = std::strtoll(recorded.c_str(), nullptr, 10);
      bad(report.entries + 1, "the log ends at entry " + std::to_string(report.entries) +
                                  " but the recorded head is entry " + std::to_string(seq));
    }
    return Status::Ok();
  });
  if (!st) return st.error();
  return report;
}

}  // namespace trunkline::audit
