#include "control/tenant/directory.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <string>

#include "control/tenant/provision_apply.h"
#include "control/tenant/provision_plan.h"
#include "tests/unit/tenant/tenant_test_util.h"

namespace trunkline::tenant {
namespace {

constexpr const char* kFile = R"(
[[tenants]]
name = "acme"
sip_domain = "acme.example"
  [[tenants.trunks]]
  name = "carrier-a"
  allow = ["203.0.113.0/24", "2001:db8:200::/48"]
  outbound = "203.0.113.10:5060"
  [[tenants.trunks]]
  name = "carrier-a-edge"
  allow = ["203.0.113.10"]
  [[tenants.agents]]
  name = "alice"
  display = "Alice"
  sip_user = "alice-phone"
  password = "s3cret-pass"
  [[tenants.dids]]
  number = "+81312345678"
  line_skill = "sales"
  agents = ["alice"]
  record = true
[[tenants]]
name = "beta"
sip_domain = "beta.example"
  [[tenants.trunks]]
  name = "carrier-b"
  allow = ["198.51.100.7", "2001:db8:200:1::/64"]
  [[tenants.agents]]
  name = "alice"
  sip_user = "alice-phone"
  password = "betapass1"
  [[tenants.dids]]
  number = "0312345679"
  agents = ["alice"]
)";

net::IpKey v4(const char* text) { return net::IpKey::of(*net::Ip4::parse(text)); }
net::IpKey v6(const char* text) { return net::IpKey::of(*net::Ip6::parse(text)); }

class DirectoryTest : public testing::StoreFixture {
 protected:
  void provision(const std::string& text) {
    auto plan = read_plan(text, "d.toml");
    ASSERT_TRUE(plan.ok()) << plan.error().message;
    auto r = apply_plan(*store_, *plan);
    ASSERT_TRUE(r.ok()) << r.error().message;
  }
  std::shared_ptr<const Directory> load() {
    auto d = Directory::load(*store_);
    EXPECT_TRUE(d.ok()) << d.error().message;
    return d.ok() ? *d : nullptr;
  }
  store::TenantId id_of(const char* name) { return (*store_->tenant_by_name(name))->id; }
};

TEST_F(DirectoryTest, FindsNumbersWithOrWithoutThePlus) {
  provision(kFile);
  auto d = load();
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->did_count(), 2u);
  const DirDid* a = d->find_did("+81312345678");
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a->tenant, id_of("acme"));
  EXPECT_EQ(a->line_skill, "sales");
  EXPECT_EQ(a->agents, std::vector<std::string>{"alice"});
  EXPECT_TRUE(a->record);
  EXPECT_EQ(d->find_did("81312345678"), a) << "a missing '+' is tolerated";
  EXPECT_EQ(d->find_did("81312345678;npdi"), a) << "user parameters are ignored";
  const DirDid* b = d->find_did("+0312345679");
  ASSERT_NE(b, nullptr) << "an extra '+' is tolerated";
  EXPECT_EQ(b->tenant, id_of("beta"));
  EXPECT_EQ(d->find_did("+8131234567"), nullptr);
  EXPECT_EQ(d->find_did("+813123456789"), nullptr);
  EXPECT_EQ(d->find_did(""), nullptr);
  EXPECT_EQ(d->find_did("+"), nullptr);
}

TEST_F(DirectoryTest, TrunkBySourceInIpv4AndIpv6Prefixes) {
  provision(kFile);
  auto d = load();
  ASSERT_NE(d, nullptr);
  const DirTrunk* t = d->trunk_for_source(v4("203.0.113.77"));
  ASSERT_NE(t, nullptr);
  EXPECT_EQ(t->name, "carrier-a");
  EXPECT_EQ(t->tenant, id_of("acme"));
  EXPECT_EQ(t->outbound, "203.0.113.10:5060");
  EXPECT_EQ(t->transport, "udp");
  ASSERT_NE(d->trunk_for_source(v4("203.0.113.10")), nullptr);
  EXPECT_EQ(d->trunk_for_source(v4("203.0.113.10"))->name, "carrier-a-edge")
      << "the longest prefix wins";
  EXPECT_EQ(d->trunk_for_source(v4("203.0.114.1")), nullptr);
  EXPECT_EQ(d->trunk_for_source(v4("198.51.100.7"))->name, "carrier-b");
  EXPECT_EQ(d->trunk_for_source(v4("198.51.100.8")), nullptr);

  EXPECT_EQ(d->trunk_for_source(v6("2001:db8:200:ffff::1"))->name, "carrier-a");
  EXPECT_EQ(d->trunk_for_source(v6("2001:db8:200:1::9"))->name, "carrier-b")
      << "beta's /64 is more specific than acme's /48";
  EXPECT_EQ(d->trunk_for_source(v6("2001:db8:201::1")), nullptr);
  // An IPv4 source never matches an IPv6 prefix and vice versa.
  EXPECT_EQ(d->trunk_for_source(v6("::ffff:1.2.3.4")), nullptr);

  // Scoped to a tenant: the shared /48 still answers for acme.
  const DirTrunk* scoped = d->trunk_for_source(v6("2001:db8:200:1::9"), id_of("acme"));
  ASSERT_NE(scoped, nullptr);
  EXPECT_EQ(scoped->name, "carrier-a");
  EXPECT_EQ(d->trunk_for_source(v4("203.0.113.77"), id_of("beta")), nullptr);
}

TEST_F(DirectoryTest, AgentsByNameAndByUserAtDomain) {
  provision(kFile);
  auto d = load();
  ASSERT_NE(d, nullptr);
  const DirAgent* a = d->agent(id_of("acme"), "alice");
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a->display, "Alice");
  EXPECT_EQ(a->ha1_md5.size(), 32u);
  EXPECT_EQ(a->ha1_sha256.size(), 64u);
  const DirAgent* b = d->agent(id_of("beta"), "alice");
  ASSERT_NE(b, nullptr);
  EXPECT_NE(a, b);
  EXPECT_NE(a->ha1_md5, b->ha1_md5) << "realm and password differ";
  EXPECT_EQ(d->agent(id_of("acme"), "bob"), nullptr);

  EXPECT_EQ(d->agent_by_user("acme.example", "alice-phone"), a);
  EXPECT_EQ(d->agent_by_user("ACME.Example", "alice-phone"), a) << "domains ignore case";
  EXPECT_EQ(d->agent_by_user("beta.example", "alice-phone"), b);
  EXPECT_EQ(d->agent_by_user("acme.example", "Alice-phone"), nullptr) << "users do not";
  EXPECT_EQ(d->agent_by_user("acme.example", "alice"), nullptr) << "by sip user, not name";
  EXPECT_EQ(d->agent_by_user("gamma.example", "alice-phone"), nullptr);

  const DirTenant* t = d->tenant_by_domain("Beta.Example");
  ASSERT_NE(t, nullptr);
  EXPECT_EQ(t->name, "beta");
  EXPECT_EQ(d->tenant(t->id), t);
  EXPECT_EQ(d->tenant(9999), nullptr);
  EXPECT_EQ(d->tenant_by_domain("example"), nullptr);
}

TEST_F(DirectoryTest, SnapshotDoesNotChangeWhenTheStoreDoes) {
  provision(kFile);
  auto before = load();
  ASSERT_NE(before, nullptr);
  provision(R"([[tenants]]
name = "acme"
sip_domain = "acme.example"
)");
  EXPECT_NE(before->find_did("+81312345678"), nullptr) << "the old snapshot is immutable";
  auto after = load();
  EXPECT_EQ(after->find_did("+81312345678"), nullptr);
  EXPECT_NE(after->find_did("0312345679"), nullptr);
}

// The appliance must hold at least 100,000 numbers: provision them through
// the real path (TOML file, one transaction), load a snapshot, look each up.
TEST_F(DirectoryTest, HundredThousandNumbers) {
  constexpr int kNumbers = 100000;
  std::string text = R"([[tenants]]
name = "big"
sip_domain = "big.example"
[[tenants.agents]]
name = "a1"
password = "bigpass12"
)";
  text.reserve(text.size() + kNumbers * 48);
  char line[96];
  for (int i = 0; i < kNumbers; ++i) {
    std::snprintf(line, sizeof line,
                  "[[tenants.dids]]\nnumber = \"+8150%07d\"\nagents = [\"a1\"]\n", i);
    text += line;
  }
  const auto t0 = std::chrono::steady_clock::now();
  auto plan = read_plan(text, "big.toml");
  ASSERT_TRUE(plan.ok()) << plan.error().message;
  const auto t1 = std::chrono::steady_clock::now();
  auto r = apply_plan(*store_, *plan);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ((*r)[0].dids.added, static_cast<std::size_t>(kNumbers));
  const auto t2 = std::chrono::steady_clock::now();
  auto d = load();
  ASSERT_NE(d, nullptr);
  const auto t3 = std::chrono::steady_clock::now();
  EXPECT_EQ(d->did_count(), static_cast<std::size_t>(kNumbers));
  int found = 0;
  for (int i = 0; i < kNumbers; ++i) {
    std::snprintf(line, sizeof line, "%s8150%07d", (i % 2) ? "+" : "", i);
    const DirDid* x = d->find_did(line);
    if (x != nullptr && x->agents.size() == 1) ++found;
  }
  const auto t4 = std::chrono::steady_clock::now();
  EXPECT_EQ(found, kNumbers);
  EXPECT_EQ(d->find_did("+81500100000"), nullptr);
  // Re-provisioning the same 100,000 is a no-op.
  auto again = apply_plan(*store_, *plan);
  ASSERT_TRUE(again.ok()) << again.error().message;
  EXPECT_EQ((*again)[0].dids.unchanged, static_cast<std::size_t>(kNumbers));
  const auto t5 = std::chrono::steady_clock::now();
  auto ms = [](auto a, auto b) {
    return static_cast<long long>(
        std::chrono::duration_cast<std::chrono::milliseconds>(b - a).count());
  };
  // Reported, not asserted: timings depend on the machine.
  std::printf(
      "[ timing ] 100000 numbers: parse %lld ms, apply %lld ms, load %lld ms, "
      "100000 lookups %lld ms, re-apply %lld ms\n",
      ms(t0, t1), ms(t1, t2), ms(t2, t3), ms(t3, t4), ms(t4, t5));
}

}  // namespace
}  // namespace trunkline::tenant
