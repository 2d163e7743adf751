// The call path's view of tenants, numbers, trunks and agents: an immutable
// snapshot loaded from the store once (at start-up, after a provisioning
// run) and shared read-only by the SIP shards through a
// shared_ptr<const Directory>. Nothing in it changes after load(), so shards
// read it without locks; a new snapshot replaces the pointer as a whole.
//
// Lookups allocate nothing: numbers, agents and domains are found by binary
// search over index vectors built at load (log2 of 100,000 numbers is 17
// comparisons); trunks by a scan of their allow-lists (trunks are few).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "control/store/store.h"
#include "control/tenant/dtmf_menu.h"
#include "dataplane/net/addr.h"

namespace trunkline::tenant {

struct DirTrunk {
  store::TenantId tenant = 0;
  std::string name;
  std::vector<net::Prefix4> allow4;
  std::vector<net::Prefix6> allow6;
  std::string transport;  // udp | tcp | tls
  std::string outbound;   // "host:port" or ""
};

struct DirAgent {
  store::TenantId tenant = 0;
  // ha1_* are lowercase hex of H(sip_user:realm:password), realm = the
  // tenant's sip_domain (control/tenant/digest.h computes the rest).
  std::string name, display, sip_user, ha1_md5, ha1_sha256, static_contact, alternate_number;
  bool srtp = false;                                // the phone takes SRTP only
  std::vector<std::pair<std::string, int>> skills;  // ACD skill, proficiency 1..5
  std::vector<std::string> queues;                  // ACD queues, in the order joined
};

struct DirDid {
  store::TenantId tenant = 0;
  std::string number, line_skill;
  std::vector<std::string> agents;  // in the order tried
  bool record = false;
  std::string queue;  // "": no ACD, `agents` are tried; else the ACD queue
  DtmfMenu menu;      // before the queue; empty(): none
};

struct DirTenant {
  store::TenantId id = 0;
  // sip_domain is lowercase ("" if none) and is the digest realm the agents'
  // HA1s were computed with: challenge with exactly this string.
  std::string name, sip_domain;
  std::string acd_config;  // [tenants.acd] as TOML (acd::parse_acd_config); "": no ACD
};

class Directory {
 public:
  // Reads every tenant through its own TenantStore scope.
  static Result<std::shared_ptr<const Directory>> load(store::Store& store);

  // `number` is the user part of a Request-URI or To: a leading '+' on either
  // side is ignored, as is anything from a ';' on (user parameters).
  const DirDid* find_did(std::string_view number) const;
  // The trunk whose allow-list holds `src`, of any tenant; the longest
  // matching prefix wins, a tie goes to the lowest tenant ID, then name.
  const DirTrunk* trunk_for_source(const net::IpKey& src) const;
  // Same, among one tenant's trunks (a carrier address shared by tenants is
  // resolved by the tenant of the number called).
  const DirTrunk* trunk_for_source(const net::IpKey& src, store::TenantId tenant) const;
  const DirAgent* agent(store::TenantId tenant, std::string_view name) const;
  // For the registrar: the agent whose phone registers as sip_user@domain
  // (domain compared case-insensitively, sip_user exactly).
  const DirAgent* agent_by_user(std::string_view domain, std::string_view sip_user) const;
  const DirTenant* tenant(store::TenantId id) const;
  const DirTenant* tenant_by_domain(std::string_view domain) const;

  std::size_t did_count() const { return dids_.size(); }
  const std::vector<DirTenant>& tenants() const { return tenants_; }
  const std::vector<DirTrunk>& trunks() const { return trunks_; }
  const std::vector<DirAgent>& agents() const { return agents_; }  // by (tenant, name)

 private:
  Directory() = default;
  const DirTrunk* best_trunk(const net::IpKey& src, bool any_tenant, store::TenantId tenant) const;

  std::vector<DirTenant> tenants_;        // by id
  std::vector<std::uint32_t> by_domain_;  // indexes into tenants_, by sip_domain
  std::vector<DirTrunk> trunks_;          // by (tenant, name)
  std::vector<DirAgent> agents_;          // by (tenant, name)
  std::vector<std::uint32_t> by_user_;    // indexes into agents_, by (tenant, sip_user)
  std::vector<DirDid> dids_;              // by (tenant, number)
  std::vector<std::uint32_t> by_digits_;  // indexes into dids_, by number without '+'
};

}  // namespace trunkline::tenant
