#include "dataplane/edge/policy_builder.h"

namespace trunkline::edge {

bool add_contact(std::string_view contact, TrustedSources* out) {
  std::string_view host = contact;
  if (!host.empty() && host.front() == '[') {
    const std::size_t close = host.find(']');
    if (close == std::string_view::npos) return false;
    host = host.substr(1, close - 1);
  } else if (host.find(':') == host.rfind(':') && host.find(':') != std::string_view::npos) {
    host = host.substr(0, host.find(':'));  // one colon: IPv4 or name with a port
  }
  if (auto a = net::Ip4::parse(host)) {
    out->v4.push_back(net::Prefix4{*a, 32});
    return true;
  }
  if (auto a = net::Ip6::parse(host)) {
    out->v6.push_back(net::Prefix6{*a, 128});
    return true;
  }
  return false;
}

std::unique_ptr<const EdgePolicy> make_policy(const config::EdgeConfig& c,
                                              const TrustedSources& sources) {
  auto p = std::make_unique<EdgePolicy>();
  p->enabled = c.enabled;
  p->per_source = Gcra::of(c.sip_rate_per_source, c.sip_burst_per_source);
  p->untrusted = Gcra::of(c.untrusted_rate_per_lcore, c.untrusted_burst_per_lcore);
  std::vector<net::Prefix4> v4 = sources.v4;
  std::vector<net::Prefix6> v6 = sources.v6;
  v4.insert(v4.end(), c.trusted4.begin(), c.trusted4.end());
  v6.insert(v6.end(), c.trusted6.begin(), c.trusted6.end());
  p->trusted = TrustedSet(v4, v6);
  p->scanners = ScannerMatcher(c.scanner_user_agents);
  return p;
}

}  // namespace trunkline::edge
