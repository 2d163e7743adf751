#include "control/tenant/provision_apply.h"

#include <map>
#include <memory>
#include <set>

namespace trunkline::tenant {

namespace {

// What the store holds for one tenant the file names, read before changing
// anything.
struct Existing {
  store::TenantId id = 0;  // 0: the tenant is new
  std::string sip_domain;
  std::map<std::string, store::Trunk> trunks;
  std::map<std::string, store::Agent> agents;
  std::map<std::string, store::Did> dids;
  std::unique_ptr<store::TenantStore> scope;
};

Status store_error(const ProvisionPlan& plan, const Error& e) {
  return Error{plan.file + ": store: " + e.message};
}

template <typename T, typename KeyOf>
std::map<std::string, T> by_key(std::vector<T> list, KeyOf key_of) {
  std::map<std::string, T> out;
  for (T& x : list) {
    std::string k = key_of(x);
    out.emplace(std::move(k), std::move(x));
  }
  return out;
}

Status read_existing(store::Store& st, const ProvisionPlan& plan, const PlanTenant& pt,
                     Existing* ex) {
  auto found = st.tenant_by_name(pt.name);
  if (!found) return store_error(plan, found.error());
  if (!found->has_value()) return Status::Ok();
  ex->id = (*found)->id;
  ex->sip_domain = (*found)->sip_domain;
  auto scope = st.tenant(ex->id);
  if (!scope) return store_error(plan, scope.error());
  ex->scope = std::move(*scope);
  auto trunks = ex->scope->trunks();
  if (!trunks) return store_error(plan, trunks.error());
  ex->trunks = by_key(std::move(*trunks), [](const store::Trunk& x) { return x.name; });
  auto agents = ex->scope->agents();
  if (!agents) return store_error(plan, agents.error());
  ex->agents = by_key(std::move(*agents), [](const store::Agent& x) { return x.name; });
  auto dids = ex->scope->dids();
  if (!dids) return store_error(plan, dids.error());
  ex->dids = by_key(std::move(*dids), [](const store::Did& x) { return x.number; });
  return Status::Ok();
}

// Numbers and domains the file takes must not belong to a tenant it does
// not name (those it names give theirs up in the same transaction).
Status check_against_others(store::Store& st, const ProvisionPlan& plan,
                            const std::vector<store::Tenant>& all) {
  std::set<std::string> named;
  for (const PlanTenant& pt : plan.tenants) named.insert(pt.name);
  std::map<store::TenantId, const store::Tenant*> by_id;
  for (const store::Tenant& t : all) by_id.emplace(t.id, &t);
  for (const PlanTenant& pt : plan.tenants) {
    for (const store::Tenant& t : all) {
      if (t.name != pt.name && named.count(t.name) == 0 && !t.sip_domain.empty() &&
          t.sip_domain == pt.sip_domain) {
        return Error{located(plan.file, pt.domain_pos,
                             "domain '" + pt.sip_domain + "' belongs to tenant '" + t.name +
                                 "', which this file does not name")};
      }
    }
    for (const PlanDid& d : pt.dids) {
      auto owner = st.did_owner(d.did.number);
      if (!owner) return store_error(plan, owner.error());
      if (!owner->has_value()) continue;
      auto it = by_id.find(**owner);
      if (it == by_id.end() || named.count(it->second->name) != 0) continue;
      return Error{located(plan.file, d.number_pos,
                           "number '" + d.did.number + "' belongs to tenant '" + it->second->name +
                               "', which this file does not name")};
    }
  }
  return Status::Ok();
}

// Phase 1, for a tenant that exists: remove what the file no longer lists
// and release what another entry of the file may take over (its domain,
// sip users that change hands), so that phase 2's writes cannot collide.
Status release(const ProvisionPlan& plan, const PlanTenant& pt, Existing& ex, store::Store& st,
               TenantChanges* ch) {
  std::set<std::string> numbers, agents, trunks;
  for (const PlanDid& d : pt.dids) numbers.insert(d.did.number);
  for (const store::Agent& a : pt.agents) agents.insert(a.name);
  for (const store::Trunk& t : pt.trunks) trunks.insert(t.name);
  for (const auto& [number, d] : ex.dids) {
    if (numbers.count(number) != 0) continue;
    if (Status s = ex.scope->delete_did(number); !s) return store_error(plan, s.error());
    ++ch->dids.removed;
  }
  for (const auto& [name, a] : ex.agents) {
    if (agents.count(name) != 0) continue;
    if (Status s = ex.scope->delete_agent(name); !s) return store_error(plan, s.error());
    ++ch->agents.removed;
  }
  for (const auto& [name, t] : ex.trunks) {
    if (trunks.count(name) != 0) continue;
    if (Status s = ex.scope->delete_trunk(name); !s) return store_error(plan, s.error());
    ++ch->trunks.removed;
  }
  for (const store::Agent& a : pt.agents) {
    auto it = ex.agents.find(a.name);
    if (it == ex.agents.end() || it->second.sip_user == a.sip_user) continue;
    // '#' is not allowed in a sip user, so this placeholder collides with
    // nothing; phase 2 writes the real one.
    store::Agent parked = it->second;
    parked.sip_user = "#" + a.name;
    if (Status s = ex.scope->put_agent(parked); !s) return store_error(plan, s.error());
  }
  if (ex.sip_domain != pt.sip_domain) {
    if (Status s = st.set_sip_domain(ex.id, ""); !s) return store_error(plan, s.error());
  }
  return Status::Ok();
}

// Inserts or updates what differs from the store; counts the rest.
template <typename T, typename Put>
Status upsert(const ProvisionPlan& plan, const T& want, const std::map<std::string, T>& have,
              const std::string& key, ChangeCounts* counts, Put put) {
  auto it = have.find(key);
  if (it != have.end() && it->second == want) {
    ++counts->unchanged;
    return Status::Ok();
  }
  if (Status s = put(want); !s) return store_error(plan, s.error());
  ++(it == have.end() ? counts->added : counts->changed);
  return Status::Ok();
}

Status write(const ProvisionPlan& plan, const PlanTenant& pt, Existing& ex, store::Store& st,
             TenantChanges* ch) {
  if (ex.id == 0) {
    auto id = st.create_tenant(pt.name, pt.sip_domain);
    if (!id) return store_error(plan, id.error());
    ex.id = *id;
    auto scope = st.tenant(ex.id);
    if (!scope) return store_error(plan, scope.error());
    ex.scope = std::move(*scope);
    ch->created = true;
  } else if (ex.sip_domain != pt.sip_domain) {
    if (Status s = st.set_sip_domain(ex.id, pt.sip_domain); !s) {
      return store_error(plan, s.error());
    }
    ch->domain_changed = true;
  }
  store::TenantStore& scope = *ex.scope;
  for (const store::Trunk& t : pt.trunks) {
    if (Status s = upsert(plan, t, ex.trunks, t.name, &ch->trunks,
                          [&](const store::Trunk& x) { return scope.put_trunk(x); });
        !s) {
      return s;
    }
  }
  for (const store::Agent& a : pt.agents) {
    if (Status s = upsert(plan, a, ex.agents, a.name, &ch->agents,
                          [&](const store::Agent& x) { return scope.put_agent(x); });
        !s) {
      return s;
    }
  }
  for (const PlanDid& d : pt.dids) {
    if (Status s = upsert(plan, d.did, ex.dids, d.did.number, &ch->dids,
                          [&](const store::Did& x) { return scope.put_did(x); });
        !s) {
      return s;
    }
  }
  // The ACD configuration travels as one value: the daemon rebuilds the
  // tenant's engine from it.
  Status acd = pt.acd_config.empty() ? scope.delete_setting(kAcdSetting)
                                     : scope.set_setting(kAcdSetting, pt.acd_config);
  if (!acd) return store_error(plan, acd.error());
  return Status::Ok();
}

std::string counts_text(const char* what, const ChangeCounts& c) {
  return std::string(what) + " " + std::to_string(c.added) + " added, " +
         std::to_string(c.changed) + " changed, " + std::to_string(c.removed) + " removed, " +
         std::to_string(c.unchanged) + " unchanged";
}

}  // namespace

std::string summary_line(const TenantChanges& c) {
  const char* state = c.created          ? "created, domain "
                      : c.domain_changed ? "existed, domain now "
                                         : "existed, domain ";
  return c.name + ": " + state + c.sip_domain + "; " + counts_text("trunks", c.trunks) + "; " +
         counts_text("agents", c.agents) + "; " + counts_text("dids", c.dids);
}

Result<std::vector<TenantChanges>> apply_plan(store::Store& st, const ProvisionPlan& plan) {
  std::vector<TenantChanges> changes;
  Status done = st.transaction([&]() -> Status {
    auto all = st.tenants();
    if (!all) return store_error(plan, all.error());
    if (Status s = check_against_others(st, plan, *all); !s) return s;
    std::vector<Existing> existing(plan.tenants.size());
    changes.assign(plan.tenants.size(), TenantChanges{});
    for (std::size_t i = 0; i < plan.tenants.size(); ++i) {
      changes[i].name = plan.tenants[i].name;
      changes[i].sip_domain = plan.tenants[i].sip_domain;
      if (Status s = read_existing(st, plan, plan.tenants[i], &existing[i]); !s) return s;
    }
    for (std::size_t i = 0; i < plan.tenants.size(); ++i) {
      if (existing[i].id == 0) continue;
      if (Status s = release(plan, plan.tenants[i], existing[i], st, &changes[i]); !s) return s;
    }
    for (std::size_t i = 0; i < plan.tenants.size(); ++i) {
      if (Status s = write(plan, plan.tenants[i], existing[i], st, &changes[i]); !s) return s;
    }
    return Status::Ok();
  });
  if (!done) return done.error();
  return changes;
}

}  // namespace trunkline::tenant
