// Administration: tenants (appliance), a tenant's users, password policy,
// provisioning (numbers, trunks, agents) and reads of it, the account
// review report and the audit trail. Every handler works on call.scoped /
// call.tenant, which dispatch() authorized; none takes a tenant elsewhere.
#include <string>

#include "common/json_string.h"
#include "control/api/api_service.h"
#include "control/api/initial_password.h"
#include "control/tenant/provision_apply.h"
#include "control/tenant/provision_plan.h"

namespace trunkline::api {
namespace {

std::string opt_time(const std::optional<std::chrono::sys_seconds>& t) {
  return t ? std::to_string(t->time_since_epoch().count()) : std::string("null");
}

std::string account_json(const auth::AccountRecord& a, const auth::PasswordPolicy& policy,
                         std::chrono::sys_seconds now) {
  const auth::Account acc(a);
  return "{\"name\":" + json_quote(a.principal.user) +
         ",\"role\":" + json_quote(auth::role_name(a.principal.role)) +
         ",\"locked\":" + (a.locked ? "true" : "false") +
         ",\"failed_attempts\":" + std::to_string(a.failed_attempts) +
         ",\"must_change_password\":" + (a.must_change_password ? "true" : "false") +
         ",\"password_expired\":" + (acc.password_expired(policy, now) ? "true" : "false") +
         ",\"password_changed_at\":" +
         std::to_string(a.password_changed_at.time_since_epoch().count()) +
         ",\"last_login_at\":" + opt_time(a.last_login_at) +
         ",\"mfa_enrolled\":" + (a.totp ? "true" : "false") + "}";
}

Response users_list(ApiService& api, Call& call) {
  auto list = api.accounts().list(call.tenant);
  auto policy = api.accounts().policy(call.tenant);
  if (!list) return problem(503, "Store unavailable", list.error().message);
  if (!policy) return problem(503, "Store unavailable", policy.error().message);
  std::string out;
  for (const auto& a : *list) out += (out.empty() ? "" : ",") + account_json(a, *policy, api.now());
  return json_response("{\"users\":[" + out + "]}");
}

Response users_create(ApiService& api, Call& call) {
  Response err;
  auto body = body_object(call, &err);
  if (!body) return err;
  Fields f(*body);
  f.only({"name", "role"});
  const auto name = f.text("name", true);
  const auto role_text = f.text("role", true);
  if (f.failed()) return field_problem(f);
  auto role = auth::parse_role(*role_text);
  if (!role) return problem(400, "Invalid field", role.error().message, "role");
  if (!auth::is_tenant_scoped(*role))
    return problem(400, "Invalid field", "a tenant's user cannot be a system_admin", "role");
  if (name->empty() || name->size() > 64)
    return problem(400, "Invalid field", "name must be 1 to 64 characters", "name");
  call.target = "user " + *name;
  auto policy = api.accounts().policy(call.tenant);
  if (!policy) return problem(503, "Store unavailable", policy.error().message);
  const std::string initial = initial_password(*policy, *role);
  auto acc = auth::Account::create({*name, *role, call.tenant}, initial, *policy, api.now(),
                                   api.deps().accounts);
  if (!acc) return problem(400, "Account refused", acc.error().message, "name");
  if (Status s = api.commit(call, [&] { return api.accounts().insert(acc->record()); }); !s)
    return problem(409, "Conflict", s.error().message, "name");
  return json_response("{\"name\":" + json_quote(*name) + ",\"role\":" + json_quote(*role_text) +
                           ",\"initial_password\":" + json_quote(initial) + "}",
                       201);
}

// Loads {name} of the call's tenant, applies `change`, stores it with the
// audit entry, and ends the user's sessions when `revoke`.
template <typename F>
Response change_user(ApiService& api, Call& call, bool revoke, F change) {
  const std::string& name = call.params["name"];
  call.target = "user " + name;
  auto record = api.accounts().load(call.tenant, name);
  if (!record) return problem(503, "Store unavailable", record.error().message);
  if (!*record) return problem(404, "Not found", "no user '" + name + "' in this tenant", "name");
  auto policy = api.accounts().policy(call.tenant);
  if (!policy) return problem(503, "Store unavailable", policy.error().message);
  auth::Account acc(std::move(**record), api.deps().accounts);
  std::string extra;
  if (Status s = change(acc, *policy, &extra); !s)
    return problem(400, "Refused", s.error().message);
  if (Status s = api.commit(call, [&] { return api.accounts().save(acc.record()); }); !s)
    return problem(503, "Store unavailable", s.error().message);
  if (revoke) api.sessions().revoke_all(call.tenant, name);
  return json_response("{\"user\":" + account_json(acc.record(), *policy, api.now()) + extra + "}");
}

Response users_unlock(ApiService& api, Call& call) {
  return change_user(api, call, false,
                     [](auth::Account& a, const auth::PasswordPolicy&, std::string*) {
                       a.unlock();
                       return Status::Ok();
                     });
}

Response users_reset_password(ApiService& api, Call& call) {
  return change_user(api, call, true,
                     [&](auth::Account& a, const auth::PasswordPolicy& p, std::string* extra) {
                       const std::string pw = initial_password(p, a.record().principal.role);
                       if (Status s = a.set_password_by_admin(pw, p, api.now()); !s) return s;
                       *extra = ",\"initial_password\":" + json_quote(pw);
                       return Status::Ok();
                     });
}

Response users_reset_mfa(ApiService& api, Call& call) {
  return change_user(api, call, true,
                     [](auth::Account& a, const auth::PasswordPolicy&, std::string*) {
                       a.reset_mfa();
                       return Status::Ok();
                     });
}

Response users_delete(ApiService& api, Call& call) {
  const std::string& name = call.params["name"];
  call.target = "user " + name;
  if (Status s = api.commit(call, [&] { return api.accounts().remove(call.tenant, name); }); !s)
    return problem(404, "Not found", s.error().message, "name");
  api.sessions().revoke_all(call.tenant, name);
  return json_response("{\"deleted\":" + json_quote(name) + "}");
}

std::string policy_json(const auth::PasswordPolicy& p) {
  auto b = [](bool v) { return v ? "true" : "false"; };
  return "{\"min_length\":" + std::to_string(p.min_length) +
         ",\"max_length_admin\":" + std::to_string(p.max_length_admin) +
         ",\"max_length_agent\":" + std::to_string(p.max_length_agent) +
         ",\"expiry_days\":" + std::to_string(p.expiry_days) +
         ",\"lock_after_failures\":" + std::to_string(p.lock_after_failures) +
         ",\"require_upper\":" + b(p.require_upper) + ",\"require_lower\":" + b(p.require_lower) +
         ",\"require_digit\":" + b(p.require_digit) + ",\"require_symbol\":" + b(p.require_symbol) +
         ",\"history_generations\":" + std::to_string(p.history_generations) +
         ",\"must_change_initial\":" + b(p.must_change_initial) + "}";
}

Response policy_get(ApiService& api, Call& call) {
  auto p = api.accounts().policy(call.tenant);
  if (!p) return problem(503, "Store unavailable", p.error().message);
  return json_response(policy_json(*p));
}

// PUT replaces the whole policy: every field is required, so a client
// cannot half-apply one by forgetting a field.
Response policy_put(ApiService& api, Call& call) {
  Response err;
  auto body = body_object(call, &err);
  if (!body) return err;
  Fields f(*body);
  f.only({"min_length", "max_length_admin", "max_length_agent", "expiry_days",
          "lock_after_failures", "require_upper", "require_lower", "require_digit",
          "require_symbol", "history_generations", "must_change_initial"});
  auth::PasswordPolicy p;
  auto num = [&](const char* n, auto* out) {
    if (auto v = f.integer(n, 0, 100000, true))
      *out = static_cast<std::remove_pointer_t<decltype(out)>>(*v);
  };
  auto flag = [&](const char* n, bool* out) {
    if (auto v = f.flag(n, true)) *out = *v;
  };
  num("min_length", &p.min_length);
  num("max_length_admin", &p.max_length_admin);
  num("max_length_agent", &p.max_length_agent);
  num("expiry_days", &p.expiry_days);
  num("lock_after_failures", &p.lock_after_failures);
  flag("require_upper", &p.require_upper);
  flag("require_lower", &p.require_lower);
  flag("require_digit", &p.require_digit);
  flag("require_symbol", &p.require_symbol);
  num("history_generations", &p.history_generations);
  flag("must_change_initial", &p.must_change_initial);
  if (f.failed()) return field_problem(f);
  if (Status v = auth::validate_policy(p); !v) {
    // The message names the policy field at fault; find which.
    const std::string& m = v.error().message;
    std::string field = "body";
    std::size_t best = std::string::npos;
    for (const char* n : {"min_length", "max_length_admin", "max_length_agent", "expiry_days",
                          "lock_after_failures", "history_generations"}) {
      const std::size_t at = m.find(n);
      if (at < best) best = at, field = n;
    }
    return problem(400, "Invalid field", m, field);
  }
  call.target = "password policy";
  if (Status s = api.commit(call, [&] { return api.accounts().put_policy(call.tenant, p); }); !s)
    return problem(503, "Store unavailable", s.error().message);
  return json_response(policy_json(p));
}

// The yearly review: every account of the tenant with role, last login,
// lock and expiry.
Response account_review(ApiService& api, Call& call) {
  auto list = api.accounts().list(call.tenant);
  auto policy = api.accounts().policy(call.tenant);
  if (!list) return problem(503, "Store unavailable", list.error().message);
  if (!policy) return problem(503, "Store unavailable", policy.error().message);
  std::string out;
  std::size_t locked = 0, expired = 0, never = 0;
  for (const auto& a : *list) {
    locked += a.locked;
    expired += auth::Account(a).password_expired(*policy, api.now());
    never += !a.last_login_at;
    out += (out.empty() ? "" : ",") + account_json(a, *policy, api.now());
  }
  return json_response(
      "{\"tenant\":" + std::to_string(*call.tenant) +
      ",\"generated_at\":" + std::to_string(api.now().time_since_epoch().count()) +
      ",\"accounts\":" + std::to_string(list->size()) + ",\"locked\":" + std::to_string(locked) +
      ",\"expired\":" + std::to_string(expired) + ",\"never_logged_in\":" + std::to_string(never) +
      ",\"entries\":[" + out + "]}");
}

Response audit_read(ApiService& api, Call& call) {
  audit::AuditLog log(api.store());
  auto entries = log.entries(call.tenant);
  if (!entries) return problem(503, "Store unavailable", entries.error().message);
  std::string out;
  for (const auto& e : *entries) {
    out += std::string(out.empty() ? "" : ",") + "{\"seq\":" + std::to_string(e.seq) +
           ",\"at_ms\":" + std::to_string(e.at_ms) + ",\"actor\":" + json_quote(e.actor) +
           ",\"role\":" + json_quote(e.role) + ",\"action\":" + json_quote(e.action) +
           ",\"target\":" + json_quote(e.target) + ",\"result\":" + json_quote(e.result) +
           ",\"source\":" + json_quote(e.source) + "}";
  }
  return json_response("{\"entries\":[" + out + "]}");
}

Response tenants_list(ApiService& api, Call&) {
  auto list = api.store().tenants();
  if (!list) return problem(503, "Store unavailable", list.error().message);
  std::string out;
  for (const auto& t : *list)
    out += std::string(out.empty() ? "" : ",") + "{\"id\":" + std::to_string(t.id) +
           ",\"name\":" + json_quote(t.name) + ",\"sip_domain\":" + json_quote(t.sip_domain) + "}";
  return json_response("{\"tenants\":[" + out + "]}");
}

Response tenants_create(ApiService& api, Call& call) {
  Response err;
  auto body = body_object(call, &err);
  if (!body) return err;
  Fields f(*body);
  f.only({"name"});
  const auto name = f.text("name", true);
  if (f.failed()) return field_problem(f);
  call.target = "tenant " + *name;
  std::int64_t id = 0;
  if (Status s = api.commit(call,
                            [&]() -> Status {
                              auto r = api.store().create_tenant(*name);
                              if (!r) return r.error();
                              id = *r;
                              return Status::Ok();
                            });
      !s)
    return problem(409, "Tenant refused", s.error().message, "name");
  return json_response("{\"id\":" + std::to_string(id) + ",\"name\":" + json_quote(*name) + "}",
                       201);
}

Response dids_list(ApiService&, Call& call) {
  auto list = call.scoped->dids();
  if (!list) return problem(503, "Store unavailable", list.error().message);
  std::string out;
  for (const auto& d : *list) {
    std::string agents;
    for (const auto& a : d.agents) agents += (agents.empty() ? "" : ",") + json_quote(a);
    out += std::string(out.empty() ? "" : ",") + "{\"number\":" + json_quote(d.number) +
           ",\"line_skill\":" + json_quote(d.line_skill) +
           ",\"record\":" + (d.record ? "true" : "false") + ",\"agents\":[" + agents + "]}";
  }
  return json_response("{\"dids\":[" + out + "]}");
}

Response trunks_list(ApiService&, Call& call) {
  auto list = call.scoped->trunks();
  if (!list) return problem(503, "Store unavailable", list.error().message);
  std::string out;
  for (const auto& t : *list) {
    std::string allow;
    for (const auto& a : t.allow) allow += (allow.empty() ? "" : ",") + json_quote(a);
    out += std::string(out.empty() ? "" : ",") + "{\"name\":" + json_quote(t.name) +
           ",\"transport\":" + json_quote(t.transport) + ",\"outbound\":" + json_quote(t.outbound) +
           ",\"allow\":[" + allow + "]}";
  }
  return json_response("{\"trunks\":[" + out + "]}");
}

// Agents without their digests: HA1 values are password equivalents.
Response agents_list(ApiService&, Call& call) {
  auto list = call.scoped->agents();
  if (!list) return problem(503, "Store unavailable", list.error().message);
  std::string out;
  for (const auto& a : *list) {
    std::string skills;
    for (const auto& [skill, level] : a.skills)
      skills += (skills.empty() ? "" : ",") + json_quote(skill) + ":" + std::to_string(level);
    std::string queues;
    for (const auto& q : a.queues) queues += (queues.empty() ? "" : ",") + json_quote(q);
    out += std::string(out.empty() ? "" : ",") + "{\"name\":" + json_quote(a.name) +
           ",\"display\":" + json_quote(a.display) + ",\"sip_user\":" + json_quote(a.sip_user) +
           ",\"srtp\":" + (a.srtp ? "true" : "false") + ",\"skills\":{" + skills +
           "},\"queues\":[" + queues + "]}";
  }
  return json_response("{\"agents\":[" + out + "]}");
}

// The tenant's whole provisioning as a `trunkline provision` TOML file with
// exactly this tenant: the same reader and applier validate it, in one
// transaction, so the API and the CLI accept exactly the same things.
Response provisioning_put(ApiService& api, Call& call) {
  call.target = "provisioning";
  auto plan = tenant::read_plan(call.req.body, "body");
  if (!plan) {
    const std::string& m = plan.error().message;
    const auto k = m.find("key '");
    const std::string field =
        k == std::string::npos ? "body" : m.substr(k + 5, m.find('\'', k + 5) - k - 5);
    return problem(400, "Invalid provisioning", m, field);
  }
  auto mine = api.store().tenant_by_name(plan->tenants.empty() ? "" : plan->tenants[0].name);
  if (!mine) return problem(503, "Store unavailable", mine.error().message);
  if (plan->tenants.size() != 1 || !*mine || (*mine)->id != *call.tenant)
    return problem(400, "Invalid provisioning",
                   "the file must name exactly one tenant: the one of the path (ID " +
                       std::to_string(*call.tenant) + ")",
                   "tenants");
  // apply_plan runs its own transaction: the intent is audited first, the
  // outcome after.
  if (Status s = api.audit(call, "requested"); !s)
    return problem(503, "Audit log unavailable", s.error().message);
  auto changes = tenant::apply_plan(api.store(), *plan);
  call.audited = false;
  if (!changes) return problem(409, "Provisioning refused", changes.error().message);
  std::string summary = changes->empty() ? "" : tenant::summary_line(changes->front());
  if (Status s = api.audit(call, "ok: " + summary); !s)
    return problem(503, "Audit log unavailable", s.error().message);
  return json_response("{\"applied\":true,\"summary\":" + json_quote(summary) + "}");
}

}  // namespace

std::vector<Route> admin_routes() {
  using A = Access;
  using Act = auth::Action;
  constexpr const char* kUser = "/api/v1/tenants/{tenant}/users/{name}";
  return {
      {"GET", "/api/v1/tenants", "tenants.list", A::kAuthorized, Act::kManageTenants, tenants_list},
      {"POST", "/api/v1/tenants", "tenants.create", A::kAuthorized, Act::kManageTenants,
       tenants_create},
      {"GET", "/api/v1/tenants/{tenant}/users", "users.list", A::kAuthorized,
       Act::kAdministerTenant, users_list},
      {"POST", "/api/v1/tenants/{tenant}/users", "users.create", A::kAuthorized,
       Act::kAdministerTenant, users_create},
      {"DELETE", kUser, "users.delete", A::kAuthorized, Act::kAdministerTenant, users_delete},
      {"POST", "/api/v1/tenants/{tenant}/users/{name}/unlock", "users.unlock", A::kAuthorized,
       Act::kAdministerTenant, users_unlock},
      {"POST", "/api/v1/tenants/{tenant}/users/{name}/password-reset", "users.password_reset",
       A::kAuthorized, Act::kAdministerTenant, users_reset_password},
      {"POST", "/api/v1/tenants/{tenant}/users/{name}/mfa-reset", "users.mfa_reset", A::kAuthorized,
       Act::kAdministerTenant, users_reset_mfa},
      {"GET", "/api/v1/tenants/{tenant}/password-policy", "policy.get", A::kAuthorized,
       Act::kAdministerTenant, policy_get},
      {"PUT", "/api/v1/tenants/{tenant}/password-policy", "policy.put", A::kAuthorized,
       Act::kAdministerTenant, policy_put},
      {"GET", "/api/v1/tenants/{tenant}/account-review", "accounts.review", A::kAuthorized,
       Act::kAuditRead, account_review},
      {"GET", "/api/v1/tenants/{tenant}/audit", "audit.read", A::kAuthorized, Act::kAuditRead,
       audit_read},
      {"GET", "/api/v1/tenants/{tenant}/dids", "dids.list", A::kAuthorized, Act::kAdministerTenant,
       dids_list},
      {"GET", "/api/v1/tenants/{tenant}/trunks", "trunks.list", A::kAuthorized,
       Act::kAdministerTenant, trunks_list},
      {"GET", "/api/v1/tenants/{tenant}/agents", "agents.list", A::kAuthorized,
       Act::kAdministerTenant, agents_list},
      {"PUT", "/api/v1/tenants/{tenant}/provisioning", "provisioning.put", A::kAuthorized,
       Act::kAdministerTenant, provisioning_put},
  };
}

}  // namespace trunkline::api
