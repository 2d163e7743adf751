// AcdPlane as the agents' and supervisors' desk (acd::AgentDesk): every
// request runs on the ACD thread, against the tenant's own engine only.
#include <chrono>

#include "common/log.h"
#include "control/acd/json_writer.h"
#include "control/acd/metrics_json.h"
#include "control/app/acd_plane_impl.h"

namespace trunkline::app {

namespace {

using acd::DeskAnswer;
using acd::DeskError;

DeskAnswer fail(DeskError e, std::string message) { return {e, std::move(message), {}}; }

// The agent's view: state, reason, time in state, counts, and the call it
// is offered or talking on (the B2BUA's session ID).
std::string agent_json(std::int64_t tenant, const TenantAcd& t, acd::AgentId id, std::int64_t now) {
  const acd::Engine& e = *t.engine;
  const acd::MetricsSnapshot m = e.metrics(now);
  const auto view = e.agent(id);
  acd::JsonWriter json(false);
  json.begin_object();
  json.key("tenant").value(tenant);
  json.key("agent").value(e.agent_name(id));
  for (const acd::AgentMetrics& a : m.agents) {
    if (a.name != e.agent_name(id)) continue;
    json.key("state").value(acd::agent_state_name(a.state));
    json.key("reason").value(static_cast<std::uint64_t>(a.reason));
    json.key("in_state_s").seconds(a.in_state_for_us);
    json.key("calls").value(a.calls);
    json.key("talk_s").seconds(a.talk_us);
    json.key("offers").value(a.offers);
    json.key("offers_failed").value(a.offers_failed);
  }
  json.key("call");
  auto s = view ? t.sessions.find(view->caller) : t.sessions.end();
  if (s == t.sessions.end()) {
    json.null();
  } else {
    json.begin_object().key("session").value(s->second).end_object();
  }
  json.end_object();
  return json.str();
}

}  // namespace

DeskAnswer AcdPlane::Impl::on_thread(std::function<DeskAnswer()> task) {
  std::packaged_task<DeskAnswer()> job(std::move(task));
  std::future<DeskAnswer> answer = job.get_future();
  {
    std::lock_guard<std::mutex> lock(desk_mu);
    desk.push_back(std::move(job));
  }
  if (answer.wait_for(std::chrono::seconds(2)) != std::future_status::ready)
    return fail(DeskError::kUnavailable, "the ACD did not answer within 2 s");
  ++counters.desk_requests;
  return answer.get();
}

namespace {

// Finds the tenant's engine and the agent, then runs `change` on them.
template <typename Change>
DeskAnswer agent_change(AcdPlane::Impl& impl, std::int64_t tenant, std::string_view name,
                        const char* action, Change change) {
  const std::string agent(name);
  return impl.on_thread([&impl, tenant, agent, action, change]() -> DeskAnswer {
    auto t = impl.tenants.find(tenant);
    if (t == impl.tenants.end())
      return fail(DeskError::kNotFound, "tenant " + std::to_string(tenant) + " has no ACD");
    acd::Engine& e = *t->second.engine;
    auto id = e.find_agent(agent);
    if (!id) return fail(DeskError::kNotFound, "no agent '" + agent + "' in this tenant's ACD");
    const std::int64_t now = impl.now_us();
    Status s = change(e, *id, now);
    impl.apply(tenant, t->second);  // a ready agent may be offered a caller at once
    if (!s) return fail(DeskError::kConflict, s.error().message);
    if (std::string_view(action) != "view")
      TL_LOG(kInfo, "acd_agent", "tenant=%lld agent=%s action=%s", static_cast<long long>(tenant),
             agent.c_str(), action);
    return DeskAnswer{DeskError::kNone, {}, agent_json(tenant, t->second, *id, now)};
  });
}

}  // namespace

DeskAnswer AcdPlane::log_in(std::int64_t tenant, std::string_view agent, bool ready) {
  return agent_change(*impl_, tenant, agent, "log_in",
                      [ready](acd::Engine& e, acd::AgentId id, std::int64_t now) {
                        return e.log_in(now, id, ready);
                      });
}

DeskAnswer AcdPlane::log_out(std::int64_t tenant, std::string_view agent) {
  return agent_change(
      *impl_, tenant, agent, "log_out",
      [](acd::Engine& e, acd::AgentId id, std::int64_t now) { return e.log_out(now, id); });
}

DeskAnswer AcdPlane::set_ready(std::int64_t tenant, std::string_view agent) {
  return agent_change(
      *impl_, tenant, agent, "ready",
      [](acd::Engine& e, acd::AgentId id, std::int64_t now) { return e.set_ready(now, id); });
}

DeskAnswer AcdPlane::set_not_ready(std::int64_t tenant, std::string_view agent,
                                   std::uint32_t reason) {
  if (reason == 0 || reason > acd::kMaxUserReason)
    return fail(DeskError::kInvalid, "a not-ready reason is a code from 1 to 64999");
  return agent_change(*impl_, tenant, agent, "not_ready",
                      [reason](acd::Engine& e, acd::AgentId id, std::int64_t now) {
                        return e.set_not_ready(now, id, static_cast<acd::ReasonCode>(reason));
                      });
}

DeskAnswer AcdPlane::end_wrap_up(std::int64_t tenant, std::string_view agent) {
  return agent_change(
      *impl_, tenant, agent, "end_wrap_up",
      [](acd::Engine& e, acd::AgentId id, std::int64_t now) { return e.end_wrap_up(now, id); });
}

DeskAnswer AcdPlane::agent(std::int64_t tenant, std::string_view agent) {
  return agent_change(*impl_, tenant, agent, "view",
                      [](acd::Engine&, acd::AgentId, std::int64_t) { return Status::Ok(); });
}

DeskAnswer AcdPlane::board(std::int64_t tenant) {
  Impl& impl = *impl_;
  return impl.on_thread([&impl, tenant]() -> DeskAnswer {
    auto t = impl.tenants.find(tenant);
    if (t == impl.tenants.end())
      return fail(DeskError::kNotFound, "tenant " + std::to_string(tenant) + " has no ACD");
    acd::JsonWriter json(false);
    json.begin_object();
    acd::write_metrics(json, t->second.engine->metrics(impl.now_us()));
    json.end_object();
    return DeskAnswer{DeskError::kNone, {}, json.str()};
  });
}

DeskAnswer AcdPlane::events(std::int64_t tenant, std::uint64_t after_seq) {
  Impl& impl = *impl_;
  return impl.on_thread([&impl, tenant, after_seq]() -> DeskAnswer {
    auto t = impl.tenants.find(tenant);
    if (t == impl.tenants.end())
      return fail(DeskError::kNotFound, "tenant " + std::to_string(tenant) + " has no ACD");
    return DeskAnswer{DeskError::kNone, {}, t->second.events->since(after_seq)};
  });
}

}  // namespace trunkline::app
