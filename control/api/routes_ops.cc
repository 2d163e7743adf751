// Operations: liveness (no session, not audited: probes call it every few
// seconds), readiness of each plane, /metrics (every counter of `trunkline
// stats`, Prometheus text), configuration reload (what SIGHUP does).
// Compliance: recording search and legal hold of a tenant, through the
// recording index.
#include <string>

#include "common/json_string.h"
#include "control/api/api_service.h"
#include "control/store/recording_index.h"

namespace trunkline::api {
namespace {

Response live(ApiService&, Call&) { return json_response("{\"live\":true}"); }

Response health(ApiService& api, Call&) {
  const std::string planes = api.deps().readiness ? api.deps().readiness() : "{}";
  const bool ready = planes.find("false") == std::string::npos;
  return json_response(
      "{\"ready\":" + std::string(ready ? "true" : "false") + ",\"planes\":" + planes + "}",
      ready ? 200 : 503);
}

Response metrics(ApiService& api, Call&) {
  if (!api.deps().metrics) return problem(503, "Metrics unavailable", "no metrics source");
  Response r;
  r.content_type = "text/plain; version=0.0.4";
  r.body = api.deps().metrics();
  return r;
}

Response reload(ApiService& api, Call&) {
  if (!api.deps().reload) return problem(503, "Reload unavailable", "no reload hook");
  if (Status s = api.deps().reload(); !s) return problem(409, "Reload refused", s.error().message);
  return json_response("{\"reloaded\":true}");
}

int hex(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// "a=b&c=d" → value of key, percent-decoding %XX and '+'.
std::optional<std::string> query_value(const std::string& q, std::string_view key) {
  std::size_t i = 0;
  while (i <= q.size()) {
    const std::size_t amp = q.find('&', i);
    const std::string_view part(q.data() + i, (amp == std::string::npos ? q.size() : amp) - i);
    const std::size_t eq = part.find('=');
    if (part.substr(0, eq) == key) {
      std::string out;
      const std::string_view v = eq == std::string_view::npos ? "" : part.substr(eq + 1);
      for (std::size_t k = 0; k < v.size(); ++k) {
        if (v[k] == '+') {
          out += ' ';
        } else if (v[k] == '%' && k + 2 < v.size() && hex(v[k + 1]) >= 0 && hex(v[k + 2]) >= 0) {
          out += static_cast<char>(hex(v[k + 1]) * 16 + hex(v[k + 2]));
          k += 2;
        } else {
          out += v[k];
        }
      }
      return out;
    }
    if (amp == std::string::npos) break;
    i = amp + 1;
  }
  return std::nullopt;
}

std::string recording_json(const store::IndexedRecording& r) {
  return "{\"recording_id\":" + json_quote(r.recording_id) +
         ",\"call_id\":" + json_quote(r.call_id) + ",\"caller\":" + json_quote(r.caller_number) +
         ",\"did\":" + json_quote(r.did) + ",\"agent\":" + json_quote(r.agent) +
         ",\"started_at_ms\":" + std::to_string(r.started_at_ms) +
         ",\"ended_at_ms\":" + std::to_string(r.ended_at_ms) +
         ",\"state\":" + json_quote(store::to_string(r.state)) +
         ",\"legal_hold\":" + (r.legal_hold ? "true" : "false") + "}";
}

Response recordings_search(ApiService& api, Call& call) {
  store::RecordingQuery q;
  for (auto [key, field] : {std::pair{"caller", &q.caller_number}, std::pair{"did", &q.did},
                            std::pair{"agent", &q.agent}, std::pair{"call_id", &q.call_id}}) {
    if (auto v = query_value(call.query, key)) *field = *v;
  }
  q.limit = 1000;
  call.target = "search " + call.query;
  store::RecordingIndex index(api.store());
  auto rows = index.search(*call.tenant, q);
  if (!rows) return problem(503, "Store unavailable", rows.error().message);
  std::string out;
  for (const auto& r : *rows) out += (out.empty() ? "" : ",") + recording_json(r);
  return json_response("{\"recordings\":[" + out + "]}");
}

Response set_hold(ApiService& api, Call& call, bool hold) {
  const std::string& id = call.params["id"];
  call.target = "recording " + id;
  store::RecordingIndex index(api.store());
  auto row = index.get(*call.tenant, id);
  if (!row) return problem(503, "Store unavailable", row.error().message);
  if (!*row) return problem(404, "Not found", "no such recording: " + id, "id");
  if (Status s = api.commit(call, [&] { return index.set_legal_hold(*call.tenant, id, hold); }); !s)
    return problem(503, "Store unavailable", s.error().message);
  (*row)->legal_hold = hold;
  return json_response(recording_json(**row));
}
Response hold(ApiService& api, Call& call) { return set_hold(api, call, true); }
Response release(ApiService& api, Call& call) { return set_hold(api, call, false); }

}  // namespace

std::vector<Route> ops_routes() {
  using A = Access;
  using Act = auth::Action;
  return {
      {"GET", "/api/v1/health/live", "", A::kPublic, Act::kOpsHealth, live},
      {"GET", "/api/v1/health", "ops.health", A::kAuthorized, Act::kOpsHealth, health},
      {"GET", "/metrics", "ops.metrics", A::kAuthorized, Act::kOpsMetrics, metrics},
      {"POST", "/api/v1/reload", "ops.reload", A::kAuthorized, Act::kOpsReload, reload},
      {"GET", "/api/v1/tenants/{tenant}/recordings", "recordings.search", A::kAuthorized,
       Act::kRecordingSearch, recordings_search},
      {"POST", "/api/v1/tenants/{tenant}/recordings/{id}/hold", "recordings.hold", A::kAuthorized,
       Act::kRecordingHold, hold},
      {"POST", "/api/v1/tenants/{tenant}/recordings/{id}/release", "recordings.release",
       A::kAuthorized, Act::kRecordingHold, release},
  };
}

}  // namespace trunkline::api
