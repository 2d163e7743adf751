#include "control/api/account_repository.h"

#include <sqlite3.h>

#include "control/auth/encoding.h"
#include "control/store/sqlite_util.h"

namespace trunkline::api {
namespace {

using store::Statement;
using store::StatementCache;
using Seconds = std::chrono::sys_seconds;

// The scope as stored in the unique indexes: 0 for the appliance.
std::int64_t scope_key(Scope scope) { return scope.value_or(0); }

std::optional<Seconds> opt_time(const Statement& s, int col) {
  if (s.is_null(col)) return std::nullopt;
  return Seconds(std::chrono::seconds(s.int64(col)));
}
void bind_time(Statement& s, int i, const std::optional<Seconds>& t) {
  if (t)
    s.bind(i, static_cast<std::int64_t>(t->time_since_epoch().count()));
  else
    s.bind_null(i);
}

const char* algorithm_text(auth::TotpAlgorithm a) {
  switch (a) {
    case auth::TotpAlgorithm::kSha256:
      return "sha256";
    case auth::TotpAlgorithm::kSha512:
      return "sha512";
    case auth::TotpAlgorithm::kSha1:
      break;
  }
  return "sha1";
}
auth::TotpAlgorithm parse_algorithm(const std::string& t) {
  if (t == "sha256") return auth::TotpAlgorithm::kSha256;
  if (t == "sha512") return auth::TotpAlgorithm::kSha512;
  return auth::TotpAlgorithm::kSha1;
}

constexpr const char* kColumns =
    "id, tenant_id, name, role, password_hash, password_changed_at, must_change_password, "
    "failed_attempts, locked, locked_at, last_login_at, password_verified_at, totp_secret, "
    "totp_algorithm, totp_digits, totp_step_s, totp_last_step";

// What a sealed TOTP secret is bound to: the account it belongs to.
std::string totp_context(const auth::Principal& p) {
  return "totp/" + (p.tenant ? std::to_string(*p.tenant) : std::string("system")) + "/" + p.user;
}

struct Row {
  std::int64_t id = 0;
  auth::AccountRecord record;
};

Result<Row> row_of(const Statement& s, const auth::SecretSeal* seal) {
  Row r;
  r.id = s.int64(0);
  auth::AccountRecord& a = r.record;
  if (!s.is_null(1)) a.principal.tenant = s.int64(1);
  a.principal.user = s.text(2);
  auto role = auth::parse_role(s.text(3));
  if (!role) return Error{"account " + a.principal.user + ": " + role.error().message};
  a.principal.role = *role;
  a.password_hash = s.text(4);
  a.password_changed_at = Seconds(std::chrono::seconds(s.int64(5)));
  a.must_change_password = s.int64(6) != 0;
  a.failed_attempts = static_cast<std::uint32_t>(s.int64(7));
  a.locked = s.int64(8) != 0;
  a.locked_at = opt_time(s, 9);
  a.last_login_at = opt_time(s, 10);
  a.password_verified_at = opt_time(s, 11);
  if (!s.is_null(12)) {
    const std::string stored = s.text(12);
    Result<std::vector<std::uint8_t>> secret = Error{"no master key to open it with"};
    if (!auth::SecretSeal::is_sealed(stored)) {
      secret = auth::base32_decode(stored);  // written before secrets were sealed
    } else if (seal != nullptr) {
      secret = seal->open(stored, totp_context(a.principal));
    }
    if (!secret)
      return Error{"account " + a.principal.user +
                   ": stored totp secret unreadable: " + secret.error().message};
    auth::TotpState t;
    t.secret = std::move(*secret);
    t.params.algorithm = parse_algorithm(s.text(13));
    t.params.digits = static_cast<std::uint32_t>(s.int64(14));
    t.params.step_s = static_cast<std::uint32_t>(s.int64(15));
    if (!s.is_null(16)) t.last_accepted_step = static_cast<std::uint64_t>(s.int64(16));
    a.totp = std::move(t);
  }
  return r;
}

// Reads the child rows (previous hashes, recovery codes) of one account.
Status load_children(StatementCache& cache, Row& r) {
  Statement h(cache,
              "SELECT hash FROM account_previous_hashes WHERE account_id = ?1 ORDER BY position");
  h.bind(1, r.id);
  int rc;
  while ((rc = h.step()) == SQLITE_ROW) r.record.previous_hashes.push_back(h.text(0));
  if (rc != SQLITE_DONE) return h.error("read previous password hashes");
  Statement c(cache,
              "SELECT code_hash FROM account_recovery_codes WHERE account_id = ?1 "
              "ORDER BY code_hash");
  c.bind(1, r.id);
  std::vector<std::string> codes;
  while ((rc = c.step()) == SQLITE_ROW) codes.push_back(c.text(0));
  if (rc != SQLITE_DONE) return c.error("read recovery codes");
  r.record.recovery_codes = auth::RecoveryCodes(std::move(codes));
  return Status::Ok();
}

Status write_children(StatementCache& cache, std::int64_t id, const auth::AccountRecord& a) {
  for (const char* sql : {"DELETE FROM account_previous_hashes WHERE account_id = ?1",
                          "DELETE FROM account_recovery_codes WHERE account_id = ?1"}) {
    Statement d(cache, sql);
    d.bind(1, id);
    if (d.step() != SQLITE_DONE) return d.error("clear account details");
  }
  const std::size_t n = std::min<std::size_t>(a.previous_hashes.size(), 10);
  for (std::size_t i = 0; i < n; ++i) {
    Statement s(cache,
                "INSERT INTO account_previous_hashes (account_id, position, hash) "
                "VALUES (?1, ?2, ?3)");
    s.bind(1, id).bind(2, static_cast<std::int64_t>(i)).bind(3, a.previous_hashes[i]);
    if (s.step() != SQLITE_DONE) return s.error("store a previous password hash");
  }
  for (const std::string& h : a.recovery_codes.hashes()) {
    Statement s(cache,
                "INSERT INTO account_recovery_codes (account_id, code_hash) VALUES (?1, ?2)");
    s.bind(1, id).bind(2, h);
    if (s.step() != SQLITE_DONE) return s.error("store a recovery code");
  }
  return Status::Ok();
}

// Binds the mutable state columns as ?3..?15 (see the statements below).
void bind_state(Statement& s, const auth::AccountRecord& a, const auth::SecretSeal* seal) {
  s.bind(3, std::string(auth::role_name(a.principal.role)));
  s.bind(4, a.password_hash);
  s.bind(5, static_cast<std::int64_t>(a.password_changed_at.time_since_epoch().count()));
  s.bind(6, static_cast<std::int64_t>(a.must_change_password));
  s.bind(7, static_cast<std::int64_t>(a.failed_attempts));
  s.bind(8, static_cast<std::int64_t>(a.locked));
  bind_time(s, 9, a.locked_at);
  bind_time(s, 10, a.last_login_at);
  bind_time(s, 11, a.password_verified_at);
  if (a.totp) {
    s.bind(12, seal != nullptr ? seal->seal(a.totp->secret, totp_context(a.principal))
                               : auth::base32_encode(a.totp->secret));
    s.bind(13, std::string(algorithm_text(a.totp->params.algorithm)));
    s.bind(14, static_cast<std::int64_t>(a.totp->params.digits));
    s.bind(15, static_cast<std::int64_t>(a.totp->params.step_s));
    if (a.totp->last_accepted_step)
      s.bind(16, static_cast<std::int64_t>(*a.totp->last_accepted_step));
    else
      s.bind_null(16);
  } else {
    for (int i = 12; i <= 16; ++i) s.bind_null(i);
  }
}

// Runs body in a savepoint: all of it or nothing, nested in the caller's
// transaction when there is one.
Status atomically(StatementCache& cache, const std::function<Status()>& body) {
  if (Status s = store::exec(cache.db(), "SAVEPOINT tl_accounts", "begin"); !s) return s;
  Status st = body();
  if (!st) {
    (void)store::exec(cache.db(), "ROLLBACK TO tl_accounts; RELEASE tl_accounts", "rollback");
    return st;
  }
  return store::exec(cache.db(), "RELEASE tl_accounts", "commit");
}

}  // namespace

Result<std::optional<auth::AccountRecord>> AccountRepository::load(Scope scope,
                                                                   std::string_view name) {
  std::optional<auth::AccountRecord> out;
  Status st = store_.with_connection([&](StatementCache& cache) -> Status {
    Statement s(cache, (std::string("SELECT ") + kColumns +
                        " FROM accounts WHERE ifnull(tenant_id, 0) = ?1 AND name = ?2")
                           .c_str());
    s.bind(1, scope_key(scope)).bind(2, std::string(name));
    const int rc = s.step();
    if (rc == SQLITE_DONE) return Status::Ok();
    if (rc != SQLITE_ROW) return s.error("read account");
    auto r = row_of(s, seal_);
    if (!r) return r.error();
    if (Status c = load_children(cache, *r); !c) return c;
    out = std::move(r->record);
    return Status::Ok();
  });
  if (!st) return st.error();
  return out;
}

Status AccountRepository::insert(const auth::AccountRecord& a) {
  return store_.with_connection([&](StatementCache& cache) -> Status {
    return atomically(cache, [&]() -> Status {
      Statement s(cache,
                  "INSERT INTO accounts (tenant_id, name, role, password_hash, "
                  "password_changed_at, must_change_password, failed_attempts, locked, "
                  "locked_at, last_login_at, password_verified_at, totp_secret, totp_algorithm, "
                  "totp_digits, totp_step_s, totp_last_step, created_at) VALUES (?1, ?2, ?3, ?4, "
                  "?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?5)");
      if (a.principal.tenant)
        s.bind(1, *a.principal.tenant);
      else
        s.bind_null(1);
      s.bind(2, a.principal.user);
      bind_state(s, a, seal_);
      const int rc = s.step();
      if (rc == SQLITE_CONSTRAINT)
        return Error{"user '" + a.principal.user + "' already exists or is invalid (" +
                     sqlite3_errmsg(cache.db()) + ")"};
      if (rc != SQLITE_DONE) return s.error("add account");
      return write_children(cache, sqlite3_last_insert_rowid(cache.db()), a);
    });
  });
}

Status AccountRepository::save(const auth::AccountRecord& a) {
  return store_.with_connection([&](StatementCache& cache) -> Status {
    return atomically(cache, [&]() -> Status {
      Statement s(cache,
                  "UPDATE accounts SET role = ?3, password_hash = ?4, password_changed_at = ?5, "
                  "must_change_password = ?6, failed_attempts = ?7, locked = ?8, locked_at = ?9, "
                  "last_login_at = ?10, password_verified_at = ?11, totp_secret = ?12, "
                  "totp_algorithm = ?13, totp_digits = ?14, totp_step_s = ?15, "
                  "totp_last_step = ?16 WHERE ifnull(tenant_id, 0) = ?1 AND name = ?2 "
                  "RETURNING id");
      s.bind(1, scope_key(a.principal.tenant)).bind(2, a.principal.user);
      bind_state(s, a, seal_);
      const int rc = s.step();
      if (rc == SQLITE_DONE) return Error{"no such user: " + a.principal.user};
      if (rc != SQLITE_ROW) return s.error("update account");
      const std::int64_t id = s.int64(0);
      if (s.step() != SQLITE_DONE) return s.error("update account");
      return write_children(cache, id, a);
    });
  });
}

Result<std::vector<auth::AccountRecord>> AccountRepository::list(Scope scope) {
  std::vector<auth::AccountRecord> out;
  Status st = store_.with_connection([&](StatementCache& cache) -> Status {
    std::vector<Row> rows;
    {
      Statement s(cache, (std::string("SELECT ") + kColumns +
                          " FROM accounts WHERE ifnull(tenant_id, 0) = ?1 ORDER BY name")
                             .c_str());
      s.bind(1, scope_key(scope));
      int rc;
      while ((rc = s.step()) == SQLITE_ROW) {
        auto r = row_of(s, seal_);
        if (!r) return r.error();
        rows.push_back(std::move(*r));
      }
      if (rc != SQLITE_DONE) return s.error("list accounts");
    }
    for (Row& r : rows) {
      if (Status c = load_children(cache, r); !c) return c;
      out.push_back(std::move(r.record));
    }
    return Status::Ok();
  });
  if (!st) return st.error();
  return out;
}

Status AccountRepository::remove(Scope scope, std::string_view name) {
  return store_.with_connection([&](StatementCache& cache) -> Status {
    Statement s(cache, "DELETE FROM accounts WHERE ifnull(tenant_id, 0) = ?1 AND name = ?2");
    s.bind(1, scope_key(scope)).bind(2, std::string(name));
    if (s.step() != SQLITE_DONE) return s.error("remove account");
    if (sqlite3_changes(cache.db()) == 0) return Error{"no such user: " + std::string(name)};
    return Status::Ok();
  });
}

Result<auth::PasswordPolicy> AccountRepository::policy(Scope scope) {
  auth::PasswordPolicy p;
  Status st = store_.with_connection([&](StatementCache& cache) -> Status {
    Statement s(cache,
                "SELECT min_length, max_length_admin, max_length_agent, expiry_days, "
                "lock_after_failures, require_upper, require_lower, require_digit, "
                "require_symbol, history_generations, must_change_initial FROM password_policies "
                "WHERE ifnull(tenant_id, 0) = ?1");
    s.bind(1, scope_key(scope));
    const int rc = s.step();
    if (rc == SQLITE_DONE) return Status::Ok();
    if (rc != SQLITE_ROW) return s.error("read password policy");
    p.min_length = static_cast<std::size_t>(s.int64(0));
    p.max_length_admin = static_cast<std::size_t>(s.int64(1));
    p.max_length_agent = static_cast<std::size_t>(s.int64(2));
    p.expiry_days = static_cast<std::uint32_t>(s.int64(3));
    p.lock_after_failures = static_cast<std::uint32_t>(s.int64(4));
    p.require_upper = s.int64(5) != 0;
    p.require_lower = s.int64(6) != 0;
    p.require_digit = s.int64(7) != 0;
    p.require_symbol = s.int64(8) != 0;
    p.history_generations = static_cast<std::uint32_t>(s.int64(9));
    p.must_change_initial = s.int64(10) != 0;
    return Status::Ok();
  });
  if (!st) return st.error();
  return p;
}

Status AccountRepository::put_policy(Scope scope, const auth::PasswordPolicy& p) {
  if (Status v = auth::validate_policy(p); !v) return v;
  return store_.with_connection([&](StatementCache& cache) -> Status {
    return atomically(cache, [&]() -> Status {
      Statement d(cache, "DELETE FROM password_policies WHERE ifnull(tenant_id, 0) = ?1");
      d.bind(1, scope_key(scope));
      if (d.step() != SQLITE_DONE) return d.error("replace password policy");
      Statement s(
          cache,
          "INSERT INTO password_policies (tenant_id, min_length, max_length_admin, "
          "max_length_agent, expiry_days, lock_after_failures, require_upper, "
          "require_lower, require_digit, require_symbol, history_generations, "
          "must_change_initial) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)");
      if (scope)
        s.bind(1, *scope);
      else
        s.bind_null(1);
      s.bind(2, static_cast<std::int64_t>(p.min_length));
      s.bind(3, static_cast<std::int64_t>(p.max_length_admin));
      s.bind(4, static_cast<std::int64_t>(p.max_length_agent));
      s.bind(5, static_cast<std::int64_t>(p.expiry_days));
      s.bind(6, static_cast<std::int64_t>(p.lock_after_failures));
      s.bind(7, static_cast<std::int64_t>(p.require_upper));
      s.bind(8, static_cast<std::int64_t>(p.require_lower));
      s.bind(9, static_cast<std::int64_t>(p.require_digit));
      s.bind(10, static_cast<std::int64_t>(p.require_symbol));
      s.bind(11, static_cast<std::int64_t>(p.history_generations));
      s.bind(12, static_cast<std::int64_t>(p.must_change_initial));
      if (s.step() != SQLITE_DONE) return s.error("store password policy");
      return Status::Ok();
    });
  });
}

}  // namespace trunkline::api
