#include "control/config/config.h"

#include <toml++/toml.h>

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>

namespace trunkline::config {
namespace {

// Collects the first error with its position; every getter checks the key
// is known, the type right and the value in range.
class Reader {
 public:
  explicit Reader(std::string file) : file_(std::move(file)) {}

  bool failed() const { return !error_.empty(); }
  const std::string& error() const { return error_; }

  void fail(const toml::source_region& where, const std::string& key, const std::string& what) {
    if (failed()) return;
    std::ostringstream os;
    os << file_ << ':' << where.begin.line << ':' << where.begin.column << ": key '" << key
       << "': " << what;
    error_ = os.str();
  }
  void fail_file(const std::string& what) {
    if (!failed()) error_ = file_ + ": " + what;
  }

  // Refuses any key of `table` not in `known`.
  void only_keys(const toml::table& table, const std::string& prefix,
                 std::initializer_list<std::string_view> known) {
    for (auto&& [k, node] : table) {
      bool ok = false;
      for (auto kn : known) ok = ok || kn == k.str();
      if (!ok) {
        fail(k.source(), join(prefix, k.str()), "unknown key (known here: " + list(known) + ")");
      }
    }
  }

  const toml::table* table(const toml::table& parent, const std::string& prefix,
                           std::string_view key) {
    const toml::node* n = parent.get(key);
    if (n == nullptr) return nullptr;
    if (!n->is_table()) {
      fail(n->source(), join(prefix, key), "expected a table");
      return nullptr;
    }
    return n->as_table();
  }

  template <typename T>
  void integer(const toml::table& t, const std::string& prefix, std::string_view key, T* out,
               std::int64_t min, std::int64_t max) {
    const toml::node* n = t.get(key);
    if (n == nullptr) return;
    auto v = n->value_exact<std::int64_t>();
    if (!v) return fail(n->source(), join(prefix, key), "expected an integer");
    if (*v < min || *v > max) {
      return fail(n->source(), join(prefix, key),
                  "value " + std::to_string(*v) + " out of range " + std::to_string(min) + ".." +
                      std::to_string(max));
    }
    *out = static_cast<T>(*v);
  }

  void string(const toml::table& t, const std::string& prefix, std::string_view key,
              std::string* out, bool non_empty = true) {
    const toml::node* n = t.get(key);
    if (n == nullptr) return;
    auto v = n->value_exact<std::string>();
    if (!v) return fail(n->source(), join(prefix, key), "expected a string");
    if (non_empty && v->empty()) return fail(n->source(), join(prefix, key), "must not be empty");
    *out = *v;
  }

  // Calls `each(text, node)` for every string of an array of strings.
  template <typename F>
  void strings(const toml::table& t, const std::string& prefix, std::string_view key, F each) {
    const toml::node* n = t.get(key);
    if (n == nullptr) return;
    const toml::array* a = n->as_array();
    if (a == nullptr) return fail(n->source(), join(prefix, key), "expected an array of strings");
    for (const toml::node& e : *a) {
      auto v = e.value_exact<std::string>();
      if (!v) return fail(e.source(), join(prefix, key), "expected an array of strings");
      each(*v, e);
      if (failed()) return;
    }
  }

  static std::string join(const std::string& prefix, std::string_view key) {
    return prefix.empty() ? std::string(key) : prefix + "." + std::string(key);
  }

 private:
  static std::string list(std::initializer_list<std::string_view> known) {
    std::string s;
    for (auto k : known) s += (s.empty() ? "" : ", ") + std::string(k);
    return s;
  }

  std::string file_;
  std::string error_;
};

void read_port(Reader& r, const toml::table& t, const std::string& prefix, PortConfig* p) {
  r.only_keys(t, prefix,
              {"name", "device", "mac", "ipv4", "ipv6", "resolve", "kernel_interface", "mtu"});
  r.string(t, prefix, "name", &p->name);
  r.string(t, prefix, "device", &p->device);
  if (p->name.empty()) r.fail(t.source(), prefix + ".name", "missing (every port needs a name)");
  if (p->device.empty())
    r.fail(t.source(), prefix + ".device", "missing (a vdev spec or PCI address)");
  if (const toml::node* n = t.get("mac")) {
    auto v = n->value_exact<std::string>();
    auto m = v ? net::MacAddr::parse(*v) : std::nullopt;
    if (!m || m->is_multicast() || m->is_zero()) {
      r.fail(n->source(), prefix + ".mac", "expected a unicast MAC like \"02:00:00:00:00:01\"");
    } else {
      p->has_mac = true;
      p->mac = *m;
    }
  }
  r.strings(t, prefix, "ipv4", [&](const std::string& s, const toml::node& n) {
    auto v = net::Prefix4::parse(s);
    if (!v)
      return r.fail(n.source(), prefix + ".ipv4", "'" + s + "' is not an IPv4 address/prefix");
    p->ipv4.push_back(*v);
  });
  r.strings(t, prefix, "ipv6", [&](const std::string& s, const toml::node& n) {
    auto v = net::Prefix6::parse(s);
    if (!v || v->addr.is_multicast() || v->addr.is_unspecified()) {
      return r.fail(n.source(), prefix + ".ipv6",
                    "'" + s + "' is not a unicast IPv6 address/prefix");
    }
    p->ipv6.push_back(*v);
  });
  r.strings(t, prefix, "resolve", [&](const std::string& s, const toml::node& n) {
    if (auto v4 = net::Ip4::parse(s)) {
      p->resolve4.push_back(*v4);
    } else if (auto v6 = net::Ip6::parse(s)) {
      p->resolve6.push_back(*v6);
    } else {
      r.fail(n.source(), prefix + ".resolve", "'" + s + "' is not an IPv4 or IPv6 address");
    }
  });
  r.string(t, prefix, "kernel_interface", &p->kernel_interface);
  if (p->kernel_interface.size() > 15) {
    r.fail(t.get("kernel_interface")->source(), prefix + ".kernel_interface",
           "interface names are at most 15 characters");
  }
  r.integer(t, prefix, "mtu", &p->mtu, 576, 9000);
}

void read_nas(Reader& r, const toml::table& t, NasConfig* n) {
  r.only_keys(t, "nas",
              {"mirrors", "write_deadline_ms", "probe_interval_s", "scrub_interval_s",
               "sweep_interval_s", "retention_default_days", "termination_grace_days"});
  r.strings(t, "nas", "mirrors", [&](const std::string& v, const toml::node& node) {
    if (v.empty() || v.front() != '/') {
      r.fail(node.source(), "nas.mirrors", "'" + v + "' is not an absolute path");
    } else if (std::find(n->mirrors.begin(), n->mirrors.end(), v) != n->mirrors.end()) {
      r.fail(node.source(), "nas.mirrors", "'" + v + "' is listed twice");
    } else {
      n->mirrors.push_back(v);
    }
  });
  if (!r.failed() && t.get("mirrors") != nullptr && n->mirrors.size() < 2) {
    r.fail(t.get("mirrors")->source(), "nas.mirrors",
           "needs at least two mirrors (" + std::to_string(n->mirrors.size()) + " given)");
  }
  r.integer(t, "nas", "write_deadline_ms", &n->write_deadline_ms, 100, 3'600'000);
  r.integer(t, "nas", "probe_interval_s", &n->probe_interval_s, 1, 3600);
  r.integer(t, "nas", "scrub_interval_s", &n->scrub_interval_s, 0, 31 * 86400);
  r.integer(t, "nas", "sweep_interval_s", &n->sweep_interval_s, 0, 86400);
  r.integer(t, "nas", "retention_default_days", &n->retention_default_days, 1, 36500);
  r.integer(t, "nas", "termination_grace_days", &n->termination_grace_days, 0, 30);
}

// [sip] keys of SIP over TCP and TLS.
void read_sip_streams(Reader& r, const toml::table& t, SipConfig* s) {
  r.integer(t, "sip", "tcp_port", &s->tcp_port, 0, 65535);
  r.integer(t, "sip", "tls_port", &s->tls_port, 0, 65535);
  r.string(t, "sip", "tls_certificate", &s->tls_certificate);
  r.string(t, "sip", "tls_private_key", &s->tls_private_key);
  r.string(t, "sip", "tls_ca_file", &s->tls_ca_file);
  r.integer(t, "sip", "tcp_idle_timeout_s", &s->tcp_idle_timeout_s, 10, 86400);
  r.integer(t, "sip", "max_connections", &s->max_connections, 1, 65536);
  r.integer(t, "sip", "max_message_bytes", &s->max_message_bytes, 1024, 1 << 20);
  if (r.failed()) return;
  if (s->tcp_port != 0 && s->tcp_port == s->tls_port)
    return r.fail(t.get("tls_port")->source(), "sip.tls_port",
                  "must differ from sip.tcp_port (" + std::to_string(s->tcp_port) + ")");
  const bool cert = !s->tls_certificate.empty(), key = !s->tls_private_key.empty();
  if (cert != key)
    return r.fail(t.get(cert ? "tls_certificate" : "tls_private_key")->source(),
                  cert ? "sip.tls_certificate" : "sip.tls_private_key",
                  cert ? "needs sip.tls_private_key too" : "needs sip.tls_certificate too");
  if (cert && s->tls_port == 0)
    return r.fail(t.get("tls_certificate")->source(), "sip.tls_certificate",
                  "is set but sip.tls_port is 0 (TLS off)");
  // An explicit TLS port without a certificate would listen for nothing.
  if (!cert && t.get("tls_port") != nullptr && s->tls_port != 0)
    return r.fail(t.get("tls_port")->source(), "sip.tls_port",
                  "TLS needs sip.tls_certificate and sip.tls_private_key (or tls_port = 0)");
}

void read_api(Reader& r, const toml::table& t, ApiConfig* a) {
  r.only_keys(t, "api",
              {"enabled", "listen", "cert_file", "key_file", "threads", "session_idle_s",
               "session_absolute_s", "sessions_per_user"});
  if (const toml::node* n = t.get("enabled")) {
    auto v = n->value_exact<bool>();
    if (!v) return r.fail(n->source(), "api.enabled", "expected true or false");
    a->enabled = *v;
  }
  if (const toml::node* n = t.get("listen")) {
    auto v = n->value_exact<std::string>();
    // "a.b.c.d:port" or "[v6]:port"
    const std::size_t colon = v ? v->rfind(':') : std::string::npos;
    std::string host = colon == std::string::npos ? "" : v->substr(0, colon);
    if (host.size() > 2 && host.front() == '[' && host.back() == ']')
      host = host.substr(1, host.size() - 2);
    const std::string port = colon == std::string::npos ? "" : v->substr(colon + 1);
    char* end = nullptr;
    const long p = port.empty() ? 0 : std::strtol(port.c_str(), &end, 10);
    if (host.empty() || (!net::Ip4::parse(host) && !net::Ip6::parse(host)) || end == nullptr ||
        *end != '\0' || p < 1 || p > 65535) {
      return r.fail(n->source(), "api.listen",
                    "expected \"ADDRESS:PORT\" such as \"127.0.0.1:8443\" or \"[::1]:8443\"");
    }
    a->listen_address = host;
    a->listen_port = static_cast<std::uint16_t>(p);
  }
  r.string(t, "api", "cert_file", &a->cert_file);
  r.string(t, "api", "key_file", &a->key_file);
  r.integer(t, "api", "threads", &a->threads, 1, 64);
  r.integer(t, "api", "session_idle_s", &a->session_idle_s, 60, 86400);
  r.integer(t, "api", "session_absolute_s", &a->session_absolute_s, 60, 7 * 86400);
  r.integer(t, "api", "sessions_per_user", &a->sessions_per_user, 1, 100);
  if (!r.failed() && a->enabled && (a->cert_file.empty() || a->key_file.empty()))
    r.fail(t.source(), "api", "enabled needs cert_file and key_file (the API is TLS only)");
}

void read_edge(Reader& r, const toml::table& t, EdgeConfig* e) {
  r.only_keys(
      t, "edge",
      {"enabled", "sip_rate_per_source", "sip_burst_per_source", "sources_per_lcore",
       "untrusted_rate_per_lcore", "untrusted_burst_per_lcore", "trusted", "scanner_user_agents"});
  if (const toml::node* n = t.get("enabled")) {
    auto v = n->value_exact<bool>();
    if (!v) return r.fail(n->source(), "edge.enabled", "expected true or false");
    e->enabled = *v;
  }
  r.integer(t, "edge", "sip_rate_per_source", &e->sip_rate_per_source, 1, 1'000'000);
  r.integer(t, "edge", "sip_burst_per_source", &e->sip_burst_per_source, 1, 1'000'000);
  r.integer(t, "edge", "sources_per_lcore", &e->sources_per_lcore, 1024, 1 << 24);
  if (!r.failed() && (e->sources_per_lcore & (e->sources_per_lcore - 1)) != 0)
    r.fail(t.get("sources_per_lcore")->source(), "edge.sources_per_lcore",
           "must be a power of two");
  r.integer(t, "edge", "untrusted_rate_per_lcore", &e->untrusted_rate_per_lcore, 0, 10'000'000);
  r.integer(t, "edge", "untrusted_burst_per_lcore", &e->untrusted_burst_per_lcore, 1, 10'000'000);
  r.strings(t, "edge", "trusted", [&](const std::string& s, const toml::node& n) {
    if (auto v4 = net::Prefix4::parse(s)) {
      e->trusted4.push_back(*v4);
    } else if (auto v6 = net::Prefix6::parse(s)) {
      e->trusted6.push_back(*v6);
    } else {
      r.fail(n.source(), "edge.trusted", "'" + s + "' is not an IPv4 or IPv6 address/prefix");
    }
  });
  if (t.get("scanner_user_agents") != nullptr) {
    e->scanner_user_agents.clear();
    r.strings(t, "edge", "scanner_user_agents", [&](const std::string& s, const toml::node& n) {
      const bool printable =
          std::all_of(s.begin(), s.end(), [](char ch) { return ch >= 0x20 && ch < 0x7f; });
      if (s.empty() || s.size() > 64 || !printable) {
        r.fail(n.source(), "edge.scanner_user_agents",
               "'" + s + "' must be 1 to 64 printable ASCII characters");
      } else if (e->scanner_user_agents.size() == 64) {
        r.fail(n.source(), "edge.scanner_user_agents", "at most 64 words");
      } else {
        e->scanner_user_agents.push_back(s);
      }
    });
  }
}

Result<Config> read(const toml::table& root, const std::string& name) {
  Reader r(name);
  Config c;
  c.source_path = name;
  r.only_keys(root, "",
              {"eal", "lcores", "dataplane", "neighbour", "ports", "media", "paths", "sip", "calls",
               "registrar", "recorder", "prompts", "nas", "api", "edge", "log"});

  if (const toml::table* t = r.table(root, "", "eal")) {
    r.only_keys(*t, "eal", {"args", "file_prefix", "memory_mb"});
    r.strings(*t, "eal", "args",
              [&](const std::string& s, const toml::node&) { c.eal_args.push_back(s); });
    r.string(*t, "eal", "file_prefix", &c.file_prefix);
    r.integer(*t, "eal", "memory_mb", &c.memory_mb, 64, 1 << 20);
  }
  if (const toml::table* t = r.table(root, "", "lcores")) {
    r.only_keys(*t, "lcores", {"main", "workers"});
    r.integer(*t, "lcores", "main", &c.main_lcore, 0, 1023);
    if (const toml::node* n = t->get("workers")) {
      const toml::array* a = n->as_array();
      if (a == nullptr || a->empty()) {
        r.fail(n->source(), "lcores.workers", "expected a non-empty array of lcore ids");
      } else {
        c.worker_lcores.clear();
        std::set<std::int64_t> seen;
        for (const toml::node& e : *a) {
          auto v = e.value_exact<std::int64_t>();
          if (!v || *v < 0 || *v > 1023) {
            r.fail(e.source(), "lcores.workers", "expected lcore ids 0..1023");
            break;
          }
          if (*v == c.main_lcore || !seen.insert(*v).second) {
            r.fail(e.source(), "lcores.workers",
                   "lcore " + std::to_string(*v) + " is listed twice or is the main lcore");
            break;
          }
          c.worker_lcores.push_back(static_cast<std::uint32_t>(*v));
        }
      }
    }
  }
  if (const toml::table* t = r.table(root, "", "dataplane")) {
    auto& d = c.dataplane;
    r.only_keys(*t, "dataplane",
                {"burst_size", "mbufs", "mbuf_cache", "rx_descriptors", "tx_descriptors",
                 "idle_polls_before_sleep", "idle_sleep_us"});
    r.integer(*t, "dataplane", "burst_size", &d.burst_size, 1, 256);
    r.integer(*t, "dataplane", "mbufs", &d.mbufs, 1023, 1 << 24);
    r.integer(*t, "dataplane", "mbuf_cache", &d.mbuf_cache, 0, 512);
    r.integer(*t, "dataplane", "rx_descriptors", &d.rx_descriptors, 64, 32768);
    r.integer(*t, "dataplane", "tx_descriptors", &d.tx_descriptors, 64, 32768);
    r.integer(*t, "dataplane", "idle_polls_before_sleep", &d.idle_polls_before_sleep, 1, 1 << 30);
    r.integer(*t, "dataplane", "idle_sleep_us", &d.idle_sleep_us, 0, 100000);
  }
  if (const toml::table* t = r.table(root, "", "neighbour")) {
    auto& n = c.neighbour;
    r.only_keys(*t, "neighbour",
                {"capacity", "reachable_ms", "retransmit_ms", "max_probes", "max_age_ms"});
    r.integer(*t, "neighbour", "capacity", &n.capacity, 16, 1 << 20);
    if ((n.capacity & (n.capacity - 1)) != 0) {
      r.fail(t->get("capacity")->source(), "neighbour.capacity", "must be a power of two");
    }
    r.integer(*t, "neighbour", "reachable_ms", &n.reachable_ms, 100, 3600000);
    r.integer(*t, "neighbour", "retransmit_ms", &n.retransmit_ms, 10, 60000);
    r.integer(*t, "neighbour", "max_probes", &n.max_probes, 1, 100);
    r.integer(*t, "neighbour", "max_age_ms", &n.max_age_ms, 1000, 86400000);
  }
  if (const toml::node* n = root.get("ports")) {
    const toml::array* a = n->as_array();
    if (a == nullptr || !a->is_array_of_tables()) {
      r.fail(n->source(), "ports", "expected [[ports]] tables");
    } else {
      std::set<std::string> names;
      for (std::size_t i = 0; i < a->size() && !r.failed(); ++i) {
        const std::string prefix = "ports[" + std::to_string(i) + "]";
        PortConfig p;
        read_port(r, *a->get(i)->as_table(), prefix, &p);
        if (!r.failed() && !names.insert(p.name).second) {
          r.fail(a->get(i)->source(), prefix + ".name", "port name '" + p.name + "' used twice");
        }
        c.ports.push_back(std::move(p));
      }
    }
  }
  if (const toml::table* t = r.table(root, "", "media")) {
    r.only_keys(*t, "media", {"port_min", "port_max", "max_sessions", "command_ring_depth"});
    r.integer(*t, "media", "port_min", &c.media_port_min, 1024, 65534);
    r.integer(*t, "media", "port_max", &c.media_port_max, 1025, 65535);
    r.integer(*t, "media", "max_sessions", &c.media_max_sessions, 1, 1000000);
    r.integer(*t, "media", "command_ring_depth", &c.media_command_ring_depth, 64, 1 << 20);
    if (!r.failed() && (c.media_command_ring_depth & (c.media_command_ring_depth - 1)) != 0) {
      r.fail(t->get("command_ring_depth")->source(), "media.command_ring_depth",
             "must be a power of two");
    }
    if (!r.failed() && (c.media_port_min % 2 != 0 || c.media_port_max <= c.media_port_min)) {
      r.fail(t->source(), "media", "port_min must be even (RTP/RTCP pairs) and below port_max");
    }
  }
  if (const toml::table* t = r.table(root, "", "paths")) {
    r.only_keys(*t, "paths", {"store", "control_socket", "spool"});
    r.string(*t, "paths", "store", &c.store_path);
    r.string(*t, "paths", "control_socket", &c.control_socket);
    r.string(*t, "paths", "spool", &c.spool_dir);
  }
  if (const toml::table* t = r.table(root, "", "sip")) {
    auto& s = c.sip;
    r.only_keys(*t, "sip",
                {"port", "shards", "queue_depth", "retry_after_s", "t1_ms", "t2_ms", "t4_ms",
                 "test_responder", "tcp_port", "tls_port", "tls_certificate", "tls_private_key",
                 "tls_ca_file", "tls_verify_clients", "tcp_idle_timeout_s", "max_connections",
                 "max_message_bytes"});
    r.integer(*t, "sip", "port", &s.port, 0, 65535);
    r.integer(*t, "sip", "shards", &s.shards, 1, 16);
    r.integer(*t, "sip", "queue_depth", &s.queue_depth, 64, 1 << 20);
    if ((s.queue_depth & (s.queue_depth - 1)) != 0) {
      r.fail(t->get("queue_depth")->source(), "sip.queue_depth", "must be a power of two");
    }
    r.integer(*t, "sip", "retry_after_s", &s.retry_after_s, 1, 3600);
    r.integer(*t, "sip", "t1_ms", &s.t1_ms, 50, 10000);
    r.integer(*t, "sip", "t2_ms", &s.t2_ms, 500, 60000);
    r.integer(*t, "sip", "t4_ms", &s.t4_ms, 500, 60000);
    for (auto [key, out] : {std::pair{"test_responder", &s.test_responder},
                            std::pair{"tls_verify_clients", &s.tls_verify_clients}}) {
      if (const toml::node* n = t->get(key)) {
        auto v = n->value_exact<bool>();
        if (!v) {
          r.fail(n->source(), std::string("sip.") + key, "expected true or false");
        } else {
          *out = *v;
        }
      }
    }
    read_sip_streams(r, *t, &s);
  }
  if (const toml::table* t = r.table(root, "", "calls")) {
    r.only_keys(*t, "calls", {"ring_timeout_s", "max_calls", "cdr_wait_ms", "hold_music"});
    r.integer(*t, "calls", "ring_timeout_s", &c.calls.ring_timeout_s, 1, 600);
    r.integer(*t, "calls", "max_calls", &c.calls.max_calls, 1, 10000000);
    r.integer(*t, "calls", "cdr_wait_ms", &c.calls.cdr_wait_ms, 10, 60000);
    std::uint32_t music = 0;
    r.integer(*t, "calls", "hold_music", &music, 0, 65535);
    c.calls.hold_music = static_cast<std::uint16_t>(music);
  }
  if (const toml::table* t = r.table(root, "", "registrar")) {
    auto& g = c.registrar;
    r.only_keys(*t, "registrar",
                {"min_expires_s", "max_expires_s", "nonce_lifetime_s", "max_contacts_per_agent",
                 "digest_algorithms"});
    r.integer(*t, "registrar", "min_expires_s", &g.min_expires_s, 1, 86400);
    r.integer(*t, "registrar", "max_expires_s", &g.max_expires_s, 1, 86400);
    r.integer(*t, "registrar", "nonce_lifetime_s", &g.nonce_lifetime_s, 10, 86400);
    r.integer(*t, "registrar", "max_contacts_per_agent", &g.max_contacts_per_agent, 1, 64);
    if (!r.failed() && g.min_expires_s > g.max_expires_s)
      r.fail(t->get("min_expires_s")->source(), "registrar.min_expires_s",
             "must not be above registrar.max_expires_s");
    if (t->get("digest_algorithms") != nullptr) {
      g.digest_algorithms.clear();
      r.strings(
          *t, "registrar", "digest_algorithms", [&](const std::string& v, const toml::node& n) {
            if (v != "SHA-256" && v != "MD5") {
              r.fail(n.source(), "registrar.digest_algorithms", "expected \"SHA-256\" or \"MD5\"");
            } else if (std::find(g.digest_algorithms.begin(), g.digest_algorithms.end(), v) !=
                       g.digest_algorithms.end()) {
              r.fail(n.source(), "registrar.digest_algorithms", "'" + v + "' is listed twice");
            } else {
              g.digest_algorithms.push_back(v);
            }
          });
      if (!r.failed() && g.digest_algorithms.empty())
        r.fail(t->get("digest_algorithms")->source(), "registrar.digest_algorithms",
               "must name at least one algorithm");
    }
  }
  if (const toml::table* t = r.table(root, "", "recorder")) {
    auto& g = c.recorder;
    r.only_keys(*t, "recorder",
                {"enabled", "key_dir", "master_key_file", "flush_interval_ms", "jitter_delay_ms",
                 "sync", "zstd_level", "fork_queue_depth", "max_calls"});
    if (const toml::node* n = t->get("enabled")) {
      auto v = n->value_exact<bool>();
      if (!v) {
        r.fail(n->source(), "recorder.enabled", "expected true or false");
      } else {
        g.enabled = *v;
      }
    }
    r.string(*t, "recorder", "key_dir", &g.key_dir);
    r.string(*t, "recorder", "master_key_file", &g.master_key_file);
    r.integer(*t, "recorder", "flush_interval_ms", &g.flush_interval_ms, 20, 1000);
    r.integer(*t, "recorder", "jitter_delay_ms", &g.jitter_delay_ms, 20, 1000);
    r.string(*t, "recorder", "sync", &g.sync);
    if (g.sync != "fdatasync" && g.sync != "syncfs")
      r.fail(t->get("sync")->source(), "recorder.sync", "expected \"fdatasync\" or \"syncfs\"");
    r.integer(*t, "recorder", "zstd_level", &g.zstd_level, 1, 19);
    r.integer(*t, "recorder", "fork_queue_depth", &g.fork_queue_depth, 64, 1 << 22);
    r.integer(*t, "recorder", "max_calls", &g.max_calls, 1, 1000000);
  }
  if (const toml::node* n = root.get("prompts")) {
    const toml::array* a = n->as_array();
    if (a == nullptr) {
      r.fail(n->source(), "prompts", "expected [[prompts]] tables");
    } else {
      for (std::size_t i = 0; i < a->size(); ++i) {
        const std::string p = "prompts[" + std::to_string(i) + "]";
        const toml::table* t = (*a)[i].as_table();
        if (t == nullptr) {
          r.fail((*a)[i].source(), p, "expected a table");
          continue;
        }
        r.only_keys(*t, p, {"id", "file"});
        PromptConfig pc;
        std::uint32_t id = 0;
        r.integer(*t, p, "id", &id, 1, 65535);
        pc.id = static_cast<std::uint16_t>(id);
        r.string(*t, p, "file", &pc.file);
        if (!r.failed() && (t->get("id") == nullptr || t->get("file") == nullptr))
          r.fail(t->source(), p, "needs both id and file");
        for (const PromptConfig& other : c.prompts)
          if (!r.failed() && other.id == pc.id)
            r.fail(t->get("id")->source(), p + ".id",
                   "id " + std::to_string(id) + " is used twice");
        c.prompts.push_back(std::move(pc));
      }
    }
  }
  if (c.calls.hold_music != 0 && !r.failed()) {
    bool found = false;
    for (const PromptConfig& p : c.prompts) found = found || p.id == c.calls.hold_music;
    if (!found)
      r.fail(root.get("calls")->as_table()->get("hold_music")->source(), "calls.hold_music",
             "no [[prompts]] has id " + std::to_string(c.calls.hold_music));
  }
  if (const toml::table* t = r.table(root, "", "nas")) read_nas(r, *t, &c.nas);
  if (const toml::table* t = r.table(root, "", "api")) read_api(r, *t, &c.api);
  if (const toml::table* t = r.table(root, "", "edge")) read_edge(r, *t, &c.edge);
  if (const toml::table* t = r.table(root, "", "log")) {
    r.only_keys(*t, "log", {"level"});
    if (const toml::node* n = t->get("level")) {
      auto v = n->value_exact<std::string>();
      if (!v || !log::parse_level(*v, &c.log_level)) {
        r.fail(n->source(), "log.level", "expected one of debug, info, warn, error");
      }
    }
  }
  for (auto [key, port] :
       {std::pair{"sip.port", c.sip.port}, std::pair{"sip.tcp_port", c.sip.tcp_port},
        std::pair{"sip.tls_port", c.sip.tls_port}}) {
    if (!r.failed() && port != 0 && port >= c.media_port_min && port <= c.media_port_max) {
      r.fail_file(std::string(key) + " " + std::to_string(port) +
                  " lies in the media port range [media] port_min..port_max");
    }
  }
  if (!r.failed() && c.ports.empty()) r.fail_file("no [[ports]]: the dataplane needs at least one");
  if (r.failed()) return Error{r.error()};
  return c;
}

}  // namespace

Result<Config> load_string(std::string_view text, const std::string& name) {
  try {
    toml::table root = toml::parse(text, name);
    return read(root, name);
  } catch (const toml::parse_error& e) {
    std::ostringstream os;
    os << name << ':' << e.source().begin.line << ':' << e.source().begin.column
       << ": TOML syntax: " << e.description();
    return Error{os.str()};
  }
}

Result<Config> load_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error{path + ": cannot read the configuration file"};
  std::ostringstream text;
  text << in.rdbuf();
  return load_string(text.str(), path);
}

}  // namespace trunkline::config
