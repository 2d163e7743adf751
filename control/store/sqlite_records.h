// The SQL behind a tenant's trunks, agents, numbers and CDRs (migration 3).
// Internal to the store: SqliteTenantStore calls these with its own tenant ID
// while holding the store's mutex, so every query here is tenant-scoped. The
// statements come from the connection's cache.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"
#include "control/store/sqlite_util.h"
#include "control/store/store.h"

namespace trunkline::store::records {

Status put_trunk(StatementCache& cache, TenantId t, const Trunk& trunk);
Result<std::vector<Trunk>> trunks(StatementCache& cache, TenantId t);
Status delete_trunk(StatementCache& cache, TenantId t, const std::string& name);

Status put_agent(StatementCache& cache, TenantId t, const Agent& agent);
Result<std::vector<Agent>> agents(StatementCache& cache, TenantId t, const std::string* only_name);
Status delete_agent(StatementCache& cache, TenantId t, const std::string& name);

Status put_did(StatementCache& cache, TenantId t, const Did& did);
Result<std::vector<Did>> dids(StatementCache& cache, TenantId t, const std::string* only_number);
Status delete_did(StatementCache& cache, TenantId t, const std::string& number);

Result<std::int64_t> add_cdr(StatementCache& cache, TenantId t, const Cdr& cdr);
Result<std::vector<Cdr>> cdrs(StatementCache& cache, TenantId t, std::size_t limit,
                              std::int64_t since_ms);

}  // namespace trunkline::store::records
