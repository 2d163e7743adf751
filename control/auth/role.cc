#include "control/auth/role.h"

namespace trunkline::auth {
namespace {

using A = Action;

// One row per role; docs/security.md prints the same table.
bool table(Role role, Action action) {
  switch (role) {
    case Role::kSystemAdmin:
      return action == A::kManageTenants || action == A::kAdministerTenant ||
             action == A::kRecordingVerify || action == A::kAuditRead || action == A::kOpsHealth ||
             action == A::kOpsMetrics || action == A::kOpsReload;
    case Role::kTenantAdmin:
      return action == A::kAdministerTenant || action == A::kSuperviseStatus ||
             action == A::kOpsMetrics;
    case Role::kSupervisor:
      return action == A::kSuperviseStatus || action == A::kAgentSelfService;
    case Role::kAgent:
      return action == A::kAgentSelfService;
    case Role::kComplianceOfficer:
      return action == A::kRecordingSearch || action == A::kRecordingExport ||
             action == A::kRecordingVerify || action == A::kRecordingHold ||
             action == A::kRecordingErase;
    case Role::kAuditor:
      return action == A::kAuditRead;
  }
  return false;
}

std::string tenant_text(std::optional<TenantId> t) {
  return t ? "tenant " + std::to_string(*t) : std::string("the appliance");
}

}  // namespace

std::string_view role_name(Role role) {
  switch (role) {
    case Role::kSystemAdmin:
      return "system_admin";
    case Role::kTenantAdmin:
      return "tenant_admin";
    case Role::kSupervisor:
      return "supervisor";
    case Role::kAgent:
      return "agent";
    case Role::kComplianceOfficer:
      return "compliance_officer";
    case Role::kAuditor:
      return "auditor";
  }
  return "unknown";
}

Result<Role> parse_role(std::string_view name) {
  for (Role r : kAllRoles)
    if (role_name(r) == name) return r;
  return Error{"unknown role '" + std::string(name) +
               "' (expected system_admin, tenant_admin, supervisor, agent, compliance_officer "
               "or auditor)"};
}

bool is_administrator_role(Role role) { return role != Role::kAgent; }

std::size_t password_length_ceiling(Role role) { return is_administrator_role(role) ? 64 : 20; }

bool requires_mfa(Role role) {
  return role == Role::kSystemAdmin || role == Role::kTenantAdmin ||
         role == Role::kComplianceOfficer;
}

bool is_tenant_scoped(Role role) { return role != Role::kSystemAdmin; }

std::string_view action_name(Action action) {
  switch (action) {
    case A::kManageTenants:
      return "manage_tenants";
    case A::kAdministerTenant:
      return "administer_tenant";
    case A::kAgentSelfService:
      return "agent_self_service";
    case A::kSuperviseStatus:
      return "supervise_status";
    case A::kRecordingSearch:
      return "recording_search";
    case A::kRecordingExport:
      return "recording_export";
    case A::kRecordingVerify:
      return "recording_verify";
    case A::kRecordingHold:
      return "recording_hold";
    case A::kRecordingErase:
      return "recording_erase";
    case A::kAuditRead:
      return "audit_read";
    case A::kOpsHealth:
      return "ops_health";
    case A::kOpsMetrics:
      return "ops_metrics";
    case A::kOpsReload:
      return "ops_reload";
  }
  return "unknown";
}

ActionScope action_scope(Action action) {
  switch (action) {
    case A::kManageTenants:
    case A::kOpsHealth:
    case A::kOpsReload:
      return ActionScope::kAppliance;
    case A::kAuditRead:
    case A::kOpsMetrics:
      return ActionScope::kEither;
    default:
      return ActionScope::kTenant;
  }
}

bool role_allows(Role role, Action action) { return table(role, action); }

Status authorize(const Principal& p, Action action, std::optional<TenantId> target) {
  const std::string who = "user '" + p.user + "' (" + std::string(role_name(p.role)) + ")";
  // A malformed principal is refused outright rather than guessed at.
  if (is_tenant_scoped(p.role) != p.tenant.has_value())
    return Error{who + (p.tenant ? " must not belong to a tenant" : " belongs to no tenant")};
  if (!table(p.role, action))
    return Error{who + " may not perform " + std::string(action_name(action))};

  const ActionScope scope = action_scope(action);
  if (scope == ActionScope::kTenant && !target)
    return Error{std::string(action_name(action)) + " needs a target tenant"};
  if (scope == ActionScope::kAppliance && target)
    return Error{std::string(action_name(action)) + " applies to the appliance, not to " +
                 tenant_text(target)};
  if (p.tenant && target != p.tenant)
    return Error{who + " of tenant " + std::to_string(*p.tenant) + " may not act on " +
                 tenant_text(target)};
  return Status::Ok();
}

}  // namespace trunkline::auth
