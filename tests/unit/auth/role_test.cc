// Roles, the role table, and authorize(): the whole cross-tenant matrix is
// refused, own-tenant access follows the table exactly, and the system
// administrator is kept away from recording content.
#include "control/auth/role.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace trunkline::auth {
namespace {

constexpr TenantId kA = 1;
constexpr TenantId kB = 2;

Principal in_tenant(Role role, TenantId t) { return {"u", role, t}; }
Principal system_admin() { return {"root", Role::kSystemAdmin, std::nullopt}; }

TEST(Role, NamesRoundTripAndUnknownNamesAreRefused) {
  std::set<std::string_view> names;
  for (Role r : kAllRoles) {
    names.insert(role_name(r));
    auto parsed = parse_role(role_name(r));
    ASSERT_TRUE(parsed.ok()) << role_name(r);
    EXPECT_EQ(*parsed, r);
  }
  EXPECT_EQ(names.size(), kAllRoles.size());
  auto bad = parse_role("Agent");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("unknown role 'Agent'"), std::string::npos);
  EXPECT_FALSE(parse_role("").ok());
}

TEST(Role, PasswordCeilingIs20ForAgentsAnd64ForAdministratorRoles) {
  for (Role r : kAllRoles) {
    EXPECT_EQ(password_length_ceiling(r), r == Role::kAgent ? 20u : 64u) << role_name(r);
    EXPECT_EQ(is_administrator_role(r), r != Role::kAgent) << role_name(r);
  }
}

TEST(Role, MfaRequiredForSystemAdminTenantAdminAndCompliance) {
  std::set<Role> mfa;
  for (Role r : kAllRoles)
    if (requires_mfa(r)) mfa.insert(r);
  EXPECT_EQ(mfa,
            (std::set<Role>{Role::kSystemAdmin, Role::kTenantAdmin, Role::kComplianceOfficer}));
}

TEST(RoleAuthorize, EveryRoleOfTenantAIsRefusedEveryActionOnTenantB) {
  for (Role r : kAllRoles) {
    if (!is_tenant_scoped(r)) continue;
    for (Action a : kAllActions) {
      Status s = authorize(in_tenant(r, kA), a, kB);
      EXPECT_FALSE(s.ok()) << role_name(r) << " " << action_name(a);
    }
  }
}

TEST(RoleAuthorize, TenantScopedRolesAreRefusedEveryApplianceWideAction) {
  for (Role r : kAllRoles) {
    if (!is_tenant_scoped(r)) continue;
    for (Action a : kAllActions)
      EXPECT_FALSE(authorize(in_tenant(r, kA), a, std::nullopt).ok())
          << role_name(r) << " " << action_name(a);
  }
}

TEST(RoleAuthorize, OwnTenantFollowsTheTableExactly) {
  for (Role r : kAllRoles) {
    if (!is_tenant_scoped(r)) continue;
    for (Action a : kAllActions) {
      const bool expected = role_allows(r, a) && action_scope(a) != ActionScope::kAppliance;
      EXPECT_EQ(authorize(in_tenant(r, kA), a, kA).ok(), expected)
          << role_name(r) << " " << action_name(a);
    }
  }
}

TEST(RoleAuthorize, TheTableItself) {
  const auto allowed = [](Role r) {
    std::set<Action> out;
    for (Action a : kAllActions)
      if (role_allows(r, a)) out.insert(a);
    return out;
  };
  using A = Action;
  EXPECT_EQ(allowed(Role::kSystemAdmin),
            (std::set<Action>{A::kManageTenants, A::kAdministerTenant, A::kRecordingVerify,
                              A::kAuditRead, A::kOpsHealth, A::kOpsMetrics, A::kOpsReload}));
  EXPECT_EQ(allowed(Role::kTenantAdmin),
            (std::set<Action>{A::kAdministerTenant, A::kSuperviseStatus, A::kOpsMetrics}));
  EXPECT_EQ(allowed(Role::kSupervisor),
            (std::set<Action>{A::kSuperviseStatus, A::kAgentSelfService}));
  EXPECT_EQ(allowed(Role::kAgent), (std::set<Action>{A::kAgentSelfService}));
  EXPECT_EQ(allowed(Role::kComplianceOfficer),
            (std::set<Action>{A::kRecordingSearch, A::kRecordingExport, A::kRecordingVerify,
                              A::kRecordingHold, A::kRecordingErase}));
  EXPECT_EQ(allowed(Role::kAuditor), (std::set<Action>{A::kAuditRead}));
}

TEST(RoleAuthorize, SystemAdminAdministersAnyTenantButNeverSeesRecordingContent) {
  for (TenantId t : {kA, kB}) {
    EXPECT_TRUE(authorize(system_admin(), Action::kAdministerTenant, t).ok());
    EXPECT_TRUE(authorize(system_admin(), Action::kRecordingVerify, t).ok());
    EXPECT_TRUE(authorize(system_admin(), Action::kAuditRead, t).ok());
    for (Action a : {Action::kRecordingSearch, Action::kRecordingExport, Action::kRecordingHold,
                     Action::kRecordingErase}) {
      Status s = authorize(system_admin(), a, t);
      ASSERT_FALSE(s.ok()) << action_name(a);
      EXPECT_EQ(s.error().message,
                "user 'root' (system_admin) may not perform " + std::string(action_name(a)));
    }
  }
}

TEST(RoleAuthorize, ScopeOfTheActionDecidesTheTarget) {
  EXPECT_TRUE(authorize(system_admin(), Action::kManageTenants, std::nullopt).ok());
  EXPECT_TRUE(authorize(system_admin(), Action::kOpsReload, std::nullopt).ok());
  EXPECT_TRUE(authorize(system_admin(), Action::kAuditRead, std::nullopt).ok());
  Status s = authorize(system_admin(), Action::kOpsReload, kA);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().message, "ops_reload applies to the appliance, not to tenant 1");
  s = authorize(system_admin(), Action::kAdministerTenant, std::nullopt);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().message, "administer_tenant needs a target tenant");
}

TEST(RoleAuthorize, CrossTenantRefusalNamesBothTenants) {
  Status s = authorize({"alice", Role::kTenantAdmin, kA}, Action::kAdministerTenant, kB);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().message, "user 'alice' (tenant_admin) of tenant 1 may not act on tenant 2");
}

TEST(RoleAuthorize, AuditorReadsOnlyTheAuditOfItsTenant) {
  for (Action a : kAllActions)
    EXPECT_EQ(authorize(in_tenant(Role::kAuditor, kA), a, kA).ok(), a == Action::kAuditRead)
        << action_name(a);
}

TEST(RoleAuthorize, MalformedPrincipalsAreRefused) {
  // A tenant role without a tenant would otherwise look like the system
  // administrator's appliance-wide scope.
  Status s = authorize({"x", Role::kTenantAdmin, std::nullopt}, Action::kOpsMetrics, std::nullopt);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().message, "user 'x' (tenant_admin) belongs to no tenant");
  s = authorize({"root", Role::kSystemAdmin, kA}, Action::kAdministerTenant, kA);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().message, "user 'root' (system_admin) must not belong to a tenant");
}

}  // namespace
}  // namespace trunkline::auth
