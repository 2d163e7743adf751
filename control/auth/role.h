// Roles, the actions the control API performs, and authorize(): the one
// place that decides whether a principal may perform an action on a tenant.
// Every API request passes through authorize() before it reaches the store,
// whose TenantStore then scopes the queries to the tenant authorized here.
//
// The decision has two parts, both required:
//   1. the role's table allows the action (kAllowed below, documented in
//      docs/security.md);
//   2. the target is in the principal's scope: a tenant-scoped principal
//      (every role but the system administrator) acts only on its own
//      tenant, never on another and never appliance-wide; the system
//      administrator has no tenant and acts on any tenant or on the
//      appliance, as the action's scope demands.
// The system administrator administers tenants and runs the appliance but
// is refused recording content (search, export) and the compliance
// decisions (legal hold, erasure): those belong to each tenant's compliance
// officers. It may verify recordings, which checks integrity and reveals no
// content.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"

namespace trunkline::auth {

// Same type as store::TenantId; control/auth does not depend on the store.
using TenantId = std::int64_t;

enum class Role : std::uint8_t {
  kSystemAdmin,
  kTenantAdmin,
  kSupervisor,
  kAgent,
  kComplianceOfficer,
  kAuditor,
};
inline constexpr std::array<Role, 6> kAllRoles = {Role::kSystemAdmin,       Role::kTenantAdmin,
                                                  Role::kSupervisor,        Role::kAgent,
                                                  Role::kComplianceOfficer, Role::kAuditor};

// "system_admin", "tenant_admin", "supervisor", "agent",
// "compliance_officer", "auditor".
std::string_view role_name(Role role);
Result<Role> parse_role(std::string_view name);

// Roles that use the administrator tools: every role but the agent. Their
// passwords may be up to 64 characters; agents' up to 20 (the original's
// limits for its two clients).
bool is_administrator_role(Role role);
// 64 for administrator roles, 20 for agents.
std::size_t password_length_ceiling(Role role);
// Administrator functions need a second factor: system administrator,
// tenant administrator and compliance officer.
bool requires_mfa(Role role);
// Every role but the system administrator belongs to exactly one tenant.
bool is_tenant_scoped(Role role);

enum class Action : std::uint8_t {
  // Appliance: create, rename and delete tenants.
  kManageTenants,
  // A tenant's objects: numbers, skills, queues, agents, users, roles,
  // password policy, trunks; unlocking accounts.
  kAdministerTenant,
  // An agent's own state: ready/not ready, own call history.
  kAgentSelfService,
  // The status board: agents' and queues' live state.
  kSuperviseStatus,
  kRecordingSearch,
  kRecordingExport,
  kRecordingVerify,
  kRecordingHold,
  kRecordingErase,
  kAuditRead,
  kOpsHealth,
  kOpsMetrics,
  kOpsReload,
};
inline constexpr std::array<Action, 13> kAllActions = {
    Action::kManageTenants,   Action::kAdministerTenant, Action::kAgentSelfService,
    Action::kSuperviseStatus, Action::kRecordingSearch,  Action::kRecordingExport,
    Action::kRecordingVerify, Action::kRecordingHold,    Action::kRecordingErase,
    Action::kAuditRead,       Action::kOpsHealth,        Action::kOpsMetrics,
    Action::kOpsReload};

std::string_view action_name(Action action);

// Where an action applies: to one tenant, to the appliance as a whole, or
// either (audit entries and metrics exist at both levels).
enum class ActionScope : std::uint8_t { kTenant, kAppliance, kEither };
ActionScope action_scope(Action action);

// The role's table, without regard to tenants.
bool role_allows(Role role, Action action);

struct Principal {
  std::string user;
  Role role = Role::kAgent;
  // Empty only for the system administrator.
  std::optional<TenantId> tenant;
};

// Ok, or an error saying why not (for the audit log and a 403 body). The
// target is a tenant, or empty for the appliance itself.
Status authorize(const Principal& principal, Action action, std::optional<TenantId> target);

}  // namespace trunkline::auth
