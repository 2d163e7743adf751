#include "dataplane/edge/gate.h"

#include <gtest/gtest.h>

#include <array>
#include <cstring>
#include <string>

#include "control/sip/preparse.h"
#include "dataplane/edge/policy_builder.h"

namespace trunkline::edge {
namespace {

constexpr std::uint64_t kNow = 5'000'000'000'000;

// An IPv4 header (enough of it: version and source) from `src`.
std::array<std::uint8_t, 20> ip4(const char* src) {
  std::array<std::uint8_t, 20> h{};
  h[0] = 0x45;
  std::memcpy(&h[12], &net::Ip4::parse(src)->be, 4);
  return h;
}

std::array<std::uint8_t, 40> ip6(const char* src) {
  std::array<std::uint8_t, 40> h{};
  h[0] = 0x60;
  std::memcpy(&h[8], net::Ip6::parse(src)->b.data(), 16);
  return h;
}

struct Gate : ::testing::Test {
  PolicyExchange exchange;
  EdgeLcore lcore;
  net::Counters c;

  void SetUp() override {
    lcore.sources = SourceLimiter(1024, 99);
    lcore.exchange = &exchange;
    exchange.add_reader(&lcore.seen);
  }
  void publish(const config::EdgeConfig& cfg, const char* trunk = "198.51.100.10") {
    TrustedSources t;
    ASSERT_TRUE(add_contact(trunk, &t));
    exchange.publish(make_policy(cfg, t), std::chrono::microseconds(0), false);
    refresh(lcore, c);
  }
  int passed(const std::uint8_t* ip, int n) {
    int ok = 0;
    for (int i = 0; i < n; ++i) ok += admit(lcore, ip, kNow, c) != Verdict::kDrop ? 1 : 0;
    return ok;
  }
};

TEST_F(Gate, BeforeAnyPolicyEverythingPasses) {
  refresh(lcore, c);
  const auto h = ip4("198.51.100.30");
  EXPECT_EQ(passed(h.data(), 1000), 1000);
  EXPECT_EQ(c.edge_rate_limited.load(), 0u);
}

TEST_F(Gate, UntrustedSourceIsCutAtItsBurstAndTheTrunkNever) {
  config::EdgeConfig cfg;
  cfg.sip_rate_per_source = 10;
  cfg.sip_burst_per_source = 20;
  publish(cfg);
  EXPECT_EQ(c.edge_policy_updates.load(), 1u);
  const auto flood = ip4("198.51.100.30");
  const auto trunk = ip4("198.51.100.10");
  EXPECT_EQ(passed(flood.data(), 5000), 20);
  EXPECT_EQ(passed(trunk.data(), 5000), 5000);
  EXPECT_EQ(admit(lcore, trunk.data(), kNow, c), Verdict::kPass);  // no scanner check either
  EXPECT_EQ(c.edge_rate_limited.load(), 4980u);
  EXPECT_EQ(c.edge_trusted.load(), 5001u);
  EXPECT_EQ(c.edge_sources_new.load(), 1u);
}

TEST_F(Gate, UntrustedBudgetOfTheLcoreCapsASpray) {
  config::EdgeConfig cfg;
  cfg.untrusted_rate_per_lcore = 100;
  cfg.untrusted_burst_per_lcore = 50;
  publish(cfg);
  int ok = 0;
  for (int i = 0; i < 200; ++i) {  // 200 sources, one datagram each: all within their own limit
    const std::string a = "198.51.100." + std::to_string(i);
    ok += admit(lcore, ip4(a.c_str()).data(), kNow, c) == Verdict::kCheck ? 1 : 0;
  }
  EXPECT_EQ(ok, 50);  // .10, the trunk, is among them and passes outside the budget
  EXPECT_EQ(c.edge_untrusted_limited.load(), 149u);
  EXPECT_EQ(passed(ip4("198.51.100.10").data(), 10), 10);
}

TEST_F(Gate, Ipv6FloodIsLimitedPerSlash64) {
  config::EdgeConfig cfg;
  cfg.sip_burst_per_source = 5;
  cfg.trusted6.push_back(*net::Prefix6::parse("2001:db8:ffff::/48"));
  publish(cfg);
  EXPECT_EQ(passed(ip6("2001:db8:1:2::1").data(), 3), 3);
  EXPECT_EQ(passed(ip6("2001:db8:1:2::ffff").data(), 10), 2);     // same /64: the rest of its burst
  EXPECT_EQ(passed(ip6("2001:db8:ffff:1::1").data(), 100), 100);  // [edge] trusted
}

TEST_F(Gate, DisabledPolicyChecksNothing) {
  config::EdgeConfig cfg;
  cfg.enabled = false;
  cfg.sip_burst_per_source = 1;
  publish(cfg);
  EXPECT_EQ(passed(ip4("198.51.100.30").data(), 100), 100);
}

TEST_F(Gate, ScannerRequestsAreDroppedByUserAgent) {
  publish(config::EdgeConfig{});
  const std::string options =
      "OPTIONS sip:100@198.51.100.1 SIP/2.0\r\n"
      "Via: SIP/2.0/UDP 198.51.100.30:5060;branch=z9hG4bK-1\r\n"
      "From: <sip:100@198.51.100.30>;tag=1\r\nTo: <sip:100@198.51.100.1>\r\n"
      "Call-ID: scan-1\r\nCSeq: 1 OPTIONS\r\nUser-Agent: friendly-scanner\r\n"
      "Content-Length: 0\r\n\r\n";
  sip::PreParsed pre;
  ASSERT_EQ(sip::preparse_datagram(options, &pre), sip::PreparseResult::kOk);
  EXPECT_EQ(pre.user_agent, "friendly-scanner");
  EXPECT_TRUE(drop_scanner(lcore, pre.user_agent, c));
  EXPECT_FALSE(drop_scanner(lcore, "Yealink SIP-T46S", c));
  EXPECT_FALSE(drop_scanner(lcore, "", c));
  EXPECT_EQ(c.edge_scanner.load(), 1u);
}

TEST(GateKeepalive, OnlyWholeCrlfPairsAreKeepalives) {
  EXPECT_TRUE(is_keepalive("\r\n"));
  EXPECT_TRUE(is_keepalive("\r\n\r\n"));
  EXPECT_FALSE(is_keepalive(""));
  EXPECT_FALSE(is_keepalive("\r\n\r"));
  EXPECT_FALSE(is_keepalive("\r\nINVITE sip:x SIP/2.0\r\n"));  // no free pass for a disguise
}

TEST(PolicyBuilder, StaticContactsOfEitherFamilyAreHosts) {
  TrustedSources t;
  EXPECT_TRUE(add_contact("198.51.100.20:5070", &t));
  EXPECT_TRUE(add_contact("198.51.100.21", &t));
  EXPECT_TRUE(add_contact("[2001:db8::5]:5070", &t));
  EXPECT_TRUE(add_contact("2001:db8::6", &t));
  EXPECT_FALSE(add_contact("phone.example:5070", &t));
  EXPECT_FALSE(add_contact("[2001:db8::5", &t));
  ASSERT_EQ(t.v4.size(), 2u);
  ASSERT_EQ(t.v6.size(), 2u);
  EXPECT_EQ(t.v4[0].len, 32);
  EXPECT_EQ(t.v6[0].addr.to_string(), "2001:db8::5");
  EXPECT_EQ(t.v6[1].len, 128);
}

}  // namespace
}  // namespace trunkline::edge
