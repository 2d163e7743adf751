#include "dataplane/edge/gate.h"

namespace trunkline::edge {

Verdict admit(EdgeLcore& e, const std::uint8_t* ip, std::uint64_t now_ns, net::Counters& c) {
  const EdgePolicy* p = e.policy;
  if (p == nullptr || !p->enabled) return Verdict::kPass;  // before the first policy: open
  const bool v4 = (ip[0] >> 4) == 4;
  if (v4 ? p->trusted.contains_v4(ip + 12) : p->trusted.contains_v6(ip + 8)) {
    net::bump(c.edge_trusted);
    return Verdict::kPass;
  }
  const SourceLimiter::Outcome o =
      e.sources.charge(v4 ? source_key_v4(ip + 12) : source_key_v6(ip + 8), now_ns, p->per_source);
  if (o.created) net::bump(c.edge_sources_new);
  if (o.evicted_live) net::bump(c.edge_sources_evicted);
  if (!o.admitted) {
    net::bump(c.edge_rate_limited);
    return Verdict::kDrop;
  }
  // After the per-source check, so one flooding source does not spend the
  // budget the other untrusted sources share.
  if (!gcra_charge(&e.untrusted_tat, now_ns, p->untrusted)) {
    net::bump(c.edge_untrusted_limited);
    return Verdict::kDrop;
  }
  return Verdict::kCheck;
}

bool drop_scanner(const EdgeLcore& e, std::string_view user_agent, net::Counters& c) {
  if (e.policy == nullptr || !e.policy->scanners.matches(user_agent)) return false;
  net::bump(c.edge_scanner);
  return true;
}

}  // namespace trunkline::edge
