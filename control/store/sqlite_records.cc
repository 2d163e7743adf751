#include "control/store/sqlite_records.h"

#include <sqlite3.h>

#include <cstdlib>

#include "control/store/sqlite_util.h"

namespace trunkline::store::records {

namespace {

// A multi-statement write is all or nothing: a savepoint nests inside the
// caller's transaction when there is one and is its own transaction when not.
class Savepoint {
 public:
  explicit Savepoint(StatementCache& c) : c_(c) { ok_ = run("SAVEPOINT tl_put"); }
  ~Savepoint() {
    if (!released_) {
      (void)run("ROLLBACK TO tl_put");
      (void)run("RELEASE tl_put");
    }
  }
  Savepoint(const Savepoint&) = delete;
  Savepoint& operator=(const Savepoint&) = delete;

  const Status& begun() const { return ok_; }
  Status release() {
    Status s = run("RELEASE tl_put");
    released_ = s.ok();
    return s;
  }

 private:
  Status run(const char* sql) {
    Statement s(c_, sql);
    if (s.step() != SQLITE_DONE) return s.error(sql);
    return Status::Ok();
  }
  StatementCache& c_;
  Status ok_;
  bool released_ = false;
};

int extended_code(sqlite3* db) { return sqlite3_extended_errcode(db); }

std::int64_t as_int(bool b) { return b ? 1 : 0; }

}  // namespace

// ---- trunks -------------------------------------------------------------

Status put_trunk(StatementCache& cache, TenantId t, const Trunk& trunk) {
  Savepoint sp(cache);
  if (!sp.begun()) return sp.begun();
  {
    Statement s(cache,
                "INSERT INTO trunks (tenant_id, name, transport, outbound) VALUES (?1, ?2, ?3, ?4) "
                "ON CONFLICT (tenant_id, name) DO UPDATE SET transport = excluded.transport, "
                "outbound = excluded.outbound");
    s.bind(1, t).bind(2, trunk.name).bind(3, trunk.transport).bind(4, trunk.outbound);
    if (s.step() != SQLITE_DONE) return s.error("put trunk '" + trunk.name + "'");
  }
  {
    Statement s(cache, "DELETE FROM trunk_sources WHERE tenant_id = ?1 AND trunk = ?2");
    s.bind(1, t).bind(2, trunk.name);
    if (s.step() != SQLITE_DONE) return s.error("put trunk '" + trunk.name + "'");
  }
  Statement s(cache,
              "INSERT INTO trunk_sources (tenant_id, trunk, position, source) "
              "VALUES (?1, ?2, ?3, ?4)");
  for (std::size_t i = 0; i < trunk.allow.size(); ++i) {
    s.reset();
    s.bind(1, t).bind(2, trunk.name).bind(3, static_cast<std::int64_t>(i)).bind(4, trunk.allow[i]);
    if (s.step() != SQLITE_DONE) {
      return s.error("put trunk '" + trunk.name + "' source '" + trunk.allow[i] + "'");
    }
  }
  return sp.release();
}

Result<std::vector<Trunk>> trunks(StatementCache& cache, TenantId t) {
  std::vector<Trunk> out;
  {
    Statement s(cache,
                "SELECT name, transport, outbound FROM trunks WHERE tenant_id = ?1 ORDER BY name");
    s.bind(1, t);
    int rc;
    while ((rc = s.step()) == SQLITE_ROW) {
      Trunk tr;
      tr.name = s.text(0);
      tr.transport = s.text(1);
      tr.outbound = s.text(2);
      out.push_back(std::move(tr));
    }
    if (rc != SQLITE_DONE) return s.error("list trunks");
  }
  // Both queries come out ordered by trunk name: merge them in one pass.
  Statement s(cache,
              "SELECT trunk, source FROM trunk_sources WHERE tenant_id = ?1 "
              "ORDER BY trunk, position");
  s.bind(1, t);
  std::size_t i = 0;
  int rc;
  while ((rc = s.step()) == SQLITE_ROW) {
    const std::string name = s.text(0);
    while (i < out.size() && out[i].name < name) ++i;
    if (i < out.size() && out[i].name == name) out[i].allow.push_back(s.text(1));
  }
  if (rc != SQLITE_DONE) return s.error("list trunk sources");
  return out;
}

Status delete_trunk(StatementCache& cache, TenantId t, const std::string& name) {
  Statement s(cache, "DELETE FROM trunks WHERE tenant_id = ?1 AND name = ?2");
  s.bind(1, t).bind(2, name);
  if (s.step() != SQLITE_DONE) return s.error("delete trunk '" + name + "'");
  return Status::Ok();
}

// ---- agents -------------------------------------------------------------

namespace {

// skills "sales=5,support=3" and queues "sales,support": names are provisioning
// names (A-Z a-z 0-9 . _ -), so ',' and '=' never occur in them.
std::string encode_skills(const std::vector<std::pair<std::string, int>>& skills) {
  std::string out;
  for (const auto& [name, level] : skills) {
    if (!out.empty()) out += ',';
    out += name + "=" + std::to_string(level);
  }
  return out;
}

std::string join_names(const std::vector<std::string>& names) {
  std::string out;
  for (const std::string& n : names) out += (out.empty() ? "" : ",") + n;
  return out;
}

std::vector<std::string> split_names(const std::string& text) {
  std::vector<std::string> out;
  std::size_t from = 0;
  while (from < text.size()) {
    std::size_t comma = text.find(',', from);
    if (comma == std::string::npos) comma = text.size();
    out.push_back(text.substr(from, comma - from));
    from = comma + 1;
  }
  return out;
}

std::vector<std::pair<std::string, int>> decode_skills(const std::string& text) {
  std::vector<std::pair<std::string, int>> out;
  for (const std::string& item : split_names(text)) {
    const std::size_t eq = item.find('=');
    if (eq == std::string::npos) continue;
    out.emplace_back(item.substr(0, eq), std::atoi(item.c_str() + eq + 1));
  }
  return out;
}

}  // namespace

Status put_agent(StatementCache& cache, TenantId t, const Agent& a) {
  Statement s(cache,
              "INSERT INTO agents (tenant_id, name, display, sip_user, ha1_md5, ha1_sha256, "
              "static_contact, alternate_number, srtp, skills, queues) VALUES (?1, ?2, ?3, ?4, "
              "?5, ?6, ?7, ?8, ?9, ?10, ?11) "
              "ON CONFLICT (tenant_id, name) DO UPDATE SET display = excluded.display, "
              "sip_user = excluded.sip_user, ha1_md5 = excluded.ha1_md5, "
              "ha1_sha256 = excluded.ha1_sha256, static_contact = excluded.static_contact, "
              "alternate_number = excluded.alternate_number, srtp = excluded.srtp, "
              "skills = excluded.skills, queues = excluded.queues");
  s.bind(1, t).bind(2, a.name).bind(3, a.display).bind(4, a.sip_user).bind(5, a.ha1_md5);
  s.bind(6, a.ha1_sha256).bind(7, a.static_contact).bind(8, a.alternate_number);
  s.bind(9, std::int64_t{a.srtp ? 1 : 0}).bind(10, encode_skills(a.skills));
  s.bind(11, join_names(a.queues));
  if (s.step() == SQLITE_DONE) return Status::Ok();
  if (extended_code(cache.db()) == SQLITE_CONSTRAINT_UNIQUE) {
    return Error{"put agent '" + a.name + "': sip user '" + a.sip_user +
                 "' belongs to another agent of this tenant"};
  }
  return s.error("put agent '" + a.name + "'");
}

Result<std::vector<Agent>> agents(StatementCache& cache, TenantId t, const std::string* only_name) {
  // Two texts rather than "(?2 IS NULL OR name = ?2)", which SQLite would
  // not turn into a key seek.
  Statement s(cache, only_name != nullptr
                         ? "SELECT name, display, sip_user, ha1_md5, ha1_sha256, static_contact, "
                           "alternate_number, srtp, skills, queues FROM agents WHERE tenant_id = "
                           "?1 AND name = ?2"
                         : "SELECT name, display, sip_user, ha1_md5, ha1_sha256, static_contact, "
                           "alternate_number, srtp, skills, queues FROM agents WHERE tenant_id = "
                           "?1 ORDER BY name");
  s.bind(1, t);
  if (only_name != nullptr) s.bind(2, *only_name);
  std::vector<Agent> out;
  int rc;
  while ((rc = s.step()) == SQLITE_ROW) {
    out.push_back({s.text(0), s.text(1), s.text(2), s.text(3), s.text(4), s.text(5), s.text(6),
                   s.int64(7) != 0, decode_skills(s.text(8)), split_names(s.text(9))});
  }
  if (rc != SQLITE_DONE) return s.error("list agents");
  return out;
}

Status delete_agent(StatementCache& cache, TenantId t, const std::string& name) {
  // did_agents rows go with it (ON DELETE CASCADE), but the positions of the
  // agents after it are left with a gap, which the readers do not mind.
  Statement s(cache, "DELETE FROM agents WHERE tenant_id = ?1 AND name = ?2");
  s.bind(1, t).bind(2, name);
  if (s.step() != SQLITE_DONE) return s.error("delete agent '" + name + "'");
  return Status::Ok();
}

// ---- numbers ------------------------------------------------------------

Status put_did(StatementCache& cache, TenantId t, const Did& d) {
  Savepoint sp(cache);
  if (!sp.begun()) return sp.begun();
  {
    Statement s(cache,
                "INSERT INTO dids (tenant_id, number, line_skill, record, queue, menu) VALUES "
                "(?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (tenant_id, number) DO UPDATE SET "
                "line_skill = excluded.line_skill, record = excluded.record, "
                "queue = excluded.queue, menu = excluded.menu");
    s.bind(1, t).bind(2, d.number).bind(3, d.line_skill).bind(4, as_int(d.record));
    s.bind(5, d.queue).bind(6, d.menu);
    if (s.step() != SQLITE_DONE) {
      if (extended_code(cache.db()) == SQLITE_CONSTRAINT_UNIQUE) {
        return Error{"put number '" + d.number + "': the number is already provisioned"};
      }
      return s.error("put number '" + d.number + "'");
    }
  }
  {
    Statement s(cache, "DELETE FROM did_agents WHERE tenant_id = ?1 AND number = ?2");
    s.bind(1, t).bind(2, d.number);
    if (s.step() != SQLITE_DONE) return s.error("put number '" + d.number + "'");
  }
  Statement s(
      cache, "INSERT INTO did_agents (tenant_id, number, position, agent) VALUES (?1, ?2, ?3, ?4)");
  for (std::size_t i = 0; i < d.agents.size(); ++i) {
    s.reset();
    s.bind(1, t).bind(2, d.number).bind(3, static_cast<std::int64_t>(i)).bind(4, d.agents[i]);
    if (s.step() != SQLITE_DONE) {
      const int code = extended_code(cache.db());
      if (code == SQLITE_CONSTRAINT_FOREIGNKEY) {
        return Error{"put number '" + d.number + "': '" + d.agents[i] +
                     "' is not an agent of this tenant"};
      }
      if (code == SQLITE_CONSTRAINT_UNIQUE) {
        return Error{"put number '" + d.number + "': agent '" + d.agents[i] + "' listed twice"};
      }
      return s.error("put number '" + d.number + "'");
    }
  }
  return sp.release();
}

Result<std::vector<Did>> dids(StatementCache& cache, TenantId t, const std::string* only_number) {
  std::vector<Did> out;
  {
    Statement s(cache, only_number != nullptr
                           ? "SELECT number, line_skill, record, queue, menu FROM dids WHERE "
                             "tenant_id = ?1 AND number = ?2"
                           : "SELECT number, line_skill, record, queue, menu FROM dids WHERE "
                             "tenant_id = ?1 ORDER BY number");
    s.bind(1, t);
    if (only_number != nullptr) s.bind(2, *only_number);
    int rc;
    while ((rc = s.step()) == SQLITE_ROW) {
      Did d;
      d.number = s.text(0);
      d.line_skill = s.text(1);
      d.record = s.int64(2) != 0;
      d.queue = s.text(3);
      d.menu = s.text(4);
      out.push_back(std::move(d));
    }
    if (rc != SQLITE_DONE) return s.error("list numbers");
  }
  // Ordered by number like the list above: one merging pass.
  Statement s(cache, only_number != nullptr
                         ? "SELECT number, agent FROM did_agents WHERE tenant_id = ?1 "
                           "AND number = ?2 ORDER BY position"
                         : "SELECT number, agent FROM did_agents WHERE tenant_id = ?1 "
                           "ORDER BY number, position");
  s.bind(1, t);
  if (only_number != nullptr) s.bind(2, *only_number);
  std::size_t i = 0;
  int rc;
  while ((rc = s.step()) == SQLITE_ROW) {
    const std::string number = s.text(0);
    while (i < out.size() && out[i].number < number) ++i;
    if (i < out.size() && out[i].number == number) out[i].agents.push_back(s.text(1));
  }
  if (rc != SQLITE_DONE) return s.error("list number agents");
  return out;
}

Status delete_did(StatementCache& cache, TenantId t, const std::string& number) {
  Statement s(cache, "DELETE FROM dids WHERE tenant_id = ?1 AND number = ?2");
  s.bind(1, t).bind(2, number);
  if (s.step() != SQLITE_DONE) return s.error("delete number '" + number + "'");
  return Status::Ok();
}

// ---- call detail records --------------------------------------------------

Result<std::int64_t> add_cdr(StatementCache& cache, TenantId t, const Cdr& c) {
  // The per-tenant sequence is MAX(id) + 1: a seek on the primary key, and
  // race-free because the store's mutex serialises writers.
  Statement s(cache,
              "INSERT INTO cdrs (tenant_id, id, call_id, caller, did, agent, trunk, "
              "started_at_ms, answered_at_ms, ended_at_ms, outcome, cause_code, cause_text, "
              "caller_packets, caller_lost, caller_jitter_ms, caller_mos, "
              "agent_packets, agent_lost, agent_jitter_ms, agent_mos) VALUES (?1, "
              "(SELECT COALESCE(MAX(id), 0) + 1 FROM cdrs WHERE tenant_id = ?1), "
              "?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, "
              "?19, ?20) RETURNING id");
  s.bind(1, t).bind(2, c.call_id).bind(3, c.caller).bind(4, c.did).bind(5, c.agent);
  s.bind(6, c.trunk).bind(7, c.started_at_ms).bind(8, c.answered_at_ms).bind(9, c.ended_at_ms);
  s.bind(10, std::string(to_string(c.outcome))).bind(11, static_cast<std::int64_t>(c.cause_code));
  s.bind(12, c.cause_text);
  s.bind(13, static_cast<std::int64_t>(c.caller_leg.packets));
  s.bind(14, static_cast<std::int64_t>(c.caller_leg.lost));
  s.bind_real(15, c.caller_leg.jitter_ms).bind_real(16, c.caller_leg.mos);
  s.bind(17, static_cast<std::int64_t>(c.agent_leg.packets));
  s.bind(18, static_cast<std::int64_t>(c.agent_leg.lost));
  s.bind_real(19, c.agent_leg.jitter_ms).bind_real(20, c.agent_leg.mos);
  if (s.step() != SQLITE_ROW) return s.error("add CDR for call '" + c.call_id + "'");
  const std::int64_t id = s.int64(0);
  if (s.step() != SQLITE_DONE) return s.error("add CDR for call '" + c.call_id + "'");
  return id;
}

Result<std::vector<Cdr>> cdrs(StatementCache& cache, TenantId t, std::size_t limit,
                              std::int64_t since_ms) {
  Statement s(cache,
              "SELECT id, call_id, caller, did, agent, trunk, started_at_ms, answered_at_ms, "
              "ended_at_ms, outcome, cause_code, cause_text, caller_packets, caller_lost, "
              "caller_jitter_ms, caller_mos, agent_packets, agent_lost, agent_jitter_ms, "
              "agent_mos FROM cdrs WHERE tenant_id = ?1 AND started_at_ms >= ?2 "
              "ORDER BY started_at_ms DESC, id DESC LIMIT ?3");
  s.bind(1, t).bind(2, since_ms).bind(3, static_cast<std::int64_t>(limit));
  std::vector<Cdr> out;
  int rc;
  while ((rc = s.step()) == SQLITE_ROW) {
    Cdr c;
    c.id = s.int64(0);
    c.call_id = s.text(1);
    c.caller = s.text(2);
    c.did = s.text(3);
    c.agent = s.text(4);
    c.trunk = s.text(5);
    c.started_at_ms = s.int64(6);
    c.answered_at_ms = s.int64(7);
    c.ended_at_ms = s.int64(8);
    const auto outcome = parse_cdr_outcome(s.text(9));
    if (!outcome) return Error{"list CDRs: unknown outcome '" + s.text(9) + "'"};
    c.outcome = *outcome;
    c.cause_code = static_cast<int>(s.int64(10));
    c.cause_text = s.text(11);
    c.caller_leg = {static_cast<std::uint64_t>(s.int64(12)),
                    static_cast<std::uint64_t>(s.int64(13)), s.real(14), s.real(15)};
    c.agent_leg = {static_cast<std::uint64_t>(s.int64(16)), static_cast<std::uint64_t>(s.int64(17)),
                   s.real(18), s.real(19)};
    out.push_back(std::move(c));
  }
  if (rc != SQLITE_DONE) return s.error("list CDRs");
  return std::vector<Cdr>(out.rbegin(), out.rend());
}

}  // namespace trunkline::store::records
