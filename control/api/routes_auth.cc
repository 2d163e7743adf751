// Sessions: login (password, then the second factor when the account has
// one), logout, the caller's own identity, password change, TOTP enrolment.
// The account logic is control/auth/account.h; this file loads the account,
// runs one step, stores the result and answers.
#include <string>

#include "common/json_string.h"
#include "control/api/api_service.h"
#include "control/auth/crypto.h"
#include "control/auth/encoding.h"

namespace trunkline::api {
namespace {

using auth::LoginOutcome;
using auth::SessionRestriction;

const char* restriction_name(SessionRestriction r) {
  switch (r) {
    case SessionRestriction::kChangePasswordOnly:
      return "change_password";
    case SessionRestriction::kEnrolMfaOnly:
      return "enrol_mfa";
    case SessionRestriction::kNone:
      break;
  }
  return "none";
}

std::string token_key(const std::string& token) {
  const auto d = auth::sha256(token);
  return auth::base64url_encode(d);
}

// Turns a login step's outcome into the answer: a session (maybe
// restricted), an MFA ticket, or a refusal. The account is already saved.
Response answer_login(ApiService& api, Call& call, const auth::Account& acc,
                      const auth::LoginResult& r, bool newly_locked) {
  const auth::Principal& p = acc.record().principal;
  const std::string result =
      std::string(auth::login_outcome_name(r.outcome)) + ": " + r.audit_reason;
  if (newly_locked) api.sessions().revoke_all(p.tenant, p.user);
  SessionRestriction restriction = SessionRestriction::kNone;
  switch (r.outcome) {
    case LoginOutcome::kBadCredentials:
      (void)api.audit(call, "denied: " + result);
      return problem(401, "Invalid credentials", "the user, password or code is wrong");
    case LoginOutcome::kLocked:
      (void)api.audit(call, "denied: " + result);
      return problem(403, "Account locked", "an administrator must unlock this account");
    case LoginOutcome::kMfaRequired: {
      const std::string ticket = api.mfa_tickets().create(p, api.now());
      if (Status s = api.audit(call, result); !s)
        return problem(503, "Audit log unavailable", s.error().message);
      return json_response("{\"mfa_required\":true,\"mfa_ticket\":" + json_quote(ticket) + "}");
    }
    case LoginOutcome::kMfaEnrolmentRequired:
      restriction = SessionRestriction::kEnrolMfaOnly;
      break;
    case LoginOutcome::kOkMustChange:
    case LoginOutcome::kExpiredMustChange:
      restriction = SessionRestriction::kChangePasswordOnly;
      break;
    case LoginOutcome::kOk:
      break;
  }
  // Audited before the token leaves.
  if (Status s = api.audit(call, result); !s)
    return problem(503, "Audit log unavailable", s.error().message);
  const std::string token = api.sessions().create(p, api.now(), restriction);
  return json_response("{\"token\":" + json_quote(token) +
                       ",\"restriction\":" + json_quote(restriction_name(restriction)) +
                       ",\"principal\":" + principal_json(p) + "}");
}

// One step of a login (password, or second factor) on a loaded account:
// under the tenant's policy, its new state stored before the answer.
template <typename Step>
Response login_step(ApiService& api, Call& call, Scope tenant, auth::AccountRecord record,
                    Step step) {
  auto policy = api.accounts().policy(tenant);
  if (!policy) return problem(503, "Store unavailable", policy.error().message);
  auth::Account acc(std::move(record), api.deps().accounts);
  const bool was_locked = acc.record().locked;
  const auth::LoginResult r = step(acc, *policy);
  if (Status s = api.accounts().save(acc.record()); !s)
    return problem(503, "Store unavailable", s.error().message);
  return answer_login(api, call, acc, r, !was_locked && acc.record().locked);
}

Response login(ApiService& api, Call& call) {
  Response err;
  auto body = body_object(call, &err);
  if (!body) return err;
  Fields f(*body);
  f.only({"tenant", "user", "password"});
  const auto tenant = f.integer("tenant", 1, INT64_MAX, false);
  const auto user = f.text("user", true);
  const auto password = f.text("password", true);
  if (f.failed()) return field_problem(f);
  call.tenant = tenant;
  call.claimed_user = *user;
  call.target = "login " + *user;
  auto record = api.accounts().load(tenant, *user);
  if (!record) return problem(503, "Store unavailable", record.error().message);
  if (!*record) {
    const auth::LoginResult r = auth::login_unknown_user(*password, api.deps().accounts.scrypt);
    (void)api.audit(call, "denied: bad_credentials: " + r.audit_reason);
    return problem(401, "Invalid credentials", "the user, password or code is wrong");
  }
  return login_step(api, call, tenant, std::move(**record),
                    [&](auth::Account& acc, const auth::PasswordPolicy& policy) {
                      return acc.login(*password, policy, api.now());
                    });
}

Response login_mfa(ApiService& api, Call& call) {
  Response err;
  auto body = body_object(call, &err);
  if (!body) return err;
  Fields f(*body);
  f.only({"mfa_ticket", "code"});
  const auto ticket = f.text("mfa_ticket", true);
  const auto code = f.text("code", true);
  if (f.failed()) return field_problem(f);
  auto info = api.mfa_tickets().validate(*ticket, api.now());
  if (!info) {
    (void)api.audit(call, "denied: unknown or expired mfa ticket");
    return problem(401, "Invalid credentials", "the MFA ticket is unknown or expired",
                   "mfa_ticket");
  }
  api.mfa_tickets().revoke(*ticket);  // one try per password step
  const auth::Principal& p = info->principal;
  call.tenant = p.tenant;
  call.claimed_user = p.user;
  call.target = "login " + p.user;
  auto record = api.accounts().load(p.tenant, p.user);
  if (!record) return problem(503, "Store unavailable", record.error().message);
  if (!*record) return problem(401, "Invalid credentials", "the account no longer exists");
  return login_step(api, call, p.tenant, std::move(**record),
                    [&](auth::Account& acc, const auth::PasswordPolicy& policy) {
                      return acc.login_second_factor(*code, policy, api.now());
                    });
}

Response logout(ApiService& api, Call& call) {
  api.sessions().revoke(call.token);
  return json_response("{\"logged_out\":true}");
}

Response me(ApiService&, Call& call) {
  return json_response("{\"principal\":" + principal_json(*call.principal) +
                       ",\"restriction\":" + json_quote(restriction_name(call.restriction)) + "}");
}

Response change_password(ApiService& api, Call& call) {
  Response err;
  auto body = body_object(call, &err);
  if (!body) return err;
  Fields f(*body);
  f.only({"current", "new"});
  const auto current = f.text("current", true);
  const auto next = f.text("new", true);
  if (f.failed()) return field_problem(f);
  const auth::Principal& p = *call.principal;
  call.target = "user " + p.user;
  auto record = api.accounts().load(p.tenant, p.user);
  if (!record) return problem(503, "Store unavailable", record.error().message);
  if (!*record) return problem(404, "Not found", "the account no longer exists");
  auto policy = api.accounts().policy(p.tenant);
  if (!policy) return problem(503, "Store unavailable", policy.error().message);
  auth::Account acc(std::move(**record), api.deps().accounts);
  const std::uint32_t failures_before = acc.record().failed_attempts;
  Status changed = acc.change_password(*current, *next, *policy, api.now());
  if (!changed) {
    // A wrong current password counts as a failure (and may lock).
    if (acc.record().failed_attempts != failures_before || acc.record().locked)
      (void)api.accounts().save(acc.record());
    if (acc.record().locked) api.sessions().revoke_all(p.tenant, p.user);
    const bool current_wrong = acc.record().failed_attempts != failures_before;
    return problem(400, "Password refused", changed.error().message,
                   current_wrong ? "current" : "new");
  }
  if (Status s = api.commit(call, [&] { return api.accounts().save(acc.record()); }); !s)
    return problem(503, "Store unavailable", s.error().message);
  // Every other session of the user ends with the old password.
  api.sessions().revoke_all(p.tenant, p.user);
  const std::string token = api.sessions().create(p, api.now());
  return json_response("{\"token\":" + json_quote(token) + ",\"restriction\":\"none\"}");
}

Response mfa_enrol_start(ApiService& api, Call& call) {
  const auth::Principal& p = *call.principal;
  call.target = "user " + p.user;
  const std::string account = p.user + (p.tenant ? "@" + std::to_string(*p.tenant) : "");
  auth::TotpEnrolment e = auth::new_totp_enrolment(api.deps().totp_issuer, account);
  {
    std::lock_guard<std::mutex> lock(api.pending_mu());
    api.pending_totp()[token_key(call.token)] = e.state;
  }
  return json_response("{\"secret_base32\":" + json_quote(e.secret_base32) +
                       ",\"uri\":" + json_quote(e.uri) + "}");
}

Response mfa_enrol_confirm(ApiService& api, Call& call) {
  Response err;
  auto body = body_object(call, &err);
  if (!body) return err;
  Fields f(*body);
  f.only({"code"});
  const auto code = f.text("code", true);
  if (f.failed()) return field_problem(f);
  const auth::Principal& p = *call.principal;
  call.target = "user " + p.user;
  std::optional<auth::TotpState> pending;
  {
    std::lock_guard<std::mutex> lock(api.pending_mu());
    auto it = api.pending_totp().find(token_key(call.token));
    if (it != api.pending_totp().end()) pending = it->second;
  }
  if (!pending)
    return problem(409, "No enrolment pending", "start one with POST /api/v1/me/mfa/enrol");
  auto record = api.accounts().load(p.tenant, p.user);
  if (!record) return problem(503, "Store unavailable", record.error().message);
  if (!*record) return problem(404, "Not found", "the account no longer exists");
  auto policy = api.accounts().policy(p.tenant);
  if (!policy) return problem(503, "Store unavailable", policy.error().message);
  auth::Account acc(std::move(**record), api.deps().accounts);
  auto codes = acc.enrol_totp(*pending, *code, api.now());
  if (!codes) return problem(400, "Code refused", codes.error().message, "code");
  if (Status s = api.commit(call, [&] { return api.accounts().save(acc.record()); }); !s)
    return problem(503, "Store unavailable", s.error().message);
  {
    std::lock_guard<std::mutex> lock(api.pending_mu());
    api.pending_totp().erase(token_key(call.token));
  }
  const bool change_due =
      acc.record().must_change_password || acc.password_expired(*policy, api.now());
  const SessionRestriction next =
      change_due ? SessionRestriction::kChangePasswordOnly : SessionRestriction::kNone;
  api.sessions().set_restriction(call.token, next);
  std::string list;
  for (const std::string& c : *codes) list += (list.empty() ? "" : ",") + json_quote(c);
  return json_response("{\"recovery_codes\":[" + list +
                       "],\"restriction\":" + json_quote(restriction_name(next)) + "}");
}

}  // namespace

std::vector<Route> auth_routes() {
  using A = Access;
  const auth::Action none = auth::Action::kOpsHealth;  // unused for these accesses
  return {
      {"POST", "/api/v1/login", "session.login", A::kPublic, none, login},
      {"POST", "/api/v1/login/mfa", "session.login_mfa", A::kPublic, none, login_mfa},
      {"POST", "/api/v1/logout", "session.logout", A::kSession, none, logout},
      {"GET", "/api/v1/me", "session.me", A::kSession, none, me},
      {"POST", "/api/v1/me/password", "password.change", A::kSession, none, change_password},
      {"POST", "/api/v1/me/mfa/enrol", "mfa.enrol_start", A::kSession, none, mfa_enrol_start},
      {"POST", "/api/v1/me/mfa/confirm", "mfa.enrol_confirm", A::kSession, none, mfa_enrol_confirm},
  };
}

}  // namespace trunkline::api
