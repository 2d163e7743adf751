// The location service: bindings per (tenant, agent), the ordering rules of
// RFC 3261 section 10.3 step 7, expiry, limits, and concurrent use.
#include "control/registrar/location_service.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <thread>
#include <vector>

namespace trunkline::registrar {
namespace {

sip::Peer peer(const char* ip, std::uint16_t port) {
  sip::Peer p;
  p.ip = net::IpKey::of(*net::Ip4::parse(ip));
  p.port = port;
  return p;
}

struct Req {
  std::vector<ContactChange> contacts;
  bool remove_all = false;
  const char* call_id = "call-1";
  std::uint32_t cseq = 1;
  std::uint64_t now_ms = 0;
  std::int64_t tenant = 1;
  const char* agent = "alice";
  sip::Peer source = peer("203.0.113.5", 40000);
};

ApplyResult apply(LocationService& ls, const Req& r) {
  RegisterChange c;
  c.tenant = r.tenant;
  c.agent = r.agent;
  c.contacts = r.contacts;
  c.remove_all = r.remove_all;
  c.source = r.source;
  c.call_id = r.call_id;
  c.cseq = r.cseq;
  c.now_ms = r.now_ms;
  return ls.apply(c);
}

TEST(RegistrarLocation, AddsAndOrdersByQThenMostRecent) {
  LocationService ls;
  ASSERT_TRUE(apply(ls, {{{"sip:alice@10.0.0.1", 500, 600}}}).ok());
  ASSERT_TRUE(apply(ls, {{{"sip:alice@10.0.0.2", 500, 600}}, false, "call-2", 1, 1000}).ok());
  ASSERT_TRUE(apply(ls, {{{"sip:alice@10.0.0.3", 1000, 600}}, false, "call-3", 1, 500}).ok());
  auto b = ls.lookup(1, "alice", 2000);
  ASSERT_EQ(b.size(), 3u);
  EXPECT_EQ(b[0].contact, "sip:alice@10.0.0.3");  // q=1
  EXPECT_EQ(b[1].contact, "sip:alice@10.0.0.2");  // q=0.5, more recent
  EXPECT_EQ(b[2].contact, "sip:alice@10.0.0.1");
  EXPECT_EQ(b[0].source, peer("203.0.113.5", 40000));
  EXPECT_EQ(b[2].expires_in_s(2000), 598u);
  EXPECT_EQ(ls.size(), 3u);
  EXPECT_EQ(ls.counters().bindings_added, 3u);
}

TEST(RegistrarLocation, RefreshUpdatesSourceAndExpiry) {
  LocationService ls;
  ASSERT_TRUE(apply(ls, {{{"sip:alice@10.0.0.1:5060", 1000, 60}}}).ok());
  Req r{{{"sip:alice@10.0.0.1:5060;ob", 1000, 120}}, false, "call-1", 2, 30'000};
  r.source = peer("203.0.113.5", 40001);  // NAT rebinding
  ApplyResult res = apply(ls, r);
  ASSERT_TRUE(res.ok());
  EXPECT_EQ(res.refreshed, 1u);
  EXPECT_EQ(res.added, 0u);
  auto b = ls.lookup(1, "alice", 30'000);
  ASSERT_EQ(b.size(), 1u);
  EXPECT_EQ(b[0].contact, "sip:alice@10.0.0.1:5060;ob");
  EXPECT_EQ(b[0].source.port, 40001);
  EXPECT_EQ(b[0].expires_in_s(30'000), 120u);
  EXPECT_EQ(b[0].cseq, 2u);
}

TEST(RegistrarLocation, OrderingRulesOfStep7) {
  LocationService ls;
  ASSERT_TRUE(apply(ls, {{{"sip:alice@10.0.0.1", 1000, 600}}, false, "call-1", 5}).ok());
  // Same Call-ID, CSeq not higher: refused, nothing changes.
  EXPECT_EQ(apply(ls, {{{"sip:alice@10.0.0.1", 1000, 0}}, false, "call-1", 5}).error,
            ApplyError::kOutOfOrder);
  EXPECT_EQ(apply(ls, {{{"sip:alice@10.0.0.1", 1000, 900}}, false, "call-1", 4}).error,
            ApplyError::kOutOfOrder);
  EXPECT_EQ(apply(ls, {{}, true, "call-1", 5}).error, ApplyError::kOutOfOrder);
  EXPECT_EQ(ls.lookup(1, "alice", 0).size(), 1u);
  EXPECT_EQ(ls.counters().refused_out_of_order, 3u);
  // Another Call-ID (the phone rebooted) may change it whatever its CSeq.
  ApplyResult r = apply(ls, {{{"sip:alice@10.0.0.1", 1000, 300}}, false, "call-9", 1});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.refreshed, 1u);
  EXPECT_EQ(ls.lookup(1, "alice", 0)[0].call_id, "call-9");
}

TEST(RegistrarLocation, AllOrNothing) {
  LocationService ls;
  ASSERT_TRUE(apply(ls, {{{"sip:alice@10.0.0.1", 1000, 600}}, false, "call-1", 5}).ok());
  // The second contact is out of order: the first is not added either.
  EXPECT_EQ(apply(ls, {{{"sip:alice@10.0.0.2", 1000, 600}, {"sip:alice@10.0.0.1", 1000, 600}},
                       false,
                       "call-1",
                       5})
                .error,
            ApplyError::kOutOfOrder);
  EXPECT_EQ(ls.lookup(1, "alice", 0).size(), 1u);
}

TEST(RegistrarLocation, RemoveOneAndAll) {
  LocationService ls;
  ASSERT_TRUE(
      apply(ls, {{{"sip:alice@10.0.0.1", 1000, 600}, {"sip:alice@10.0.0.2", 1000, 600}}}).ok());
  // The user part is compared with its case: not a binding, nothing removed.
  ApplyResult r = apply(ls, {{{"sip:ALICE@10.0.0.1", 1000, 0}}, false, "call-1", 2});
  EXPECT_TRUE(r.ok());
  EXPECT_EQ(r.removed, 0u);
  r = apply(ls, {{{"sip:alice@10.0.0.1", 1000, 0}}, false, "call-1", 3});
  EXPECT_EQ(r.removed, 1u);
  auto b = ls.lookup(1, "alice", 0);
  ASSERT_EQ(b.size(), 1u);
  EXPECT_EQ(b[0].contact, "sip:alice@10.0.0.2");
  r = apply(ls, {{}, true, "call-1", 4});
  EXPECT_EQ(r.removed, 1u);
  EXPECT_TRUE(ls.lookup(1, "alice", 0).empty());
  EXPECT_EQ(ls.size(), 0u);
}

TEST(RegistrarLocation, ExpiryOverTime) {
  LocationService ls;
  ASSERT_TRUE(apply(ls, {{{"sip:alice@10.0.0.1", 1000, 60}}}).ok());
  ASSERT_TRUE(apply(ls, {{{"sip:alice@10.0.0.2", 1000, 120}}, false, "call-2"}).ok());
  EXPECT_EQ(ls.lookup(1, "alice", 59'999).size(), 2u);
  EXPECT_EQ(ls.lookup(1, "alice", 60'000).size(), 1u);  // lookups ignore the expired
  EXPECT_EQ(ls.size(), 2u);
  EXPECT_EQ(ls.expire(60'000), 1u);
  EXPECT_EQ(ls.size(), 1u);
  EXPECT_EQ(ls.expire(120'000), 1u);
  EXPECT_EQ(ls.size(), 0u);
  EXPECT_EQ(ls.counters().bindings_expired, 2u);
}

TEST(RegistrarLocation, TenantsAndAgentsAreSeparate) {
  LocationService ls;
  Req a{{{"sip:alice@10.0.0.1", 1000, 600}}};
  Req b{{{"sip:alice@10.0.0.2", 1000, 600}}};
  b.tenant = 2;
  Req c{{{"sip:bob@10.0.0.3", 1000, 600}}};
  c.agent = "bob";
  ASSERT_TRUE(apply(ls, a).ok());
  ASSERT_TRUE(apply(ls, b).ok());
  ASSERT_TRUE(apply(ls, c).ok());
  ASSERT_EQ(ls.lookup(1, "alice", 0).size(), 1u);
  EXPECT_EQ(ls.lookup(1, "alice", 0)[0].contact, "sip:alice@10.0.0.1");
  EXPECT_EQ(ls.lookup(2, "alice", 0)[0].contact, "sip:alice@10.0.0.2");
  EXPECT_TRUE(ls.lookup(2, "bob", 0).empty());
}

TEST(RegistrarLocation, LimitsPerAgentAndInTotal) {
  LocationService ls(LocationService::Limits{2, 3});
  ASSERT_TRUE(apply(ls, {{{"sip:a@10.0.0.1", 1000, 600}, {"sip:a@10.0.0.2", 1000, 600}}}).ok());
  EXPECT_EQ(apply(ls, {{{"sip:a@10.0.0.3", 1000, 600}}, false, "call-1", 2}).error,
            ApplyError::kTooManyContacts);
  // A refresh at the limit is fine.
  EXPECT_TRUE(apply(ls, {{{"sip:a@10.0.0.2", 1000, 600}}, false, "call-1", 3}).ok());
  // A per-request limit below the service's applies too.
  {
    RegisterChange c;
    c.tenant = 1;
    c.agent = "carol";
    std::vector<ContactChange> two{{"sip:c@10.0.0.1", 1000, 60}, {"sip:c@10.0.0.2", 1000, 60}};
    c.contacts = two;
    c.call_id = "x";
    c.max_contacts = 1;
    EXPECT_EQ(ls.apply(c).error, ApplyError::kTooManyContacts);
  }
  Req bob{{{"sip:b@10.0.0.1", 1000, 60}}};
  bob.agent = "bob";
  ASSERT_TRUE(apply(ls, bob).ok());  // 3 in total
  Req dave{{{"sip:d@10.0.0.1", 1000, 600}}};
  dave.agent = "dave";
  EXPECT_EQ(apply(ls, dave).error, ApplyError::kTableFull);
  EXPECT_EQ(ls.counters().refused_table_full, 1u);
  EXPECT_EQ(ls.counters().refused_agent_full, 2u);
  // Once bob's binding has expired, the full table purges it and takes dave.
  dave.now_ms = 61'000;
  EXPECT_TRUE(apply(ls, dave).ok());
  EXPECT_EQ(ls.size(), 3u);
}

TEST(RegistrarLocation, ContactKey) {
  EXPECT_EQ(contact_key("sip:alice@EXAMPLE.com:5060"), contact_key("SIP:alice@example.COM:5060"));
  EXPECT_EQ(contact_key("sip:al%69ce@h"), contact_key("sip:alice@h"));
  EXPECT_EQ(contact_key("sip:alice@h;ob;rinstance=1"), contact_key("sip:alice@h"));
  EXPECT_NE(contact_key("sip:Alice@h"), contact_key("sip:alice@h"));
  EXPECT_NE(contact_key("sip:alice@h:5060"), contact_key("sip:alice@h"));
  EXPECT_NE(contact_key("sip:alice@h;transport=tcp"), contact_key("sip:alice@h"));
  EXPECT_EQ(contact_key("sip:alice@h;transport=TCP"), contact_key("sip:alice@h;transport=tcp"));
  EXPECT_NE(contact_key("sips:alice@h"), contact_key("sip:alice@h"));
}

TEST(RegistrarLocation, ConcurrentShards) {
  LocationService ls(LocationService::Limits{8, 100000});
  constexpr int kThreads = 4, kAgents = 200;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&ls, t] {
      for (int i = 0; i < kAgents; ++i) {
        const std::string agent = "agent" + std::to_string(i);
        const std::string contact = "sip:" + agent + "@10.0." + std::to_string(t) + ".1";
        std::vector<ContactChange> cs{{contact, 1000, 600}};
        const std::string call_id = "call-" + std::to_string(t);
        RegisterChange c;
        c.tenant = 1;
        c.agent = agent;
        c.contacts = cs;
        c.call_id = call_id;
        c.cseq = 1;
        if (!ls.apply(c).ok()) std::abort();
        (void)ls.lookup(1, agent, 0);
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(ls.size(), static_cast<std::size_t>(kThreads * kAgents));
  EXPECT_EQ(ls.lookup(1, "agent7", 0).size(), static_cast<std::size_t>(kThreads));
}

}  // namespace
}  // namespace trunkline::registrar
