// The daemon: config → store → dataplane → control socket, then the control
// plane's event loop until SIGTERM/SIGINT. SIGHUP re-reads the config and
// applies what can change at run time (the log level today).
#include "control/app/serve_command.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>

#include "common/log.h"
#include "control/config/config.h"
#include "control/sip/preparse.h"
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

// Starts one control shard per [sip] shards, linked to every worker lcore.
Shards start_sip_shards(const config::Config& c, const dataplane::Dataplane& dp) {
  Shards shards;
  if (c.sip.port == 0) return shards;
  for (unsigned s = 0; s < c.sip.shards; ++s) {
    std::vector<sip::ShardLink> links;
    for (unsigned w = 0; w < dp.workers(); ++w) {
      links.push_back({static_cast<std::uint16_t>(w), dp.sip_up(w, s), dp.sip_down(w, s)});
    }
    shards.push_back(std::make_unique<sip::UdpShard>(s, std::move(links), dp.pool(), c.sip));
    shards.back()->start();
  }
  return shards;
}

void add_sip_rows(stats::Snapshot& s, const Shards& shards, const dataplane::Dataplane& dp) {
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

  Shards shards = start_sip_shards(c, **dp);

  boost::asio::io_context io;
  stats::ControlServer control(io, c.control_socket);
  control.on("stats", [&](const std::string& format) {
    stats::Snapshot s = snapshot(**dp, **st, started);
    add_sip_rows(s, shards, **dp);
    if (format == "json") return stats::format_json(s);
    if (format == "prometheus") return stats::format_prometheus(s);
    if (format.empty() || format == "text") return stats::format_text(s);
    return "error: unknown stats format '" + format + "' (text, json, prometheus)\n";
  });
  control.on("ping", [](const std::string&) { return std::string("pong\n"); });
  if (Status s = control.listen(); !s) {
    TL_LOG(kError, "startup_failed", "reason=\"%s\"", s.error().message.c_str());
    shards.clear();
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
        TL_LOG(kInfo, "reloaded", "applied=log.level restart_needed_for=ports,lcores,eal,paths");
      }
      wait_hup();
    });
  };
  wait_hup();

  TL_LOG(kInfo, "ready", "config=%s ports=%zu workers=%zu control_socket=%s", config_path.c_str(),
         c.ports.size(), c.worker_lcores.size(), c.control_socket.c_str());
  io.run();
  shards.clear();  // the shards hold mbufs of the dataplane's pool: stop them first
  (*dp)->stop();
  TL_LOG(kInfo, "stopped", "uptime_s=%lld",
         static_cast<long long>(std::chrono::duration_cast<std::chrono::seconds>(
                                    std::chrono::steady_clock::now() - started)
                                    .count()));
  return 0;
}

}  // namespace trunkline::app
