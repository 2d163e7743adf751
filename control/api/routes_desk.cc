// Agents' own desk (log in/out, ready, not ready with a reason, end of
// wrap-up, current state, own call history) and the supervisors' status
// board, through acd::AgentDesk. An agent acts only as itself: the agent
// name is the session's user and the tenant the session's tenant, never
// taken from the request.
#include <string>

#include "common/json_string.h"
#include "control/api/api_service.h"

namespace trunkline::api {
namespace {

Response from_desk(const acd::DeskAnswer& a) {
  switch (a.error) {
    case acd::DeskError::kNone:
      return json_response(a.json);
    case acd::DeskError::kNotFound:
      return problem(404, "Not found", a.message);
    case acd::DeskError::kConflict:
      return problem(409, "Conflict", a.message);
    case acd::DeskError::kInvalid:
      return problem(400, "Invalid field", a.message, "reason");
    case acd::DeskError::kUnavailable:
      break;
  }
  return problem(503, "ACD unavailable", a.message);
}

template <typename F>
Response with_desk(ApiService& api, Call& call, F f) {
  acd::AgentDesk* desk = api.deps().desk;
  call.target = "agent " + call.principal->user;
  if (desk == nullptr) return problem(503, "ACD unavailable", "acd not running");
  return from_desk(f(*desk, *call.tenant, call.principal->user));
}

Response agent_get(ApiService& api, Call& call) {
  return with_desk(api, call, [](acd::AgentDesk& d, std::int64_t t, const std::string& a) {
    return d.agent(t, a);
  });
}

Response agent_login(ApiService& api, Call& call) {
  Response err;
  auto body = body_object(call, &err);
  if (!body) return err;
  Fields f(*body);
  f.only({"ready"});
  const bool ready = f.flag("ready", false).value_or(false);
  if (f.failed()) return field_problem(f);
  return with_desk(api, call, [&](acd::AgentDesk& d, std::int64_t t, const std::string& a) {
    return d.log_in(t, a, ready);
  });
}

Response agent_logout(ApiService& api, Call& call) {
  return with_desk(api, call, [](acd::AgentDesk& d, std::int64_t t, const std::string& a) {
    return d.log_out(t, a);
  });
}

Response agent_ready(ApiService& api, Call& call) {
  return with_desk(api, call, [](acd::AgentDesk& d, std::int64_t t, const std::string& a) {
    return d.set_ready(t, a);
  });
}

Response agent_not_ready(ApiService& api, Call& call) {
  Response err;
  auto body = body_object(call, &err);
  if (!body) return err;
  Fields f(*body);
  f.only({"reason"});
  const auto reason = f.integer("reason", 1, 64999, true);
  if (f.failed()) return field_problem(f);
  return with_desk(api, call, [&](acd::AgentDesk& d, std::int64_t t, const std::string& a) {
    return d.set_not_ready(t, a, static_cast<std::uint32_t>(*reason));
  });
}

Response agent_end_wrap_up(ApiService& api, Call& call) {
  return with_desk(api, call, [](acd::AgentDesk& d, std::int64_t t, const std::string& a) {
    return d.end_wrap_up(t, a);
  });
}

// The agent's own call history: the tenant's CDRs in which it took part.
Response agent_calls(ApiService&, Call& call) {
  call.target = "agent " + call.principal->user;
  auto cdrs = call.scoped->cdrs(10000);
  if (!cdrs) return problem(503, "Store unavailable", cdrs.error().message);
  std::string out;
  std::size_t n = 0;
  for (auto it = cdrs->rbegin(); it != cdrs->rend() && n < 200; ++it) {
    if (it->agent != call.principal->user) continue;
    ++n;
    out += std::string(out.empty() ? "" : ",") + "{\"id\":" + std::to_string(it->id) +
           ",\"caller\":" + json_quote(it->caller) + ",\"did\":" + json_quote(it->did) +
           ",\"started_at_ms\":" + std::to_string(it->started_at_ms) +
           ",\"answered_at_ms\":" + std::to_string(it->answered_at_ms) +
           ",\"ended_at_ms\":" + std::to_string(it->ended_at_ms) +
           ",\"outcome\":" + json_quote(store::to_string(it->outcome)) + "}";
  }
  return json_response("{\"calls\":[" + out + "]}");
}

Response board(ApiService& api, Call& call) {
  acd::AgentDesk* desk = api.deps().desk;
  call.target = "board";
  if (desk == nullptr) return problem(503, "ACD unavailable", "acd not running");
  return from_desk(desk->board(*call.tenant));
}

}  // namespace

std::vector<Route> desk_routes() {
  using A = Access;
  const auto self = auth::Action::kAgentSelfService;
  return {
      {"GET", "/api/v1/me/agent", "agent.get", A::kAuthorized, self, agent_get},
      {"POST", "/api/v1/me/agent/login", "agent.login", A::kAuthorized, self, agent_login},
      {"POST", "/api/v1/me/agent/logout", "agent.logout", A::kAuthorized, self, agent_logout},
      {"POST", "/api/v1/me/agent/ready", "agent.ready", A::kAuthorized, self, agent_ready},
      {"POST", "/api/v1/me/agent/not-ready", "agent.not_ready", A::kAuthorized, self,
       agent_not_ready},
      {"POST", "/api/v1/me/agent/end-wrap-up", "agent.end_wrap_up", A::kAuthorized, self,
       agent_end_wrap_up},
      {"GET", "/api/v1/me/calls", "agent.calls", A::kAuthorized, self, agent_calls},
      {"GET", "/api/v1/tenants/{tenant}/board", "board.get", A::kAuthorized,
       auth::Action::kSuperviseStatus, board},
  };
}

}  // namespace trunkline::api
