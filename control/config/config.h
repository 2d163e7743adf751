// The appliance's configuration, loaded from one TOML file
// (etc/trunkline.example.toml documents every key). Loading is strict: an
// unknown key, a wrong type or a value out of range stops start-up with a
// message naming the key and its line in the file.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/log.h"
#include "common/result.h"
#include "dataplane/net/addr.h"

namespace trunkline::config {

struct PortConfig {
  std::string name;    // operator's name for the port, e.g. "trunk0"
  std::string device;  // DPDK device: a vdev spec ("net_af_packet0,iface=veth0") or a PCI address
  bool has_mac = false;
  net::MacAddr mac;  // the dataplane's MAC; default: the device's own
  std::vector<net::Prefix4> ipv4;
  std::vector<net::Prefix6> ipv6;
  // Next hops the dataplane resolves itself and keeps fresh (gateways, SBC peers).
  std::vector<net::Ip4> resolve4;
  std::vector<net::Ip6> resolve6;
  // Exception path: kernel TAP interface that gets what the fast path does
  // not serve (TCP, management UDP, ...). Empty: such packets are dropped.
  std::string kernel_interface;
  std::uint16_t mtu = 1500;
};

struct DataplaneConfig {
  std::uint32_t burst_size = 32;
  std::uint32_t mbufs = 8191;
  std::uint32_t mbuf_cache = 256;
  std::uint16_t rx_descriptors = 1024;
  std::uint16_t tx_descriptors = 1024;
  // Idle back-off: after this many empty polls in a row, sleep idle_sleep_us.
  std::uint32_t idle_polls_before_sleep = 64;
  std::uint32_t idle_sleep_us = 200;  // 0: busy-poll forever (a real appliance)
};

struct NeighbourConfig {
  std::uint32_t capacity = 4096;       // entries per lcore (power of two)
  std::uint32_t reachable_ms = 30000;  // confirmed entries go stale after this
  std::uint32_t retransmit_ms = 1000;  // between probes of one address
  std::uint32_t max_probes = 3;        // unanswered probes before giving up
  std::uint32_t max_age_ms = 300000;   // stale entries unused this long are removed
};

struct SipConfig {
  std::uint16_t port = 5060;         // UDP port the dataplane steers to control (0: off)
  std::uint32_t shards = 1;          // control shard threads; a Call-ID always maps to one
  std::uint32_t queue_depth = 1024;  // each dataplane <-> shard ring (power of two)
  std::uint32_t retry_after_s = 30;  // Retry-After of the 503 sent when overloaded
  std::uint32_t t1_ms = 500;         // RFC 3261 timers
  std::uint32_t t2_ms = 4000;
  std::uint32_t t4_ms = 5000;
  // Answer INVITEs with 200 and BYEs in the dialog (for carrier and load
  // tests before calls are routed); otherwise INVITE gets 480.
  bool test_responder = false;
  // SIP over TCP and TLS (RFC 3261 §18.3): kernel sockets reached through
  // the ports' kernel_interface, bound to the ports' addresses.
  std::uint16_t tcp_port = 5060;    // 0: no TCP listener
  std::uint16_t tls_port = 5061;    // listens only with a certificate and key; 0: off
  std::string tls_certificate;      // PEM chain presented to TLS peers
  std::string tls_private_key;      // PEM key of tls_certificate
  std::string tls_ca_file;          // trust anchors for trunks we connect to; "": system store
  bool tls_verify_clients = false;  // TLS peers must show a certificate tls_ca_file trusts
  std::uint32_t tcp_idle_timeout_s = 300;   // a connection silent this long is closed
  std::uint32_t max_connections = 1024;     // TCP and TLS together; beyond: refused
  std::uint32_t max_message_bytes = 65536;  // head + body of one message on a stream
  bool tls_enabled() const { return tls_port != 0 && !tls_certificate.empty(); }
};

// [calls]: the B2BUA (docs/calls.md).
struct CallsConfig {
  std::uint32_t ring_timeout_s = 30;  // an agent's phone that rings this long is cancelled
  std::uint32_t max_calls = 10000;    // per control shard; beyond: 503 + Retry-After
  std::uint32_t cdr_wait_ms = 1000;   // longest wait for the lcores' media reports
  std::uint16_t hold_music = 0;       // [[prompts]] id for queues that name no music (0: none)
};

// [registrar]: agent phones' REGISTER (docs/architecture.md, Registrar).
struct RegistrarSettings {
  std::uint32_t min_expires_s = 60;
  std::uint32_t max_expires_s = 3600;
  std::uint32_t nonce_lifetime_s = 300;
  std::uint32_t max_contacts_per_agent = 8;
  // Digest algorithms challenged, in order of preference (RFC 8760 §2.4).
  // Some old phones give up on a challenge list that starts with one they do
  // not know: ["MD5", "SHA-256"] or ["MD5"] serves them.
  std::vector<std::string> digest_algorithms{"SHA-256", "MD5"};
};

// [recorder]: recording calls of numbers provisioned with record = true
// (docs/recording-format.md, docs/configuration.md). Off unless enabled.
struct RecorderSettings {
  bool enabled = false;
  std::string key_dir = "/var/lib/trunkline/keys";  // <tenant>.kek, created on first use
  std::string master_key_file = "/etc/trunkline/master.key";
  std::uint32_t flush_interval_ms = 500;  // audio at risk in a crash: this + jitter_delay_ms
  std::uint32_t jitter_delay_ms = 100;
  std::string sync = "fdatasync";  // fdatasync | syncfs
  std::uint32_t zstd_level = 1;
  std::uint32_t fork_queue_depth = 16384;  // RTP copies each lcore may queue per recorder worker
  std::uint32_t max_calls = 20000;         // recorded calls per recorder worker (one per shard)
};

// [[prompts]]: sound files the lcores play to waiting callers (playout).
struct PromptConfig {
  std::uint16_t id = 0;  // 1..65535, unique
  std::string file;      // 8 kHz mono WAV: 16-bit PCM, mu-law or A-law
};

// [nas]: mirrored recording storage, retention, compliance (docs/compliance.md).
struct NasConfig {
  // Mirror roots (absolute paths, two or more). Empty: no NAS; sealed
  // recordings stay in the spool.
  std::vector<std::string> mirrors;
  std::uint32_t write_deadline_ms = 30000;  // a mirror slower than this per file goes down
  std::uint32_t probe_interval_s = 10;      // how often a down mirror is probed
  std::uint32_t scrub_interval_s = 86400;   // scheduled scrub; 0: off
  std::uint32_t sweep_interval_s = 3600;    // scheduled retention sweep; 0: off
  std::uint32_t retention_default_days = 90;
  std::uint32_t termination_grace_days = 30;  // files of a terminated tenant removed after
  // (Keys: [recorder] key_dir and master_key_file, one set for the appliance.)
};

// [api]: the HTTPS control API (docs/api.openapi.yaml, docs/security.md).
// Off unless enabled; TLS only, so a certificate and key are required.
struct ApiConfig {
  bool enabled = false;
  std::string listen_address = "127.0.0.1";  // IPv4 or IPv6 literal
  std::uint16_t listen_port = 8443;
  std::string cert_file;  // PEM certificate chain
  std::string key_file;   // PEM private key
  std::uint32_t threads = 2;
  std::uint32_t session_idle_s = 900;
  std::uint32_t session_absolute_s = 28800;
  std::uint32_t sessions_per_user = 8;
};

// [edge]: SIP flood and scanner protection on the fast path
// (docs/architecture.md, Edge protection). Trunks' allow-lists and agents'
// static contacts are trusted without being listed here.
struct EdgeConfig {
  bool enabled = true;
  std::uint32_t sip_rate_per_source = 50;      // SIP datagrams/s an untrusted source may send
  std::uint32_t sip_burst_per_source = 100;    // ... and how many at once
  std::uint32_t sources_per_lcore = 65536;     // edge table of each lcore (power of two)
  std::uint32_t untrusted_rate_per_lcore = 0;  // all untrusted sources of one lcore; 0: off
  std::uint32_t untrusted_burst_per_lcore = 1000;
  std::vector<net::Prefix4> trusted4;  // [edge] trusted: offices behind NAT, SBCs ...
  std::vector<net::Prefix6> trusted6;
  std::vector<std::string> scanner_user_agents{"friendly-scanner", "sipvicious",      "sipcli",
                                               "sundayddr",        "VaxSIPUserAgent", "pplsip",
                                               "sip-scan"};
};

struct Config {
  std::string source_path;
  // [eal]
  std::vector<std::string> eal_args;
  std::string file_prefix = "trunkline";
  std::uint32_t memory_mb = 512;
  // [lcores]
  std::uint32_t main_lcore = 0;
  std::vector<std::uint32_t> worker_lcores{1};
  // [dataplane], [neighbour]
  DataplaneConfig dataplane;
  NeighbourConfig neighbour;
  // [[ports]]
  std::vector<PortConfig> ports;
  // [media]
  std::uint16_t media_port_min = 20000;
  std::uint16_t media_port_max = 29999;
  std::uint32_t media_max_sessions = 16384;       // flow table of each worker lcore
  std::uint32_t media_command_ring_depth = 1024;  // each shard → lcore command ring
  // [paths]
  std::string store_path = "/var/lib/trunkline/trunkline.db";
  std::string control_socket = "/run/trunkline/control.sock";
  std::string spool_dir = "/var/spool/trunkline";
  // [sip]
  SipConfig sip;
  // [edge]
  EdgeConfig edge;
  // [calls], [registrar]
  CallsConfig calls;
  RegistrarSettings registrar;
  // [recorder]
  RecorderSettings recorder;
  // [[prompts]]
  std::vector<PromptConfig> prompts;
  // [nas]
  NasConfig nas;
  // [api]
  ApiConfig api;
  // [log]
  log::Level log_level = log::Level::kInfo;
};

// Parses and validates; errors read "FILE:LINE:COL: key 'a.b': what is wrong".
Result<Config> load_file(const std::string& path);
Result<Config> load_string(std::string_view text, const std::string& name_for_errors);

}  // namespace trunkline::config
