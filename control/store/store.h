// The store: config and records behind one interface. SQLite is the embedded
// default (sqlite_store.h); a shared PostgreSQL store can implement the same
// interface later.
//
// Every table that belongs to a tenant is keyed by tenant_id, and the only way
// to reach such a table is through a TenantStore obtained for one tenant: its
// queries all carry that tenant's ID, so a request in tenant A's name cannot
// read, list, count or change tenant B's rows.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/result.h"

namespace trunkline::store {

using TenantId = std::int64_t;

struct Tenant {
  TenantId id = 0;
  std::string name;
  std::string created_at;  // UTC, ISO 8601
};

// Data of one tenant; every method is scoped to that tenant.
class TenantStore {
 public:
  virtual ~TenantStore() = default;
  virtual TenantId tenant_id() const = 0;
  virtual Status set_setting(const std::string& key, const std::string& value) = 0;
  virtual Result<std::optional<std::string>> setting(const std::string& key) = 0;
  virtual Result<std::vector<std::pair<std::string, std::string>>> settings() = 0;
  virtual Status delete_setting(const std::string& key) = 0;
};

class Store {
 public:
  virtual ~Store() = default;
  // Highest migration applied.
  virtual int schema_version() = 0;

  // Appliance-level settings (not owned by any tenant).
  virtual Status set_appliance_setting(const std::string& key, const std::string& value) = 0;
  virtual Result<std::optional<std::string>> appliance_setting(const std::string& key) = 0;

  // Tenants. Names are unique; an unknown tenant is an error naming its ID.
  virtual Result<TenantId> create_tenant(const std::string& name) = 0;
  virtual Result<std::vector<Tenant>> tenants() = 0;
  virtual Result<std::unique_ptr<TenantStore>> tenant(TenantId id) = 0;
};

}  // namespace trunkline::store
