#include "control/store/migrations.h"

namespace trunkline::store {

namespace {

// Tenant-owned tables carry tenant_id NOT NULL REFERENCES tenants, and their
// primary key starts with tenant_id so every lookup is a tenant-prefixed seek.
constexpr Migration kMigrations[] = {
    {1, "tenants",
     R"sql(
CREATE TABLE tenants (
  id         INTEGER PRIMARY KEY,
  name       TEXT NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 128),
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
)sql"},
    {2, "appliance and tenant settings",
     R"sql(
CREATE TABLE appliance_settings (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
CREATE TABLE tenant_settings (
  tenant_id INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  key       TEXT NOT NULL CHECK (length(key) BETWEEN 1 AND 256),
  value     TEXT NOT NULL,
  PRIMARY KEY (tenant_id, key)
) WITHOUT ROWID;
)sql"},
};

}  // namespace

std::span<const Migration> migrations() { return kMigrations; }

}  // namespace trunkline::store
