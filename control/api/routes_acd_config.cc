// Reads of a tenant's ACD configuration: its skills and queues, from the
// configuration stored with the tenant (setting "acd", `[tenants.acd]` of
// the provisioning file), parsed by the same reader as the daemon and `acd
// simulate` (acd::parse_acd_config). Writes go through PUT …/provisioning
// only, so there is one validation path.
#include <string>

#include "common/json_string.h"
#include "control/acd/config.h"
#include "control/acd/scenario.h"
#include "control/acd/strategy.h"
#include "control/api/api_service.h"

namespace trunkline::api {
namespace {

std::string seconds(std::int64_t us) {
  std::string s = std::to_string(us / 1'000'000);
  if (const std::int64_t ms = (us % 1'000'000) / 1000; ms != 0) {
    std::string frac = std::to_string(1000 + ms).substr(1);
    while (frac.back() == '0') frac.pop_back();
    s += "." + frac;
  }
  return s;
}

// The tenant's parsed ACD configuration (empty when none is stored), or a
// problem in *error.
std::optional<acd::Scenario> stored_config(Call& call, Response* error) {
  auto text = call.scoped->setting("acd");
  if (!text) {
    *error = problem(503, "Store unavailable", text.error().message);
    return std::nullopt;
  }
  if (!*text || (*text)->empty()) return acd::Scenario{};
  auto parsed = acd::parse_acd_config(**text, "tenant " + std::to_string(*call.tenant) + " acd");
  if (!parsed) {
    *error = problem(500, "Configuration unreadable", parsed.error().message);
    return std::nullopt;
  }
  return std::move(*parsed);
}

Response skills_list(ApiService&, Call& call) {
  Response err;
  auto config = stored_config(call, &err);
  if (!config) return err;
  std::string out;
  for (const acd::SkillConfig& s : config->skills) {
    out += std::string(out.empty() ? "" : ",") + "{\"name\":" + json_quote(s.name) +
           ",\"service_level_s\":" + seconds(s.service_level_us) + "}";
  }
  return json_response("{\"skills\":[" + out + "]}");
}

std::string overflow_json(const acd::ScenarioQueue& q) {
  std::string out;
  for (int r = 0; r < acd::kOverflowReasonCount; ++r) {
    const acd::ScenarioOverflow& o = q.overflow[r];
    if (!o.set) continue;
    out += std::string(out.empty() ? "" : ",") +
           json_quote(acd::overflow_reason_name(static_cast<acd::OverflowReason>(r))) +
           ":{\"action\":" + json_quote(acd::overflow_kind_name(o.action.kind));
    switch (o.action.kind) {
      case acd::OverflowKind::kQueue:
        out += ",\"queue\":" + json_quote(o.target_queue);
        break;
      case acd::OverflowKind::kAnnouncement:
        out += ",\"announcement\":" + std::to_string(o.action.announcement);
        break;
      case acd::OverflowKind::kExternal:
        out += ",\"number\":" + json_quote(o.action.external_number);
        break;
      case acd::OverflowKind::kRefuse:
        out += ",\"sip_status\":" + std::to_string(o.action.sip_status);
        break;
    }
    out += "}";
  }
  return "{" + out + "}";
}

Response queues_list(ApiService&, Call& call) {
  Response err;
  auto config = stored_config(call, &err);
  if (!config) return err;
  std::string out;
  for (const acd::ScenarioQueue& sq : config->queues) {
    const acd::QueueConfig& q = sq.config;
    out += std::string(out.empty() ? "" : ",") + "{\"name\":" + json_quote(q.name) +
           ",\"strategy\":" + json_quote(acd::strategy_name(q.strategy)) +
           ",\"priority\":" + std::to_string(q.priority) +
           ",\"service_level_s\":" + seconds(q.service_level_us) +
           ",\"max_waiting\":" + std::to_string(q.max_waiting) +
           ",\"max_wait_s\":" + seconds(q.max_wait_us) + ",\"wrap_up_s\":" + seconds(q.wrap_up_us) +
           ",\"ring_timeout_s\":" + seconds(q.ring_timeout_us) +
           ",\"greeting\":" + std::to_string(q.greeting_announcement) +
           ",\"music\":" + std::to_string(q.music) + ",\"overflow\":" + overflow_json(sq) + "}";
  }
  return json_response("{\"queues\":[" + out + "]}");
}

}  // namespace

std::vector<Route> acd_config_routes() {
  using A = Access;
  using Act = auth::Action;
  return {
      {"GET", "/api/v1/tenants/{tenant}/skills", "skills.list", A::kAuthorized,
       Act::kAdministerTenant, skills_list},
      {"GET", "/api/v1/tenants/{tenant}/queues", "queues.list", A::kAuthorized,
       Act::kAdministerTenant, queues_list},
  };
}

}  // namespace trunkline::api
