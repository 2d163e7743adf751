// Where the B2BUA reaches an agent from the provisioned directory, and from
// which of our addresses: a phone of the other IP family than the carrier is
// reached from one of our addresses of its family (the relay re-frames the
// media between the two legs).
#include "control/b2bua/directory_routing.h"

#include <gtest/gtest.h>

#include "control/tenant/provision_apply.h"
#include "control/tenant/provision_plan.h"
#include "tests/unit/tenant/tenant_test_util.h"

namespace trunkline::b2bua {
namespace {

net::IpKey v4(const char* text) { return net::IpKey::of(*net::Ip4::parse(text)); }
net::IpKey v6(const char* text) { return net::IpKey::of(*net::Ip6::parse(text)); }

constexpr const char* kFile = R"(
[[tenants]]
name = "acme"
sip_domain = "acme.example"
  [[tenants.trunks]]
  name = "carrier"
  allow = ["2001:db8:100::10", "198.51.100.10"]
  outbound = "[2001:db8:100::10]:5060"
  [[tenants.trunks]]
  name = "secure"
  allow = ["198.51.100.11"]
  transport = "tls"
  outbound = "198.51.100.11:5061"
  [[tenants.agents]]
  name = "alice"
  sip_user = "alice"
  password = "alice-pw-1"
  static_contact = "198.51.100.20:5070"
  alternate_number = "0312349999"
  [[tenants.agents]]
  name = "bob"
  sip_user = "bob"
  password = "bob-pw-123"
  static_contact = "[2001:db8:100::21]:5070"
  [[tenants.dids]]
  number = "+81312345678"
  agents = ["alice", "bob"]
)";

// Ours: port 0 has both families, port 1 only IPv4.
const std::vector<LocalAddress> kOurs = {
    {v4("198.51.100.1"), 0}, {v6("2001:db8:100::1"), 0}, {v4("203.0.113.1"), 1}};

sip::Peer carrier_v6(std::uint16_t dpdk_port = 0) {
  sip::Peer p;
  p.ip = v6("2001:db8:100::10");
  p.port = 5060;
  p.local = v6("2001:db8:100::1");
  p.local_port = 5060;
  p.dpdk_port = dpdk_port;
  p.worker = 1;
  return p;
}

TEST(LocalFor, SameFamilyKeepsTheInboundSide) {
  const auto l = local_for(v6("2001:db8:100::21"), carrier_v6(), kOurs);
  ASSERT_TRUE(l);
  EXPECT_EQ(l->ip, v6("2001:db8:100::1"));
  EXPECT_EQ(l->dpdk_port, 0);
}

TEST(LocalFor, OtherFamilyPrefersTheInboundPortThenAnyPort) {
  auto l = local_for(v4("198.51.100.20"), carrier_v6(0), kOurs);
  ASSERT_TRUE(l);
  EXPECT_EQ(l->ip, v4("198.51.100.1"));
  l = local_for(v4("203.0.113.20"), carrier_v6(1), kOurs);
  ASSERT_TRUE(l);
  EXPECT_EQ(l->ip, v4("203.0.113.1"));
  EXPECT_EQ(l->dpdk_port, 1);
  const std::vector<LocalAddress> only_v4_on_1 = {{v6("2001:db8:100::1"), 0},
                                                  {v4("203.0.113.1"), 1}};
  l = local_for(v4("198.51.100.20"), carrier_v6(0), only_v4_on_1);
  ASSERT_TRUE(l);
  EXPECT_EQ(l->dpdk_port, 1);
}

TEST(LocalFor, NoAddressOfThatFamilyIsUnreachable) {
  EXPECT_FALSE(local_for(v4("198.51.100.20"), carrier_v6(), {{v6("2001:db8:100::1"), 0}}));
}

class DirectoryRoutingTest : public tenant::testing::StoreFixture {
 protected:
  void SetUp() override {
    StoreFixture::SetUp();
    auto plan = tenant::read_plan(kFile, "r.toml");
    ASSERT_TRUE(plan.ok()) << plan.error().message;
    auto r = tenant::apply_plan(*store_, *plan);
    ASSERT_TRUE(r.ok()) << r.error().message;
    auto d = tenant::Directory::load(*store_);
    ASSERT_TRUE(d.ok()) << d.error().message;
    holder_.set(*d);
    tenant_ = (*store_->tenant_by_name("acme"))->id;
  }
  DirectoryHolder holder_;
  store::TenantId tenant_ = 0;
};

TEST_F(DirectoryRoutingTest, AnIpv4PhoneIsRungFromOurIpv4AddressForAnIpv6Carrier) {
  DirectoryRouting routing(holder_, nullptr, kOurs);
  const InboundRoute in = routing.route(carrier_v6(), "+81312345678");
  ASSERT_EQ(in.refuse_code, 0);
  const auto ts = routing.targets(tenant_, in.trunk, "alice", carrier_v6(), 0);
  ASSERT_EQ(ts.size(), 2u) << "the static phone, then the alternate number";
  EXPECT_EQ(ts[0].kind, Target::Kind::kStatic);
  EXPECT_EQ(ts[0].peer.ip, v4("198.51.100.20"));
  EXPECT_EQ(ts[0].peer.port, 5070);
  EXPECT_EQ(ts[0].peer.local, v4("198.51.100.1"));
  EXPECT_EQ(ts[0].peer.dpdk_port, 0);
  EXPECT_EQ(ts[0].peer.local_port, 5060);
  EXPECT_EQ(ts[0].peer.worker, 1);
  // The alternate number goes back out through the (IPv6) trunk.
  EXPECT_EQ(ts[1].kind, Target::Kind::kAlternate);
  EXPECT_EQ(ts[1].peer.local, v6("2001:db8:100::1"));
  EXPECT_EQ(ts[1].peer.ip, v6("2001:db8:100::10"));

  const auto bob = routing.targets(tenant_, in.trunk, "bob", carrier_v6(), 0);
  ASSERT_EQ(bob.size(), 1u);
  EXPECT_EQ(bob[0].peer.local, v6("2001:db8:100::1"));
}

TEST_F(DirectoryRoutingTest, WithoutAnAddressOfThePhonesFamilyOnlyTheAlternateIsLeft) {
  DirectoryRouting routing(holder_, nullptr, {{v6("2001:db8:100::1"), 0}});
  const auto ts = routing.targets(tenant_, "carrier", "alice", carrier_v6(), 0);
  ASSERT_EQ(ts.size(), 1u);
  EXPECT_EQ(ts[0].kind, Target::Kind::kAlternate);
}

TEST_F(DirectoryRoutingTest, ATlsTrunksInviteIsRefusedUnlessItCameOverTls) {
  DirectoryRouting routing(holder_, nullptr, kOurs);
  sip::Peer secure;
  secure.ip = v4("198.51.100.11");
  secure.port = 40000;
  secure.local = v4("198.51.100.1");
  for (sip::TransportKind t : {sip::TransportKind::kUdp, sip::TransportKind::kTcp}) {
    secure.transport = t;
    const InboundRoute in = routing.route(secure, "+81312345678");
    EXPECT_EQ(in.refuse_code, 403) << sip::via_transport(t);
    EXPECT_EQ(in.refuse_reason, "TLS Required");
    EXPECT_TRUE(in.refused_transport);
  }
  secure.transport = sip::TransportKind::kTls;
  const InboundRoute in = routing.route(secure, "+81312345678");
  EXPECT_EQ(in.refuse_code, 0);
  EXPECT_EQ(in.trunk, "secure");
  // A UDP trunk takes TCP too (RFC 3261 §18.1.1 moves big requests to TCP).
  sip::Peer plain = carrier_v6();
  plain.transport = sip::TransportKind::kTcp;
  EXPECT_EQ(routing.route(plain, "+81312345678").refuse_code, 0);
  EXPECT_FALSE(routing.route(plain, "+81312345678").refused_transport);
}

}  // namespace
}  // namespace trunkline::b2bua
