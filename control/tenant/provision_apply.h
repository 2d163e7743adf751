// Applies a provisioning plan to the store in one transaction: all of it or,
// on any refusal, nothing.
//
// The file is the full truth for each tenant it names: that tenant's trunks,
// agents and numbers missing from the file are removed, the others inserted
// or updated (by name, by number). Tenants the file does not name are left
// alone, but a number or a SIP domain one of them holds is refused. Applying
// the same file twice changes nothing the second time.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "common/result.h"
#include "control/store/store.h"
#include "control/tenant/provision_plan.h"

namespace trunkline::tenant {

struct ChangeCounts {
  std::size_t added = 0;
  std::size_t changed = 0;
  std::size_t removed = 0;
  std::size_t unchanged = 0;
};

struct TenantChanges {
  std::string name;
  std::string sip_domain;
  bool created = false;
  bool domain_changed = false;
  ChangeCounts trunks, agents, dids;
};

// One line per tenant: "acme: created, domain acme.example; trunks 1 added,
// 0 changed, 0 removed, 0 unchanged; agents ...; dids ...".
std::string summary_line(const TenantChanges& changes);

// Errors found against the store read like the plan's:
// "FILE:LINE:COL: key 'tenants[0].dids[3].number': number '+81...' belongs to
// tenant 'beta', which this file does not name".
Result<std::vector<TenantChanges>> apply_plan(store::Store& store, const ProvisionPlan& plan);

}  // namespace trunkline::tenant
