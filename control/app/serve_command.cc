// The daemon: config → store → dataplane → control socket, then the control
// plane's event loop until SIGTERM/SIGINT. SIGHUP re-reads the config and
// applies what can change at run time (log level, directory, [edge] policy).
#include "control/app/serve_command.h"

#include <malloc.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <future>
#include <string>

#include "common/log.h"
#include "control/app/acd_plane.h"
#include "control/app/agent_command.h"
#include "control/app/api_plane.h"
#include "control/app/edge_plane.h"
#include "control/app/recording_plane.h"
#include "control/b2bua/cdr_writer.h"
#include "control/b2bua/directory_routing.h"
#include "control/config/config.h"
#include "control/registrar/registrar.h"
#include "control/sip/preparse.h"
#include "control/sip/transport/stream_transport.h"
#include "control/sip/transport/udp_shard.h"
#include "control/stats/control_server.h"
#include "control/stats/snapshot.h"
#include "control/store/sqlite_store.h"
#include "dataplane/dataplane.h"
#include "dataplane/net/counters.h"

namespace trunkline::app {

namespace {

Status make_parent_dir(const std::string& path, const char* what) {
  std::error_code ec;
  const auto parent = std::filesystem::path(path).parent_path();
  if (!parent.empty()) std::filesystem::create_directories(parent, ec);
  if (ec)
    return Error{std::string(what) + " " + path + ": cannot create its directory: " + ec.message()};
  return Status::Ok();
}

using Shards = std::vector<std::unique_ptr<sip::UdpShard>>;

// What every shard shares to carry calls: the directory, the registrar's
// bindings, the registrar, and the CDR writer.
struct CallPlane {
  b2bua::DirectoryHolder directory;
  registrar::LocationService locations;
  std::unique_ptr<registrar::Registrar> registrar;
  std::unique_ptr<b2bua::DirectoryRouting> routing;
  std::unique_ptr<b2bua::CdrWriter> cdrs;
};

// Loads the provisioned directory and hands the lcores the edge policy that
// trusts its trunks; an error leaves the previous ones in place.
Status load_directory(store::Store& st, CallPlane& calls, const config::EdgeConfig& edge,
                      dataplane::Dataplane& dp) {
  auto dir = tenant::Directory::load(st);
  if (!dir) return dir.error();
  TL_LOG(kInfo, "directory_loaded", "tenants=%zu dids=%zu trunks=%zu", (*dir)->tenants().size(),
         (*dir)->did_count(), (*dir)->trunks().size());
  publish_edge_policy(edge, **dir, dp);
  calls.directory.set(std::move(*dir));
  return Status::Ok();
}

// Every routable address of the dataplane's ports (not link-local): where a
// leg of either family can leave from.
std::vector<b2bua::LocalAddress> local_addresses(const dataplane::Dataplane& dp) {
  std::vector<b2bua::LocalAddress> out;
  for (const dataplane::Port& p : dp.ports()) {
    for (const net::Prefix4& a : p.ifc.v4) out.push_back({net::IpKey::of(a.addr), p.id});
    for (const net::Prefix6& a : p.ifc.v6)
      if (!a.addr.is_link_local()) out.push_back({net::IpKey::of(a.addr), p.id});
  }
  return out;
}

void start_call_plane(const config::Config& c, store::Store& st, const dataplane::Dataplane& dp,
                      CallPlane& calls) {
  calls.routing = std::make_unique<b2bua::DirectoryRouting>(calls.directory, &calls.locations,
                                                            local_addresses(dp));
  registrar::RegistrarConfig rc;  // nonce secret: random per start
  rc.min_expires_s = c.registrar.min_expires_s;
  rc.max_expires_s = c.registrar.max_expires_s;
  rc.default_expires_s = c.registrar.max_expires_s;
  rc.nonce_lifetime_s = c.registrar.nonce_lifetime_s;
  rc.max_contacts_per_agent = c.registrar.max_contacts_per_agent;
  rc.challenge_algorithms.clear();
  for (const std::string& a : c.registrar.digest_algorithms)
    rc.challenge_algorithms.push_back(a == "MD5" ? registrar::DigestAlgorithm::kMd5
                                                 : registrar::DigestAlgorithm::kSha256);
  calls.registrar = std::make_unique<registrar::Registrar>(
      [&calls](std::string_view domain,
               std::string_view user) -> std::optional<registrar::Credential> {
        auto dir = calls.directory.get();
        if (!dir) return std::nullopt;
        const tenant::DirAgent* a = dir->agent_by_user(domain, user);
        const tenant::DirTenant* t = a != nullptr ? dir->tenant(a->tenant) : nullptr;
        if (a == nullptr || t == nullptr) return std::nullopt;
        return registrar::Credential{a->tenant, a->name, t->sip_domain, a->ha1_md5, a->ha1_sha256};
      },
      calls.locations, rc);
  calls.cdrs = std::make_unique<b2bua::CdrWriter>([&st](const b2bua::CallRecord& r) -> Status {
    auto scope = st.tenant(r.tenant);
    if (!scope) return scope.error();
    auto id = (*scope)->add_cdr(r.cdr);
    if (!id) return id.error();
    return Status::Ok();
  });
}

// SIP over TCP and TLS: listeners on the addresses of every port that has an
// exception path (kernel_interface), the only way TCP reaches the kernel.
// Null when SIP is off, when no port has one, or when both listeners are off.
sip::TlsFiles tls_files(const config::SipConfig& s) {
  return {s.tls_certificate, s.tls_private_key, s.tls_ca_file, s.tls_verify_clients};
}

Result<std::unique_ptr<sip::StreamTransport>> start_sip_streams(const config::Config& c,
                                                                const dataplane::Dataplane& dp) {
  const config::SipConfig& s = c.sip;
  if (s.port == 0 || (s.tcp_port == 0 && !s.tls_enabled()))
    return std::unique_ptr<sip::StreamTransport>();
  sip::StreamOptions o;
  for (const config::PortConfig& pc : c.ports) {
    if (pc.kernel_interface.empty()) continue;
    std::uint16_t dpdk_port = 0;
    for (const dataplane::Port& p : dp.ports())
      if (p.name == pc.name) dpdk_port = p.id;
    for (const net::Prefix4& a : pc.ipv4) {
      o.addresses.push_back(net::IpKey::of(a.addr));
      o.dpdk_ports.emplace_back(o.addresses.back(), dpdk_port);
    }
    for (const net::Prefix6& a : pc.ipv6) {
      o.addresses.push_back(net::IpKey::of(a.addr));
      o.dpdk_ports.emplace_back(o.addresses.back(), dpdk_port);
    }
  }
  if (o.addresses.empty()) {
    TL_LOG(kInfo, "sip_stream_off", "reason=\"no port has a kernel_interface\"");
    return std::unique_ptr<sip::StreamTransport>();
  }
  o.tcp_port = s.tcp_port;
  o.tls_port = s.tls_enabled() ? s.tls_port : 0;
  o.tls = tls_files(s);
  o.idle_timeout_s = s.tcp_idle_timeout_s;
  o.max_connections = s.max_connections;
  o.limits.max_message = s.max_message_bytes;
  o.limits.max_head = std::min<std::size_t>(o.limits.max_head, s.max_message_bytes);
  o.shards = s.shards;
  o.queue_depth = s.queue_depth;
  o.retry_after_s = s.retry_after_s;
  return sip::StreamTransport::start(o);
}

// Starts one control shard per [sip] shards, linked to every worker lcore.
Shards start_sip_shards(const config::Config& c, const dataplane::Dataplane& dp, CallPlane& calls,
                        RecordingPlane* recording, AcdPlane* acd, sip::StreamTransport* streams) {
  Shards shards;
  if (c.sip.port == 0) return shards;
  for (unsigned s = 0; s < c.sip.shards; ++s) {
    std::vector<sip::ShardLink> links;
    for (unsigned w = 0; w < dp.workers(); ++w) {
      links.push_back({static_cast<std::uint16_t>(w), dp.sip_up(w, s), dp.sip_down(w, s)});
    }
    sip::CallServices services;
    services.routing = calls.routing.get();
    registrar::Registrar* reg = calls.registrar.get();
    services.registrar = [reg](const sip::Message& m, const sip::Peer& from, std::uint64_t now,
                               int* code) { return reg->handle(m, from, now, code); };
    b2bua::CdrWriter* writer = calls.cdrs.get();
    services.cdrs = [writer](const b2bua::CallRecord& r) { writer->submit(r); };
    services.media = dp.media_control(s);
    services.recorder = recording != nullptr ? recording->recorder(s) : nullptr;
    services.queue = acd != nullptr ? acd->queue(s) : nullptr;
    services.b2bua.shard = s;
    services.b2bua.shards = c.sip.shards;
    services.b2bua.media_port_min = c.media_port_min;
    services.b2bua.media_port_max = c.media_port_max;
    services.b2bua.retry_after_s = c.sip.retry_after_s;
    services.b2bua.test_responder = c.sip.test_responder;
    services.b2bua.media_workers = dp.workers();
    services.b2bua.ring_timeout_s = c.calls.ring_timeout_s;
    services.b2bua.max_calls = c.calls.max_calls;
    services.b2bua.cdr_wait_ms = c.calls.cdr_wait_ms;
    services.streams = streams;
    shards.push_back(std::make_unique<sip::UdpShard>(s, std::move(links), dp.pool(), c.sip,
                                                     std::move(services)));
    shards.back()->start();
  }
  return shards;
}

void add_call_rows(stats::Snapshot& s, const CallPlane& calls) {
  if (calls.registrar) {
    const registrar::RegistrarCounters r = calls.registrar->counters();
#define TL_REGISTRAR_ROW(name, help) s.rows.push_back({"registrar_" #name, help, {}, r.name});
    TL_REGISTRAR_COUNTERS(TL_REGISTRAR_ROW)
#undef TL_REGISTRAR_ROW
  }
  if (calls.cdrs) {
    s.rows.push_back({"cdr_written", "CDRs written to the store", {}, calls.cdrs->written()});
    s.rows.push_back(
        {"cdr_write_failures", "CDR writes that failed (retried)", {}, calls.cdrs->failures()});
    s.rows.push_back(
        {"cdr_queued", "CDRs waiting for the store (gauge)", {}, calls.cdrs->queued()});
  }
}

void add_sip_rows(stats::Snapshot& s, const Shards& shards, const dataplane::Dataplane& dp,
                  const sip::StreamTransport* streams) {
  // Refusals of the dataplane's pre-parse, by reason.
  const auto lcores = dp.lcores();
  for (std::size_t i = 0; i < static_cast<std::size_t>(sip::PreparseResult::kCount); ++i) {
    const auto r = static_cast<sip::PreparseResult>(i);
    if (r == sip::PreparseResult::kOk || r == sip::PreparseResult::kKeepalive) continue;
    stats::Row row{
        "dataplane_sip_refused_" + std::string(sip::preparse_result_name(r)),
        "SIP datagrams the pre-parse refused: " + std::string(sip::preparse_result_name(r)),
        {},
        0};
    for (const auto& l : lcores) {
      const std::uint64_t v = l.counters->sip_refused_by[i].load(std::memory_order_relaxed);
      row.per_lcore.push_back(v);
      row.total += v;
    }
    s.rows.push_back(std::move(row));
  }
  // Control shards: appliance-wide totals.
#define TL_SHARD_ROW(name, help)                                                            \
  {                                                                                         \
    std::uint64_t v = 0;                                                                    \
    for (const auto& sh : shards) v += sh->counters().name.load(std::memory_order_relaxed); \
    s.rows.push_back({"sip_" #name, help, {}, v});                                          \
  }
  TL_SIP_SHARD_COUNTERS(TL_SHARD_ROW)
#undef TL_SHARD_ROW
#define TL_TX_ROW(name, help)                                           \
  {                                                                     \
    std::uint64_t v = 0;                                                \
    for (const auto& sh : shards) v += sh->transaction_counters().name; \
    s.rows.push_back({"sip_transaction_" #name, help, {}, v});          \
  }
  TL_SIP_TRANSACTION_COUNTERS(TL_TX_ROW)
#undef TL_TX_ROW
#define TL_B2BUA_ROW(name, help)                                  \
  {                                                               \
    std::uint64_t v = 0;                                          \
    for (const auto& sh : shards) v += sh->b2bua_counters().name; \
    s.rows.push_back({"calls_" #name, help, {}, v});              \
  }
  TL_B2BUA_COUNTERS(TL_B2BUA_ROW)
#undef TL_B2BUA_ROW
  // The stream transport (TCP, TLS); zeros when it is off.
#define TL_STREAM_ROW(name, help) \
  s.rows.push_back(               \
      {"sip_stream_" #name,       \
       help,                      \
       {},                        \
       streams != nullptr ? streams->counters().name.load(std::memory_order_relaxed) : 0});
  TL_SIP_STREAM_COUNTERS(TL_STREAM_ROW)
#undef TL_STREAM_ROW
}

stats::Snapshot snapshot(const dataplane::Dataplane& dp, store::Store& st,
                         std::chrono::steady_clock::time_point started) {
  stats::Snapshot s;
  const auto lcores = dp.lcores();
  for (const auto& l : lcores) s.lcores.push_back(l.lcore);
  for (const net::CounterInfo& ci : net::kCounterInfo) {
    stats::Row r{std::string("dataplane_") + ci.name, ci.help, {}, 0};
    for (const auto& l : lcores) {
      const std::uint64_t v = (l.counters->*ci.field).load(std::memory_order_relaxed);
      r.per_lcore.push_back(v);
      r.total += v;
    }
    s.rows.push_back(std::move(r));
  }
  const auto up =
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - started);
  s.rows.push_back({"uptime_seconds",
                    "seconds since the daemon started",
                    {},
                    static_cast<std::uint64_t>(up.count())});
  s.rows.push_back({"store_schema_version",
                    "highest store migration applied",
                    {},
                    static_cast<std::uint64_t>(st.schema_version())});
  s.rows.push_back({"ports", "ports the dataplane serves", {}, dp.ports().size()});
  // The control plane's heap (calls, dialogs, transactions, SRTP contexts):
  // grown per concurrent call, it is the memory a call costs outside the
  // lcores' preallocated tables.
  const struct mallinfo2 heap = ::mallinfo2();
  s.rows.push_back({"heap_in_use_bytes",
                    "bytes allocated from the heap now (gauge)",
                    {},
                    static_cast<std::uint64_t>(heap.uordblks + heap.hblkhd)});
  // Each port's device counters: drops before any lcore saw the frame.
  for (const dataplane::Port& p : dp.ports()) {
    const dataplane::PortStats ps = dataplane::read_port_stats(p);
    std::string n = "port_" + p.name + "_";
    for (char& ch : n)  // a counter name: [a-z0-9_] only
      if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
    s.rows.push_back({n + "rx_packets", "frames the device received", {}, ps.rx_packets});
    s.rows.push_back({n + "rx_missed",
                      "frames the device dropped: RX ring full (lcore behind)",
                      {},
                      ps.rx_missed});
    s.rows.push_back({n + "rx_errors", "frames the device received in error", {}, ps.rx_errors});
    s.rows.push_back(
        {n + "rx_no_mbuf", "frames the device dropped: packet pool empty", {}, ps.rx_no_mbuf});
    s.rows.push_back({n + "tx_packets", "frames the device sent", {}, ps.tx_packets});
    s.rows.push_back({n + "tx_errors", "frames the device failed to send", {}, ps.tx_errors});
  }
  return s;
}

}  // namespace

int run_serve(int argc, char** argv) {
  std::string config_path;
  for (int i = 0; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--config" && i + 1 < argc) {
      config_path = argv[++i];
    } else {
      std::fprintf(stderr, "trunkline serve: unknown argument '%s'\n", a.c_str());
      return 2;
    }
  }
  if (config_path.empty()) {
    std::fprintf(stderr, "trunkline serve: --config FILE is required\n");
    return 2;
  }
  auto cfg = config::load_file(config_path);
  if (!cfg) {
    std::fprintf(stderr, "trunkline serve: %s\n", cfg.error().message.c_str());
    return 2;
  }
  const config::Config& c = *cfg;
  log::set_level(c.log_level);
  const auto started = std::chrono::steady_clock::now();

  for (auto [path, what] :
       {std::pair{c.store_path, "store"}, std::pair{c.control_socket, "control socket"}}) {
    if (Status s = make_parent_dir(path, what); !s) {
      TL_LOG(kError, "startup_failed", "reason=\"%s\"", s.error().message.c_str());
      return 1;
    }
  }
  auto st = store::SqliteStore::open(c.store_path);
  if (!st) {
    TL_LOG(kError, "startup_failed", "reason=\"%s\"", st.error().message.c_str());
    return 1;
  }
  TL_LOG(kInfo, "store_open", "path=%s schema_version=%d", c.store_path.c_str(),
         (*st)->schema_version());

  auto dp = dataplane::Dataplane::start(c);
  if (!dp) {
    TL_LOG(kError, "startup_failed", "reason=\"%s\"", dp.error().message.c_str());
    return 1;
  }

  CallPlane calls;
  if (Status s = load_directory(**st, calls, c.edge, **dp); !s) {
    TL_LOG(kError, "startup_failed", "reason=\"directory: %s\"", s.error().message.c_str());
    (*dp)->stop();
    return 1;
  }
  start_call_plane(c, **st, **dp, calls);
  auto recording = RecordingPlane::start(c, **dp, **st);
  if (!recording) {
    TL_LOG(kError, "startup_failed", "reason=\"%s\"", recording.error().message.c_str());
    (*dp)->stop();
    return 1;
  }
  AcdSettings acd_settings;
  acd_settings.shards = c.sip.shards;
  acd_settings.hold_music = c.calls.hold_music;
  auto acd = AcdPlane::start(*calls.directory.get(), (*dp)->prompts(), acd_settings);
  if (!acd) {
    TL_LOG(kError, "startup_failed", "reason=\"%s\"", acd.error().message.c_str());
    if (*recording) (*recording)->stop();
    (*dp)->stop();
    return 1;
  }
  auto streams = start_sip_streams(c, **dp);
  if (!streams) {
    TL_LOG(kError, "startup_failed", "reason=\"%s\"", streams.error().message.c_str());
    (*acd)->stop();
    if (*recording) (*recording)->stop();
    (*dp)->stop();
    return 1;
  }
  calls.routing->set_local_ports(
      {c.sip.port, c.sip.tcp_port,
       static_cast<std::uint16_t>(c.sip.tls_enabled() ? c.sip.tls_port : 0)});
  // Declared after the stream transport: the shards use it until they stop.
  Shards shards = start_sip_shards(c, **dp, calls, recording->get(), acd->get(), streams->get());

  boost::asio::io_context io;
  stats::ControlServer control(io, c.control_socket);
  // One composition of every counter, for the control socket and /metrics.
  auto all_rows = [&] {
    stats::Snapshot s = snapshot(**dp, **st, started);
    add_sip_rows(s, shards, **dp, streams->get());
    add_call_rows(s, calls);
    if (*recording) (*recording)->add_rows(s);
    (*acd)->add_rows(s);
    return s;
  };
  control.on("stats", [&](const std::string& format) {
    const stats::Snapshot s = all_rows();
    if (format == "json") return stats::format_json(s);
    if (format == "prometheus") return stats::format_prometheus(s);
    if (format.empty() || format == "text") return stats::format_text(s);
    return "error: unknown stats format '" + format + "' (text, json, prometheus)\n";
  });
  control.on("ping", [](const std::string&) { return std::string("pong\n"); });
  control.on("agent", [&](const std::string& args) {
    auto dir = calls.directory.get();
    return handle_agent_request(**acd, dir.get(), args);
  });
  if (Status s = control.listen(); !s) {
    TL_LOG(kError, "startup_failed", "reason=\"%s\"", s.error().message.c_str());
    shards.clear();
    (*acd)->stop();
    if (*recording) (*recording)->stop();
    (*dp)->stop();
    return 1;
  }

  // The HTTPS API on its own threads; its hooks post to this loop.
  ApiHooks hooks;
  hooks.desk = acd->get();  // agents' and supervisors' endpoints reach the live ACD
  hooks.metrics = [&]() -> std::string {
    // Counters are read on this loop's thread, as for the control socket.
    auto p = std::make_shared<std::promise<std::string>>();
    auto f = p->get_future();
    boost::asio::post(io, [p, &all_rows] { p->set_value(stats::format_prometheus(all_rows())); });
    if (f.wait_for(std::chrono::seconds(2)) != std::future_status::ready)
      return "# the control loop did not answer in time\n";
    return f.get();
  };
  hooks.reload = [&]() -> Status {
    if (::kill(::getpid(), SIGHUP) != 0) return Error{"cannot signal the daemon"};
    return Status::Ok();
  };
  hooks.readiness = [&] {
    return std::string("{\"dataplane\":true,\"acd\":true,\"store\":") +
           ((*st)->schema_version() > 0 ? "true" : "false") + ",\"sip_shards\":" +
           (shards.size() == c.sip.shards || c.sip.port == 0 ? "true" : "false") + "}";
  };
  auto api = ApiPlane::start(c, **st, std::move(hooks));
  if (!api) {
    TL_LOG(kError, "startup_failed", "reason=\"%s\"", api.error().message.c_str());
    shards.clear();
    (*acd)->stop();
    if (*recording) (*recording)->stop();
    (*dp)->stop();
    return 1;
  }

  boost::asio::signal_set stop_signals(io, SIGINT, SIGTERM);
  stop_signals.async_wait([&](const boost::system::error_code& ec, int sig) {
    if (ec) return;
    TL_LOG(kInfo, "stopping", "signal=%d", sig);
    io.stop();
  });
  boost::asio::signal_set hup(io, SIGHUP);
  std::function<void()> wait_hup = [&] {
    hup.async_wait([&](const boost::system::error_code& ec, int) {
      if (ec) return;
      auto fresh = config::load_file(config_path);
      if (!fresh) {
        TL_LOG(kWarn, "reload_refused", "reason=\"%s\"", fresh.error().message.c_str());
      } else {
        log::set_level(fresh->log_level);
        if (Status d = load_directory(**st, calls, fresh->edge, **dp); !d) {
          TL_LOG(kWarn, "directory_reload_refused", "reason=\"%s\"", d.error().message.c_str());
        } else if (Status a = (*acd)->reload(*calls.directory.get()); !a) {
          TL_LOG(kWarn, "acd_reload_refused", "reason=\"%s\"", a.error().message.c_str());
        }
        // Certificates are rotated in place; turning TLS on or off needs a restart.
        if (*streams && c.sip.tls_enabled() && fresh->sip.tls_enabled())
          if (Status t = (*streams)->reload_tls(tls_files(fresh->sip)); !t)
            TL_LOG(kWarn, "sip_tls_reload_refused", "reason=\"%s\"", t.error().message.c_str());
        if (*api && c.api.enabled && fresh->api.enabled)
          if (Status t = (*api)->reload_certificate(fresh->api); !t)
            TL_LOG(kWarn, "api_tls_reload_refused", "reason=\"%s\"", t.error().message.c_str());
        TL_LOG(kInfo, "reloaded",
               "applied=log.level,directory,edge,acd,sip.tls,api.cert restart_needed_for=ports,"
               "lcores,eal,paths,edge.sources_per_lcore,sip.tls_port");
      }
      wait_hup();
    });
  };
  wait_hup();

  // Expired registrations are ignored by lookups; this gives their memory
  // back for agents whose phones never come back.
  boost::asio::steady_timer expiry(io);
  std::function<void()> expire_bindings = [&] {
    expiry.expires_after(std::chrono::seconds(30));
    expiry.async_wait([&](const boost::system::error_code& ec) {
      if (ec) return;
      const auto now =
          static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                         std::chrono::steady_clock::now().time_since_epoch())
                                         .count());
      if (const std::size_t n = calls.locations.expire(now); n != 0)
        TL_LOG(kInfo, "registrations_expired", "bindings=%zu", n);
      expire_bindings();
    });
  };
  expire_bindings();

  // The edge's drops, sampled once a second: a line when they start and end.
  edge::FloodWatch flood_watch;
  boost::asio::steady_timer edge_timer(io);
  std::function<void()> watch_edge_drops = [&] {
    edge_timer.expires_after(std::chrono::seconds(1));
    edge_timer.async_wait([&](const boost::system::error_code& ec) {
      if (ec) return;
      watch_edge(**dp, flood_watch);
      watch_edge_drops();
    });
  };
  watch_edge_drops();

  TL_LOG(kInfo, "ready", "config=%s ports=%zu workers=%zu control_socket=%s", config_path.c_str(),
         c.ports.size(), c.worker_lcores.size(), c.control_socket.c_str());
  io.run();
  if (*api) (*api)->stop();  // before what its hooks reach
  shards.clear();            // the shards hold mbufs of the dataplane's pool: stop them first
  if (*streams) (*streams)->stop();  // after the shards, which queue to it
  (*acd)->stop();
  if (*recording) (*recording)->stop();  // every recording sealed, fork queues unread
  calls.cdrs->stop();  // every CDR of an ended call is in the store before we exit
  (*dp)->stop();
  TL_LOG(kInfo, "stopped", "uptime_s=%lld",
         static_cast<long long>(std::chrono::duration_cast<std::chrono::seconds>(
                                    std::chrono::steady_clock::now() - started)
                                    .count()));
  return 0;
}

}  // namespace trunkline::app
