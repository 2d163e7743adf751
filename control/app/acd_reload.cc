// AcdPlane::reload(): new engines for tenants whose ACD changed, built on the
// caller's thread and swapped in by the ACD thread once the tenant is idle.
// An engine is not edited in place: rebuilding from the new directory is the
// one path that is also how the daemon starts, so a reload can never leave
// an engine that a restart would not build. Agents keep their login and
// ready / not-ready state across the swap; supervisors' event streams go on
// with the same sequence numbers.
#include <algorithm>

#include "common/log.h"
#include "control/app/acd_plane.h"
#include "control/app/acd_plane_impl.h"

namespace trunkline::app {

namespace {

// Every logged-in agent of `from` that `to` also has, in the same state
// (ready, or not ready with its reason). Agents who were reserved, ringing,
// talking or in wrap-up cannot be here: the tenant had no caller.
std::size_t carry_agents(const acd::Engine& from, acd::Engine& to, std::int64_t now) {
  std::size_t carried = 0;
  for (acd::AgentId id = 0; id < from.agent_count(); ++id) {
    auto view = from.agent(id);
    if (!view || view->state == acd::AgentState::kLoggedOut) continue;
    auto there = to.find_agent(from.agent_name(id));
    if (!there) continue;  // removed from the tenant's ACD: logged out
    const bool ready = view->state != acd::AgentState::kNotReady;
    if (!to.log_in(now, *there, ready)) continue;
    if (!ready && view->reason != acd::kReasonNone)
      (void)to.set_not_ready(now, *there, view->reason);
    ++carried;
  }
  return carried;
}

}  // namespace

Status AcdPlane::reload(const tenant::Directory& directory) {
  std::vector<AcdRebuild> built;
  for (const tenant::DirTenant& t : directory.tenants()) {
    AcdRebuild r;
    r.tenant = t.id;
    r.name = t.name;
    if (!t.acd_config.empty()) {
      auto acd = build_tenant_acd(directory, t, impl_->settings);
      if (!acd) return acd.error();
      r.acd = std::move(*acd);
    }
    built.push_back(std::move(r));
  }
  std::lock_guard lock(impl_->reload_mu);
  for (AcdRebuild& r : built) impl_->reload_inbox.push_back(std::move(r));
  return Status::Ok();
}

void AcdPlane::Impl::apply_rebuilds() {
  {
    std::lock_guard lock(reload_mu);
    for (AcdRebuild& r : reload_inbox) {
      // A newer reload of the same tenant replaces one still waiting.
      std::erase_if(rebuilds, [&](const AcdRebuild& w) { return w.tenant == r.tenant; });
      auto live = tenants.find(r.tenant);
      const bool unchanged = live == tenants.end()
                                 ? !r.acd.has_value()
                                 : r.acd.has_value() && r.acd->signature == live->second.signature;
      if (!unchanged) rebuilds.push_back(std::move(r));
    }
    reload_inbox.clear();
  }
  if (rebuilds.empty()) return;
  const std::int64_t now = now_us();
  std::erase_if(rebuilds, [&](AcdRebuild& r) {
    auto live = tenants.find(r.tenant);
    if (live != tenants.end() && live->second.engine->callers_in_system() != 0) {
      if (!r.deferral_logged) {
        r.deferral_logged = true;
        ++counters.rebuilds_deferred;
        TL_LOG(kInfo, "acd_rebuild_deferred", "tenant=%s callers=%u", r.name.c_str(),
               live->second.engine->callers_in_system());
      }
      return false;
    }
    std::size_t carried = 0;
    if (!r.acd) {
      tenants.erase(live);
    } else if (live == tenants.end()) {
      tenants.emplace(r.tenant, std::move(*r.acd));
    } else {
      TenantAcd& old = live->second;
      TenantAcd& fresh = *r.acd;
      carried = carry_agents(*old.engine, *fresh.engine, now);
      // The supervisors' stream goes on: the old ring, now naming from the new engine.
      fresh.engine->unsubscribe(fresh.events.get());
      old.engine->unsubscribe(old.events.get());
      old.events->rebind(*fresh.engine);
      fresh.engine->subscribe(old.events.get());
      fresh.events = std::move(old.events);
      old = std::move(fresh);
    }
    ++counters.engines_rebuilt;
    counters.engines = tenants.size();
    auto t = tenants.find(r.tenant);
    TL_LOG(kInfo, "acd_engine_rebuilt", "tenant=%s queues=%u skills=%u agents=%u carried=%zu",
           r.name.c_str(), t == tenants.end() ? 0 : t->second.engine->queue_count(),
           t == tenants.end() ? 0 : t->second.engine->skill_count(),
           t == tenants.end() ? 0 : t->second.engine->agent_count(), carried);
    if (t != tenants.end()) apply(r.tenant, t->second);
    return true;
  });
}

}  // namespace trunkline::app
