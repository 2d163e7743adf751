#include <gtest/gtest.h>

#include <thread>

#include "dataplane/edge/gate.h"
#include "dataplane/edge/policy.h"

namespace trunkline::edge {
namespace {

std::unique_ptr<const EdgePolicy> policy(std::uint32_t rate) {
  auto p = std::make_unique<EdgePolicy>();
  p->per_source = Gcra::of(rate, 1);
  return p;
}

TEST(PolicyExchange, AReplacedPolicyWaitsForEveryLcoreToPoll) {
  PolicyExchange x;
  EdgeLcore a, b;
  net::Counters c;
  a.exchange = b.exchange = &x;
  x.add_reader(&a.seen);
  x.add_reader(&b.seen);
  EXPECT_EQ(x.publish(policy(1), std::chrono::microseconds(0), true), 0u);  // nothing replaced
  refresh(a, c);
  refresh(b, c);
  const EdgePolicy* first = a.policy;
  ASSERT_NE(first, nullptr);
  // b polls again, a does not: the first policy must stay alive for a.
  EXPECT_EQ(x.publish(policy(2), std::chrono::microseconds(1000), true), 1u);
  refresh(b, c);
  EXPECT_EQ(x.reclaim(true), 1u);
  EXPECT_EQ(a.policy, first);  // still readable
  EXPECT_EQ(a.policy->per_source.interval_ns, 1'000'000'000u);
  refresh(a, c);
  EXPECT_EQ(a.policy->per_source.interval_ns, 500'000'000u);
  EXPECT_EQ(x.reclaim(true), 0u);
  EXPECT_EQ(c.edge_policy_updates.load(), 4u);
}

TEST(PolicyExchange, PublishWaitsForAPollingLcore) {
  PolicyExchange x;
  EdgeLcore l;
  net::Counters c;
  l.exchange = &x;
  x.add_reader(&l.seen);
  x.publish(policy(1), std::chrono::microseconds(0), true);
  std::atomic<bool> stop{false};
  std::thread lcore([&] {
    while (!stop.load()) {
      refresh(l, c);
      volatile std::uint64_t v = l.policy != nullptr ? l.policy->per_source.interval_ns : 0;
      (void)v;
    }
  });
  for (std::uint32_t r = 2; r < 200; ++r)
    EXPECT_EQ(x.publish(policy(r), std::chrono::seconds(5), true), 0u);
  stop = true;
  lcore.join();
}

TEST(PolicyExchange, StoppedLcoresLetGoAtOnce) {
  PolicyExchange x;
  EdgeLcore l;
  l.exchange = &x;
  x.add_reader(&l.seen);
  x.publish(policy(1), std::chrono::microseconds(0), false);
  EXPECT_EQ(x.publish(policy(2), std::chrono::microseconds(0), false), 0u);
}

}  // namespace
}  // namespace trunkline::edge
