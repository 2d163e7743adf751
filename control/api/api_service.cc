#include "control/api/api_service.h"

#include <charconv>
#include <string_view>

#include "common/json_string.h"
#include "common/log.h"

namespace trunkline::api {
namespace {

std::vector<std::string_view> split_path(std::string_view path) {
  std::vector<std::string_view> out;
  std::size_t i = 0;
  while (i < path.size()) {
    if (path[i] == '/') {
      ++i;
      continue;
    }
    const std::size_t j = path.find('/', i);
    out.push_back(path.substr(i, j == std::string_view::npos ? path.size() - i : j - i));
    if (j == std::string_view::npos) break;
    i = j;
  }
  return out;
}

// The {name} parts when the path matches the pattern.
std::optional<std::map<std::string, std::string>> match(std::string_view pattern,
                                                        std::string_view path) {
  const auto p = split_path(pattern);
  const auto s = split_path(path);
  if (p.size() != s.size()) return std::nullopt;
  std::map<std::string, std::string> params;
  for (std::size_t i = 0; i < p.size(); ++i) {
    if (p[i].size() > 2 && p[i].front() == '{' && p[i].back() == '}') {
      params.emplace(std::string(p[i].substr(1, p[i].size() - 2)), std::string(s[i]));
    } else if (p[i] != s[i]) {
      return std::nullopt;
    }
  }
  return params;
}

bool allowed_while_restricted(const Route& r, auth::SessionRestriction restriction) {
  const std::string_view name = r.name;
  if (name == "session.logout" || name == "session.me") return true;
  if (restriction == auth::SessionRestriction::kChangePasswordOnly)
    return name == "password.change";
  if (restriction == auth::SessionRestriction::kEnrolMfaOnly)
    return name == "mfa.enrol_start" || name == "mfa.enrol_confirm";
  return true;
}

const char* restriction_text(auth::SessionRestriction r) {
  return r == auth::SessionRestriction::kChangePasswordOnly ? "change the password first"
                                                            : "enrol a second factor first";
}

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

ApiService::ApiService(ApiDeps deps)
    : deps_(std::move(deps)),
      accounts_(*deps_.store, deps_.seal),
      audit_log_(*deps_.store),
      sessions_(deps_.sessions),
      mfa_tickets_(
          auth::SessionOptions{deps_.accounts.mfa_step_window, deps_.accounts.mfa_step_window, 4}) {
  if (!deps_.clock) {
    deps_.clock = [] {
      return std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
    };
  }
  for (auto* table : {&auth_routes, &admin_routes, &desk_routes, &ops_routes, &recording_routes,
                      &event_routes, &acd_config_routes})
    for (Route& r : table()) routes_.push_back(r);
}

Response ApiService::handle(const Request& req) {
  const std::size_t q = req.target.find('?');
  const std::string_view path = std::string_view(req.target).substr(0, q);
  bool path_known = false;
  for (const Route& r : routes_) {
    auto params = match(r.pattern, path);
    if (!params) continue;
    path_known = true;
    if (req.method != r.method) continue;
    Call call{req, std::move(*params)};
    if (q != std::string::npos) call.query = req.target.substr(q + 1);
    call.target = std::string(path);
    call.route_name = r.name;
    Response resp = dispatch(call, r);
    if (!call.audited && r.name[0] != '\0') {
      const std::string result =
          resp.status < 400 ? "ok" : std::to_string(resp.status) + " " + [&] {
            // The problem's detail, for the audit trail.
            const auto d = resp.body.find("\"detail\":");
            return d == std::string::npos ? std::string() : resp.body.substr(d + 9, 200);
          }();
      if (Status s = audit(call, result); !s) {
        TL_LOG(kError, "api_audit_failed", "reason=\"%s\"", s.error().message.c_str());
        return problem(503, "Audit log unavailable",
                       "the request could not be recorded in the audit log, so it was not "
                       "answered: " +
                           s.error().message);
      }
    }
    return resp;
  }
  if (path_known)
    return problem(405, "Method not allowed", req.method + " is not served on this path");
  return problem(404, "Not found", "no API endpoint at " + std::string(path));
}

// THE choke point: authentication, restriction, authorization and tenant
// scope for every route.
Response ApiService::dispatch(Call& call, const Route& route) {
  if (route.access != Access::kPublic) {
    const std::string& h = call.req.authorization;
    constexpr std::string_view kBearer = "Bearer ";
    if (h.size() <= kBearer.size() || std::string_view(h).substr(0, kBearer.size()) != kBearer) {
      return problem(401, "Authentication required", "send Authorization: Bearer <session token>");
    }
    call.token = h.substr(kBearer.size());
    auto info = sessions_.validate(call.token, now());
    if (!info) return problem(401, "Authentication required", "the session is unknown or expired");
    call.principal = info->principal;
    call.restriction = info->restriction;
    if (call.restriction != auth::SessionRestriction::kNone &&
        !allowed_while_restricted(route, call.restriction)) {
      return problem(403, "Session restricted", restriction_text(call.restriction));
    }
  }
  if (route.access != Access::kAuthorized) {
    call.tenant = call.principal ? call.principal->tenant : std::nullopt;
    return route.handler(*this, call);
  }

  // The target: the path's tenant, else the principal's own tenant for
  // tenant actions (/me/...), else the appliance.
  Scope target;
  if (auto it = call.params.find("tenant"); it != call.params.end()) {
    std::int64_t id = 0;
    const auto& t = it->second;
    const auto r = std::from_chars(t.data(), t.data() + t.size(), id);
    if (r.ec != std::errc() || r.ptr != t.data() + t.size() || id <= 0)
      return problem(400, "Invalid tenant", "the tenant in the path must be a positive ID",
                     "tenant");
    target = id;
  } else if (auth::action_scope(route.action) == auth::ActionScope::kTenant) {
    target = call.principal->tenant;
  }
  call.tenant = target;
  if (Status s = auth::authorize(*call.principal, route.action, target); !s)
    return problem(403, "Forbidden", s.error().message);
  if (target) {
    auto scoped = deps_.store->tenant(*target);
    if (!scoped) return problem(404, "Not found", "no tenant " + std::to_string(*target));
    call.scoped = std::move(*scoped);
  }
  return route.handler(*this, call);
}

Status ApiService::audit(Call& call, const std::string& result) {
  call.audited = true;
  audit::AuditWho who{call.claimed_user.empty() ? "-" : call.claimed_user, "none", call.req.source};
  if (call.principal) {
    who.actor = call.principal->user;
    who.role = std::string(auth::role_name(call.principal->role));
  }
  return audit_log_.record(now_ms(), call.tenant, who, std::string("api.") + call.route_name,
                           call.target, result);
}

Status ApiService::commit(Call& call, const std::function<Status()>& writes) {
  Status s = deps_.store->transaction([&]() -> Status {
    if (Status w = writes(); !w) return w;
    return audit(call, "ok");
  });
  // Rolled back, audit entry included: dispatch() records the refusal.
  if (!s) call.audited = false;
  return s;
}

std::optional<JsonObject> body_object(const Call& call, Response* error) {
  auto v = parse_json(call.req.body.empty() ? std::string_view("{}") : call.req.body);
  if (!v) {
    *error = problem(400, "Invalid body", v.error().message, "body");
    return std::nullopt;
  }
  if (v->object() == nullptr) {
    *error = problem(400, "Invalid body", "the body must be a JSON object", "body");
    return std::nullopt;
  }
  return *v->object();
}

Response field_problem(const Fields& f) {
  return problem(400, "Invalid field", f.field() + ": " + f.error(), f.field());
}

std::string principal_json(const auth::Principal& p) {
  return "{\"user\":" + json_quote(p.user) + ",\"role\":" + json_quote(auth::role_name(p.role)) +
         ",\"tenant\":" + (p.tenant ? std::to_string(*p.tenant) : std::string("null")) + "}";
}

}  // namespace trunkline::api
