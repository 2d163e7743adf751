#include "control/tenant/directory.h"

#include <algorithm>
#include <cstring>

#include "control/tenant/provision_plan.h"
#include "control/tenant/rules.h"

namespace trunkline::tenant {

namespace {

std::string_view digits_of(std::string_view number) {
  if (!number.empty() && number.front() == '+') number.remove_prefix(1);
  return number;
}

char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

// <0, 0, >0 like memcmp, with `query` lowercased on the fly (stored domains
// are lowercase already).
int compare_domain(std::string_view stored, std::string_view query) {
  const std::size_t n = std::min(stored.size(), query.size());
  for (std::size_t i = 0; i < n; ++i) {
    const auto a = static_cast<unsigned char>(stored[i]);
    const auto b = static_cast<unsigned char>(lower(query[i]));
    if (a != b) return a < b ? -1 : 1;
  }
  return stored.size() < query.size() ? -1 : stored.size() > query.size() ? 1 : 0;
}

bool key_less(store::TenantId ta, std::string_view a, store::TenantId tb, std::string_view b) {
  return ta != tb ? ta < tb : a < b;
}

}  // namespace

Result<std::shared_ptr<const Directory>> Directory::load(store::Store& store) {
  std::shared_ptr<Directory> d(new Directory());
  auto tenants = store.tenants();
  if (!tenants) return Error{"load directory: " + tenants.error().message};
  for (const store::Tenant& t : *tenants) {
    auto scope = store.tenant(t.id);
    if (!scope) return Error{"load directory: " + scope.error().message};
    auto acd = (*scope)->setting(kAcdSetting);
    if (!acd) return Error{"load directory: tenant '" + t.name + "': " + acd.error().message};
    d->tenants_.push_back({t.id, t.name, rules::lowercase(t.sip_domain), acd->value_or("")});
    auto trunks = (*scope)->trunks();
    if (!trunks) return Error{"load directory: tenant '" + t.name + "': " + trunks.error().message};
    for (store::Trunk& tr : *trunks) {
      DirTrunk dt{t.id, std::move(tr.name),      {},
                  {},   std::move(tr.transport), std::move(tr.outbound)};
      for (const std::string& src : tr.allow) {
        if (src.find(':') == std::string::npos) {
          auto p = net::Prefix4::parse(src);
          if (!p) return Error{"load directory: trunk '" + dt.name + "': bad source '" + src + "'"};
          dt.allow4.push_back(*p);
        } else {
          auto p = net::Prefix6::parse(src);
          if (!p) return Error{"load directory: trunk '" + dt.name + "': bad source '" + src + "'"};
          dt.allow6.push_back(*p);
        }
      }
      d->trunks_.push_back(std::move(dt));
    }
    auto agents = (*scope)->agents();
    if (!agents) return Error{"load directory: tenant '" + t.name + "': " + agents.error().message};
    for (store::Agent& a : *agents) {
      d->agents_.push_back({t.id, std::move(a.name), std::move(a.display), std::move(a.sip_user),
                            std::move(a.ha1_md5), std::move(a.ha1_sha256),
                            std::move(a.static_contact), std::move(a.alternate_number), a.srtp,
                            std::move(a.skills), std::move(a.queues)});
    }
    auto dids = (*scope)->dids();
    if (!dids) return Error{"load directory: tenant '" + t.name + "': " + dids.error().message};
    for (store::Did& n : *dids) {
      auto menu = decode_menu(n.menu);
      if (!menu) return Error{"load directory: number '" + n.number + "': " + menu.error().message};
      d->dids_.push_back({t.id, std::move(n.number), std::move(n.line_skill), std::move(n.agents),
                          n.record, std::move(n.queue), std::move(*menu)});
    }
  }
  // The store lists tenants by ID and each tenant's entries by name or
  // number, so the vectors are already in (tenant, key) order; sorting again
  // keeps that an invariant of this file rather than of the store's SQL.
  std::sort(d->tenants_.begin(), d->tenants_.end(),
            [](const DirTenant& a, const DirTenant& b) { return a.id < b.id; });
  std::sort(d->trunks_.begin(), d->trunks_.end(), [](const DirTrunk& a, const DirTrunk& b) {
    return key_less(a.tenant, a.name, b.tenant, b.name);
  });
  std::sort(d->agents_.begin(), d->agents_.end(), [](const DirAgent& a, const DirAgent& b) {
    return key_less(a.tenant, a.name, b.tenant, b.name);
  });

  for (std::uint32_t i = 0; i < d->tenants_.size(); ++i)
    if (!d->tenants_[i].sip_domain.empty()) d->by_domain_.push_back(i);
  std::sort(d->by_domain_.begin(), d->by_domain_.end(), [&](std::uint32_t a, std::uint32_t b) {
    return d->tenants_[a].sip_domain < d->tenants_[b].sip_domain;
  });
  d->by_user_.resize(d->agents_.size());
  for (std::uint32_t i = 0; i < d->by_user_.size(); ++i) d->by_user_[i] = i;
  std::sort(d->by_user_.begin(), d->by_user_.end(), [&](std::uint32_t a, std::uint32_t b) {
    return key_less(d->agents_[a].tenant, d->agents_[a].sip_user, d->agents_[b].tenant,
                    d->agents_[b].sip_user);
  });
  d->by_digits_.resize(d->dids_.size());
  for (std::uint32_t i = 0; i < d->by_digits_.size(); ++i) d->by_digits_[i] = i;
  std::sort(d->by_digits_.begin(), d->by_digits_.end(), [&](std::uint32_t a, std::uint32_t b) {
    return digits_of(d->dids_[a].number) < digits_of(d->dids_[b].number);
  });
  return std::shared_ptr<const Directory>(std::move(d));
}

const DirDid* Directory::find_did(std::string_view number) const {
  number = number.substr(0, number.find(';'));
  const std::string_view key = digits_of(number);
  if (key.empty()) return nullptr;
  auto it = std::lower_bound(
      by_digits_.begin(), by_digits_.end(), key,
      [&](std::uint32_t i, std::string_view k) { return digits_of(dids_[i].number) < k; });
  if (it == by_digits_.end() || digits_of(dids_[*it].number) != key) return nullptr;
  return &dids_[*it];
}

const DirTrunk* Directory::best_trunk(const net::IpKey& src, bool any_tenant,
                                      store::TenantId tenant) const {
  const DirTrunk* best = nullptr;
  int best_len = -1;
  // trunks_ is in (tenant, name) order and only a strictly longer prefix
  // replaces the best so far, which gives the documented tie-break.
  if (src.is_v4()) {
    net::Ip4 a;
    std::memcpy(&a.be, &src.b[12], 4);
    for (const DirTrunk& t : trunks_) {
      if (!any_tenant && t.tenant != tenant) continue;
      for (const net::Prefix4& p : t.allow4) {
        if (p.len > best_len && p.contains(a)) {
          best = &t;
          best_len = p.len;
        }
      }
    }
  } else {
    net::Ip6 a;
    a.b = src.b;
    for (const DirTrunk& t : trunks_) {
      if (!any_tenant && t.tenant != tenant) continue;
      for (const net::Prefix6& p : t.allow6) {
        if (p.len > best_len && p.contains(a)) {
          best = &t;
          best_len = p.len;
        }
      }
    }
  }
  return best;
}

const DirTrunk* Directory::trunk_for_source(const net::IpKey& src) const {
  return best_trunk(src, true, 0);
}

const DirTrunk* Directory::trunk_for_source(const net::IpKey& src, store::TenantId tenant) const {
  return best_trunk(src, false, tenant);
}

const DirAgent* Directory::agent(store::TenantId tenant, std::string_view name) const {
  auto it = std::lower_bound(
      agents_.begin(), agents_.end(), name,
      [&](const DirAgent& a, std::string_view n) { return key_less(a.tenant, a.name, tenant, n); });
  if (it == agents_.end() || it->tenant != tenant || it->name != name) return nullptr;
  return &*it;
}

const DirAgent* Directory::agent_by_user(std::string_view domain, std::string_view sip_user) const {
  const DirTenant* t = tenant_by_domain(domain);
  if (t == nullptr) return nullptr;
  const store::TenantId id = t->id;
  auto it = std::lower_bound(by_user_.begin(), by_user_.end(), sip_user,
                             [&](std::uint32_t i, std::string_view u) {
                               return key_less(agents_[i].tenant, agents_[i].sip_user, id, u);
                             });
  if (it == by_user_.end()) return nullptr;
  const DirAgent& a = agents_[*it];
  return a.tenant == id && a.sip_user == sip_user ? &a : nullptr;
}

const DirTenant* Directory::tenant(store::TenantId id) const {
  auto it = std::lower_bound(tenants_.begin(), tenants_.end(), id,
                             [](const DirTenant& t, store::TenantId v) { return t.id < v; });
  return it != tenants_.end() && it->id == id ? &*it : nullptr;
}

const DirTenant* Directory::tenant_by_domain(std::string_view domain) const {
  auto it = std::lower_bound(by_domain_.begin(), by_domain_.end(), domain,
                             [&](std::uint32_t i, std::string_view q) {
                               return compare_domain(tenants_[i].sip_domain, q) < 0;
                             });
  if (it == by_domain_.end() || compare_domain(tenants_[*it].sip_domain, domain) != 0) {
    return nullptr;
  }
  return &tenants_[*it];
}

}  // namespace trunkline::tenant
