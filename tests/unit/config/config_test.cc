#include "control/config/config.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <string>

namespace trunkline::config {
namespace {

constexpr const char* kMinimal = R"(
[[ports]]
name = "trunk0"
device = "net_af_packet0,iface=veth0"
ipv4 = ["198.51.100.1/24"]
)";

std::string source_root() {
  if (const char* r = std::getenv("TL_SOURCE_ROOT")) return r;
  return TL_SOURCE_ROOT_DEFAULT;
}

TEST(Config, MinimalFileTakesDefaults) {
  auto c = load_string(kMinimal, "t.toml");
  ASSERT_TRUE(c.ok()) << c.error().message;
  ASSERT_EQ(c->ports.size(), 1u);
  EXPECT_EQ(c->ports[0].ipv4[0].addr.to_string(), "198.51.100.1");
  EXPECT_EQ(c->ports[0].ipv4[0].len, 24);
  EXPECT_EQ(c->dataplane.burst_size, 32u);
  EXPECT_EQ(c->worker_lcores, std::vector<std::uint32_t>{1});
}

TEST(Config, ExampleFileDocumentsAValidConfig) {
  auto c = load_file(source_root() + "/etc/trunkline.example.toml");
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_FALSE(c->ports.empty());
  EXPECT_FALSE(c->ports[0].ipv6.empty());
}

TEST(Config, UnknownKeyNamesKeyAndLine) {
  auto c = load_string(std::string(kMinimal) + "[dataplane]\nburst_sise = 32\n", "t.toml");
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.error().message.find("t.toml:7:"), std::string::npos) << c.error().message;
  EXPECT_NE(c.error().message.find("'dataplane.burst_sise'"), std::string::npos);
  EXPECT_NE(c.error().message.find("unknown key"), std::string::npos);
}

TEST(Config, UnknownTopLevelTableIsRefused) {
  auto c = load_string(std::string(kMinimal) + "[dataplan]\n", "t.toml");
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.error().message.find("'dataplan'"), std::string::npos) << c.error().message;
}

TEST(Config, UnknownPortKeyNamesThePort) {
  auto c = load_string(std::string(kMinimal) + "ipv5 = []\n", "t.toml");
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.error().message.find("'ports[0].ipv5'"), std::string::npos) << c.error().message;
  EXPECT_NE(c.error().message.find("t.toml:6:"), std::string::npos) << c.error().message;
}

TEST(Config, WrongTypeAndRangeAreNamed) {
  auto t = load_string(std::string(kMinimal) + "[dataplane]\nburst_size = \"many\"\n", "t.toml");
  ASSERT_FALSE(t.ok());
  EXPECT_NE(t.error().message.find("expected an integer"), std::string::npos);
  auto r = load_string(std::string(kMinimal) + "[dataplane]\nburst_size = 100000\n", "t.toml");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("out of range 1..256"), std::string::npos) << r.error().message;
}

TEST(Config, BadAddressesAreRefused) {
  const std::string bad4 = R"([[ports]]
name = "p"
device = "net_null0"
ipv4 = ["198.51.100.300/24"]
)";
  auto c = load_string(bad4, "t.toml");
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.error().message.find("t.toml:4:"), std::string::npos) << c.error().message;
  EXPECT_NE(c.error().message.find("198.51.100.300/24"), std::string::npos);

  const std::string mcast6 = R"([[ports]]
name = "p"
device = "net_null0"
ipv6 = ["ff02::1/64"]
)";
  EXPECT_FALSE(load_string(mcast6, "t.toml").ok());
}

TEST(Config, WorkersMayNotRepeatOrIncludeMain) {
  auto c = load_string(std::string("[lcores]\nmain = 0\nworkers = [1, 0]\n") + kMinimal, "t.toml");
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.error().message.find("lcores.workers"), std::string::npos);
}

TEST(Config, MediaRangeMustBeEvenAndOrdered) {
  auto c = load_string(std::string(kMinimal) + "[media]\nport_min = 20001\nport_max = 30000\n",
                       "t.toml");
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.error().message.find("'media'"), std::string::npos) << c.error().message;
}

TEST(Config, MediaTableAndRingSizes) {
  auto d = load_string(kMinimal, "t.toml");
  ASSERT_TRUE(d.ok()) << d.error().message;
  EXPECT_EQ(d->media_max_sessions, 16384u);
  EXPECT_EQ(d->media_command_ring_depth, 1024u);
  auto c = load_string(
      std::string(kMinimal) + "[media]\nmax_sessions = 100000\ncommand_ring_depth = 4096\n",
      "t.toml");
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->media_max_sessions, 100000u);
  EXPECT_EQ(c->media_command_ring_depth, 4096u);
  auto big = load_string(std::string(kMinimal) + "[media]\nmax_sessions = 1000001\n", "t.toml");
  ASSERT_FALSE(big.ok());
  EXPECT_NE(big.error().message.find("media.max_sessions"), std::string::npos)
      << big.error().message;
  auto odd = load_string(std::string(kMinimal) + "[media]\ncommand_ring_depth = 1000\n", "t.toml");
  ASSERT_FALSE(odd.ok());
  EXPECT_NE(odd.error().message.find("media.command_ring_depth"), std::string::npos)
      << odd.error().message;
}

TEST(Config, SipPortMayNotLieInTheMediaRange) {
  auto c = load_string(std::string(kMinimal) + "[sip]\nport = 20002\n", "t.toml");
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.error().message.find("media port range"), std::string::npos) << c.error().message;
}

TEST(Config, CallsAndRegistrarSettings) {
  auto d = load_string(kMinimal, "t.toml");
  ASSERT_TRUE(d.ok()) << d.error().message;
  EXPECT_EQ(d->calls.ring_timeout_s, 30u);
  EXPECT_EQ(d->registrar.digest_algorithms, (std::vector<std::string>{"SHA-256", "MD5"}));
  auto c = load_string(std::string(kMinimal) +
                           "[calls]\nring_timeout_s = 12\nmax_calls = 500\n"
                           "[registrar]\ndigest_algorithms = [\"MD5\"]\nmin_expires_s = 30\n",
                       "t.toml");
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->calls.ring_timeout_s, 12u);
  EXPECT_EQ(c->calls.max_calls, 500u);
  EXPECT_EQ(c->registrar.min_expires_s, 30u);
  EXPECT_EQ(c->registrar.digest_algorithms, std::vector<std::string>{"MD5"});
  for (const char* bad :
       {"[registrar]\ndigest_algorithms = [\"SHA-1\"]\n",
        "[registrar]\ndigest_algorithms = [\"MD5\", \"MD5\"]\n",
        "[registrar]\ndigest_algorithms = []\n", "[registrar]\nmin_expires_s = 7200\n",
        "[calls]\nring_timeout_s = 0\n", "[calls]\nringtimeout = 5\n"}) {
    auto e = load_string(std::string(kMinimal) + bad, "t.toml");
    ASSERT_FALSE(e.ok()) << bad;
    EXPECT_TRUE(e.error().message.find("registrar.") != std::string::npos ||
                e.error().message.find("calls.") != std::string::npos)
        << e.error().message;
  }
}

TEST(Config, RecorderSettings) {
  auto d = load_string(kMinimal, "t.toml");
  ASSERT_TRUE(d.ok()) << d.error().message;
  EXPECT_FALSE(d->recorder.enabled) << "recording needs keys: off unless configured";
  auto c = load_string(std::string(kMinimal) +
                           "[recorder]\nenabled = true\nkey_dir = \"/k\"\n"
                           "master_key_file = \"/m.key\"\nflush_interval_ms = 250\n"
                           "sync = \"syncfs\"\nfork_queue_depth = 4096\n",
                       "t.toml");
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_TRUE(c->recorder.enabled);
  EXPECT_EQ(c->recorder.key_dir, "/k");
  EXPECT_EQ(c->recorder.master_key_file, "/m.key");
  EXPECT_EQ(c->recorder.flush_interval_ms, 250u);
  EXPECT_EQ(c->recorder.sync, "syncfs");
  EXPECT_EQ(c->recorder.fork_queue_depth, 4096u);
  for (const char* bad :
       {"[recorder]\nenabled = 1\n", "[recorder]\nflush_interval_ms = 5000\n",
        "[recorder]\nsync = \"never\"\n", "[recorder]\nkey_dir = \"\"\n",
        "[recorder]\nfork_queue_depth = 1\n", "[recorder]\nmaster_key = \"/m\"\n"}) {
    auto e = load_string(std::string(kMinimal) + bad, "t.toml");
    ASSERT_FALSE(e.ok()) << bad;
    EXPECT_NE(e.error().message.find("recorder."), std::string::npos) << e.error().message;
  }
}

TEST(Config, Prompts) {
  auto c = load_string(std::string(kMinimal) +
                           "[[prompts]]\nid = 1\nfile = \"/p/welcome.wav\"\n"
                           "[[prompts]]\nid = 2\nfile = \"/p/music.wav\"\n",
                       "t.toml");
  ASSERT_TRUE(c.ok()) << c.error().message;
  ASSERT_EQ(c->prompts.size(), 2u);
  EXPECT_EQ(c->prompts[1].id, 2);
  EXPECT_EQ(c->prompts[1].file, "/p/music.wav");
  for (const char* bad :
       {"[[prompts]]\nid = 0\nfile = \"/a\"\n",
        "[[prompts]]\nid = 1\nfile = \"/a\"\n[[prompts]]\nid = 1\nfile = \"/b\"\n",
        "[[prompts]]\nid = 1\n", "[[prompts]]\nid = 1\nfile = \"/a\"\nloop = true\n"}) {
    auto e = load_string(std::string(kMinimal) + bad, "t.toml");
    ASSERT_FALSE(e.ok()) << bad;
    EXPECT_NE(e.error().message.find("prompt"), std::string::npos) << e.error().message;
  }
}

TEST(Config, SyntaxErrorHasPosition) {
  auto c = load_string("[eal\n", "t.toml");
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.error().message.find("t.toml:1:"), std::string::npos) << c.error().message;
}

TEST(Config, NoPortsIsRefused) {
  auto c = load_string("[log]\nlevel = \"info\"\n", "t.toml");
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.error().message.find("no [[ports]]"), std::string::npos);
}

TEST(Config, MissingFileIsAClearError) {
  auto c = load_file("/nonexistent/trunkline.toml");
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.error().message.find("cannot read"), std::string::npos);
}

}  // namespace
}  // namespace trunkline::config

namespace trunkline::config {
namespace {

TEST(Config, ApplianceSampleIsValid) {
  auto c = load_file(std::string(TL_SOURCE_ROOT_DEFAULT) + "/etc/trunkline.appliance.toml");
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->worker_lcores.size(), 4u);
  EXPECT_EQ(c->dataplane.idle_sleep_us, 0u);
}

}  // namespace
}  // namespace trunkline::config

namespace trunkline::config {
namespace {

TEST(ConfigEdge, DefaultsProtectAndListTheKnownScanners) {
  auto c = load_string(kMinimal, "t.toml");
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_TRUE(c->edge.enabled);
  EXPECT_EQ(c->edge.sip_rate_per_source, 50u);
  EXPECT_EQ(c->edge.untrusted_rate_per_lcore, 0u);
  EXPECT_NE(std::find(c->edge.scanner_user_agents.begin(), c->edge.scanner_user_agents.end(),
                      "friendly-scanner"),
            c->edge.scanner_user_agents.end());
}

TEST(ConfigEdge, EveryKeyIsRead) {
  auto c = load_string(std::string(kMinimal) +
                           "[edge]\nenabled = false\nsip_rate_per_source = 5\n"
                           "sip_burst_per_source = 7\nsources_per_lcore = 2048\n"
                           "untrusted_rate_per_lcore = 300\nuntrusted_burst_per_lcore = 30\n"
                           "trusted = [\"203.0.113.0/24\", \"2001:db8::/32\"]\n"
                           "scanner_user_agents = [\"evil-dialer\"]\n",
                       "t.toml");
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_FALSE(c->edge.enabled);
  EXPECT_EQ(c->edge.sip_rate_per_source, 5u);
  EXPECT_EQ(c->edge.sip_burst_per_source, 7u);
  EXPECT_EQ(c->edge.sources_per_lcore, 2048u);
  EXPECT_EQ(c->edge.untrusted_rate_per_lcore, 300u);
  EXPECT_EQ(c->edge.untrusted_burst_per_lcore, 30u);
  ASSERT_EQ(c->edge.trusted4.size(), 1u);
  ASSERT_EQ(c->edge.trusted6.size(), 1u);
  EXPECT_EQ(c->edge.scanner_user_agents, std::vector<std::string>{"evil-dialer"});
}

TEST(ConfigEdge, BadValuesNameTheKey) {
  const std::pair<const char*, const char*> cases[] = {
      {"sip_rate_per_source = 0", "'edge.sip_rate_per_source': value 0 out of range"},
      {"sources_per_lcore = 3000", "'edge.sources_per_lcore': must be a power of two"},
      {"trusted = [\"198.51.100.300\"]", "'edge.trusted': '198.51.100.300' is not"},
      {"scanner_user_agents = [\"\"]", "'edge.scanner_user_agents': '' must be 1 to 64"},
      {"enabled = 1", "'edge.enabled': expected true or false"},
      {"rate = 5", "'edge.rate': unknown key"},
  };
  for (const auto& [line, want] : cases) {
    auto c = load_string(std::string(kMinimal) + "[edge]\n" + line + "\n", "t.toml");
    ASSERT_FALSE(c.ok()) << line;
    EXPECT_NE(c.error().message.find(want), std::string::npos) << c.error().message;
    EXPECT_NE(c.error().message.find("t.toml:7:"), std::string::npos) << c.error().message;
  }
}

TEST(Config, SipStreamsDefaultToTcpOnAndTlsOff) {
  auto c = load_string(kMinimal, "t.toml");
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->sip.tcp_port, 5060);
  EXPECT_EQ(c->sip.tls_port, 5061);
  EXPECT_FALSE(c->sip.tls_enabled()) << "no certificate: no TLS listener";
  EXPECT_EQ(c->sip.max_connections, 1024u);
}

TEST(Config, SipTlsTakesCertificateAndKeyTogether) {
  auto ok = load_string(
      std::string(kMinimal) + "[sip]\ntls_certificate = \"/c.pem\"\ntls_private_key = \"/k.pem\"\n",
      "t.toml");
  ASSERT_TRUE(ok.ok()) << ok.error().message;
  EXPECT_TRUE(ok->sip.tls_enabled());
  auto half =
      load_string(std::string(kMinimal) + "[sip]\ntls_certificate = \"/c.pem\"\n", "t.toml");
  ASSERT_FALSE(half.ok());
  EXPECT_NE(half.error().message.find("'sip.tls_certificate': needs sip.tls_private_key too"),
            std::string::npos)
      << half.error().message;
  auto port = load_string(std::string(kMinimal) + "[sip]\ntls_port = 5062\n", "t.toml");
  ASSERT_FALSE(port.ok());
  EXPECT_NE(port.error().message.find("TLS needs sip.tls_certificate"), std::string::npos)
      << port.error().message;
  auto off = load_string(std::string(kMinimal) +
                             "[sip]\ntls_port = 0\ntls_certificate = \"/c.pem\"\n"
                             "tls_private_key = \"/k.pem\"\n",
                         "t.toml");
  ASSERT_FALSE(off.ok());
  EXPECT_NE(off.error().message.find("sip.tls_port is 0"), std::string::npos)
      << off.error().message;
}

TEST(Config, SipStreamPortsMustDifferAndStayOutOfTheMediaRange) {
  auto same = load_string(std::string(kMinimal) +
                              "[sip]\ntcp_port = 5070\ntls_port = 5070\n"
                              "tls_certificate = \"/c.pem\"\ntls_private_key = \"/k.pem\"\n",
                          "t.toml");
  ASSERT_FALSE(same.ok());
  EXPECT_NE(same.error().message.find("must differ from sip.tcp_port"), std::string::npos)
      << same.error().message;
  auto media = load_string(std::string(kMinimal) + "[sip]\ntcp_port = 20002\n", "t.toml");
  ASSERT_FALSE(media.ok());
  EXPECT_NE(media.error().message.find("sip.tcp_port 20002 lies in the media port range"),
            std::string::npos)
      << media.error().message;
  auto range = load_string(std::string(kMinimal) + "[sip]\nmax_connections = 0\n", "t.toml");
  ASSERT_FALSE(range.ok());
  EXPECT_NE(range.error().message.find("'sip.max_connections'"), std::string::npos);
}

}  // namespace
}  // namespace trunkline::config
