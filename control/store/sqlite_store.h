// SQLite implementation of the store: WAL mode, foreign keys on, numbered
// migrations applied at open.
//
// Thread safety: one SqliteStore may be called from several threads at once
// (control shards write CDRs concurrently). One recursive mutex inside
// serialises every call, of the store and of its tenant scopes, and is held
// for the whole of a transaction(). A TenantStore it returns must not outlive
// it.
#pragma once

#include <memory>
#include <mutex>
#include <span>
#include <string>

#include "control/store/migrations.h"
#include "control/store/store.h"

struct sqlite3;

namespace trunkline::store {

class StatementCache;

class SqliteStore final : public Store {
 public:
  // Opens (creating if needed) and migrates to the latest schema. Refuses a
  // database whose schema is newer than this binary knows.
  static Result<std::unique_ptr<SqliteStore>> open(const std::string& path);
  // Same, with a given migration list (tests use it to prove rollback).
  static Result<std::unique_ptr<SqliteStore>> open_with(const std::string& path,
                                                        std::span<const Migration> list);
  ~SqliteStore() override;
  SqliteStore(const SqliteStore&) = delete;
  SqliteStore& operator=(const SqliteStore&) = delete;

  int schema_version() override;
  Status set_appliance_setting(const std::string& key, const std::string& value) override;
  Result<std::optional<std::string>> appliance_setting(const std::string& key) override;
  Result<TenantId> create_tenant(const std::string& name) override;
  Result<std::vector<Tenant>> tenants() override;
  Result<std::unique_ptr<TenantStore>> tenant(TenantId id) override;
  Result<TenantId> create_tenant(const std::string& name, const std::string& sip_domain) override;
  Status set_sip_domain(TenantId id, const std::string& sip_domain) override;
  Result<std::optional<Tenant>> tenant_by_name(const std::string& name) override;
  Result<std::optional<TenantId>> did_owner(const std::string& number) override;
  Status transaction(const std::function<Status()>& body) override;

  // Runs `body` on the connection's statement cache under the store's mutex
  // (inside the current transaction() when called from its body). For the
  // store's other SQLite modules: recording_index.cc, audit_log.cc.
  Status with_connection(const std::function<Status(StatementCache&)>& body);

  // "wal", "delete", ...: for tests and `trunkline stats`.
  std::string journal_mode();

 private:
  explicit SqliteStore(sqlite3* db);  // in the .cc, where StatementCache is complete
  Status migrate(std::span<const Migration> list);

  sqlite3* db_;
  std::recursive_mutex mu_;
  std::unique_ptr<StatementCache> cache_;  // guarded by mu_
};

}  // namespace trunkline::store
