#include "control/app/edge_plane.h"

#include "common/log.h"
#include "dataplane/edge/policy_builder.h"

namespace trunkline::app {

void publish_edge_policy(const config::EdgeConfig& c, const tenant::Directory& dir,
                         dataplane::Dataplane& dp) {
  edge::TrustedSources sources;
  for (const tenant::DirTrunk& t : dir.trunks()) {
    sources.v4.insert(sources.v4.end(), t.allow4.begin(), t.allow4.end());
    sources.v6.insert(sources.v6.end(), t.allow6.begin(), t.allow6.end());
  }
  std::size_t contacts = 0, by_name = 0;
  for (const tenant::DirAgent& a : dir.agents()) {
    if (a.static_contact.empty()) continue;
    ++contacts;
    if (!edge::add_contact(a.static_contact, &sources)) ++by_name;
  }
  auto policy = edge::make_policy(c, sources);
  TL_LOG(kInfo, "edge_policy",
         "enabled=%s rate_per_source=%u burst_per_source=%u untrusted_rate_per_lcore=%u "
         "trusted_ranges_v4=%zu trusted_ranges_v6=%zu static_contacts=%zu "
         "static_contacts_by_name=%zu scanner_words=%zu",
         c.enabled ? "true" : "false", c.sip_rate_per_source, c.sip_burst_per_source,
         c.untrusted_rate_per_lcore, policy->trusted.ranges_v4(), policy->trusted.ranges_v6(),
         contacts, by_name, policy->scanners.size());
  dp.publish_edge_policy(std::move(policy));
}

void watch_edge(const dataplane::Dataplane& dp, edge::FloodWatch& watch) {
  edge::EdgeDrops d;
  for (const auto& l : dp.lcores()) {
    d.rate_limited += l.counters->edge_rate_limited.load(std::memory_order_relaxed);
    d.untrusted_limited += l.counters->edge_untrusted_limited.load(std::memory_order_relaxed);
    d.scanner += l.counters->edge_scanner.load(std::memory_order_relaxed);
  }
  switch (watch.observe(d)) {
    case edge::FloodWatch::Event::kStarted:
      TL_LOG(kWarn, "edge_dropping_started",
             "rate_limited=%llu untrusted_limited=%llu scanner=%llu",
             static_cast<unsigned long long>(watch.episode().rate_limited),
             static_cast<unsigned long long>(watch.episode().untrusted_limited),
             static_cast<unsigned long long>(watch.episode().scanner));
      break;
    case edge::FloodWatch::Event::kEnded:
      TL_LOG(kInfo, "edge_dropping_ended", "rate_limited=%llu untrusted_limited=%llu scanner=%llu",
             static_cast<unsigned long long>(watch.episode().rate_limited),
             static_cast<unsigned long long>(watch.episode().untrusted_limited),
             static_cast<unsigned long long>(watch.episode().scanner));
      break;
    case edge::FloodWatch::Event::kNone:
      break;
  }
}

}  // namespace trunkline::app
