// The control API's request path, independent of the transport:
//
//   route → authenticate (Bearer session) → session restriction →
//   authorize() with the target tenant → tenant scope → handler → audit
//
// dispatch() in api_service.cc is the ONE place every request passes
// through: it alone turns the path's tenant into a scope, asks
// auth::authorize() whether the principal may perform the route's action on
// it, and only then gives the handler a TenantStore of that tenant. Handlers
// never see a tenant ID they could choose themselves: the scope comes from
// the Call. Every request that names a user, refused or not, is written to
// the audit log before its answer leaves.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"
#include "control/acd/agent_desk.h"
#include "control/api/account_repository.h"
#include "control/api/http_types.h"
#include "control/api/json.h"
#include "control/api/recording_vault.h"
#include "control/audit/audit_log.h"
#include "control/auth/account.h"
#include "control/auth/role.h"
#include "control/auth/session.h"
#include "control/store/sqlite_store.h"

namespace trunkline::api {

struct ApiDeps {
  store::SqliteStore* store = nullptr;
  acd::AgentDesk* desk = nullptr;   // null: the ACD is not running (503)
  RecordingVault* vault = nullptr;  // null: no NAS to retrieve from (503)
  // `trunkline stats` in Prometheus text format.
  std::function<std::string()> metrics;
  // The SIGHUP reload; an error says what was refused.
  std::function<Status()> reload;
  // The planes' readiness as a JSON object {"dataplane":true,...}.
  std::function<std::string()> readiness;
  std::function<std::chrono::sys_seconds()> clock;
  auth::SessionOptions sessions;
  auth::AccountOptions accounts;
  std::string totp_issuer = "Trunkline";
  // Seals TOTP secrets in the store (null: stored unsealed). Outlives the service.
  const auth::SecretSeal* seal = nullptr;
};

class ApiService;

// One request on its way through dispatch().
struct Call {
  const Request& req;
  std::map<std::string, std::string> params;  // {name} parts of the path
  std::string query;                          // after '?', raw
  std::optional<auth::Principal> principal;
  std::string token;
  auth::SessionRestriction restriction = auth::SessionRestriction::kNone;
  Scope tenant;                                // authorized by dispatch()
  std::unique_ptr<store::TenantStore> scoped;  // the tenant's data, when tenant is set
  // For the audit entry: what the request acted on (default: the path) and
  // the actor when there is no session yet (a login's claimed user).
  std::string target;
  std::string claimed_user;
  const char* route_name = "";
  bool audited = false;
};

using Handler = Response (*)(ApiService&, Call&);

// Who may call a route.
enum class Access : std::uint8_t {
  kPublic,      // no session (login)
  kSession,     // any session, even a restricted one (logout, password, MFA)
  kAuthorized,  // a full session and authorize(principal, action, tenant)
};

struct Route {
  const char* method;
  const char* pattern;  // "/api/v1/tenants/{tenant}/users/{name}"
  const char* name;     // the audit action, e.g. "users.create"
  Access access;
  auth::Action action;  // for kAuthorized
  Handler handler;
};

class ApiService {
 public:
  explicit ApiService(ApiDeps deps);

  Response handle(const Request& req);

  // For handlers.
  store::SqliteStore& store() { return *deps_.store; }
  AccountRepository& accounts() { return accounts_; }
  auth::SessionTable& sessions() { return sessions_; }
  auth::SessionTable& mfa_tickets() { return mfa_tickets_; }
  const ApiDeps& deps() const { return deps_; }
  std::chrono::sys_seconds now() const { return deps_.clock(); }
  // Pending TOTP enrolments, by session token hash (see routes_auth.cc).
  std::map<std::string, auth::TotpState>& pending_totp() { return pending_totp_; }
  std::mutex& pending_mu() { return pending_mu_; }

  // Runs `writes` and the request's audit entry ("ok") in one transaction:
  // both or neither are durable when it returns.
  Status commit(Call& call, const std::function<Status()>& writes);
  // Appends the request's audit entry with this result (once per call).
  Status audit(Call& call, const std::string& result);

 private:
  Response dispatch(Call& call, const Route& route);

  ApiDeps deps_;
  AccountRepository accounts_;
  audit::AuditLog audit_log_;
  auth::SessionTable sessions_;
  // Logins between the password and the second factor: a short-lived ticket.
  auth::SessionTable mfa_tickets_;
  std::mutex pending_mu_;
  std::map<std::string, auth::TotpState> pending_totp_;
  std::vector<Route> routes_;
};

// The route tables, one per concern (routes_*.cc).
std::vector<Route> auth_routes();
std::vector<Route> admin_routes();
std::vector<Route> desk_routes();
std::vector<Route> ops_routes();
std::vector<Route> recording_routes();
std::vector<Route> event_routes();
std::vector<Route> acd_config_routes();

// Helpers for handlers.
// The body as a JSON object, or a 400 problem in *error.
std::optional<JsonObject> body_object(const Call& call, Response* error);
// A 400 problem naming the field from a Fields that failed.
Response field_problem(const Fields& f);
// A principal's JSON form: {"user":…,"role":…,"tenant":…|null}.
std::string principal_json(const auth::Principal& p);

}  // namespace trunkline::api
