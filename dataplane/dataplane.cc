#include "dataplane/dataplane.h"

#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>
#include <rte_ring.h>

#include <algorithm>
#include <random>

#include "common/log.h"
#include "dataplane/lcore/main_loop.h"
#include "dataplane/port/eal_args.h"

namespace trunkline::dataplane {

Result<std::unique_ptr<Dataplane>> Dataplane::start(const config::Config& c) {
  std::unique_ptr<Dataplane> dp(new Dataplane());
  // Prompts first: a bad sound file stops start-up before EAL takes the NIC.
  for (const config::PromptConfig& pc : c.prompts) {
    auto p = media::load_prompt(pc.id, pc.file);
    if (!p) return Error{"[[prompts]] id " + std::to_string(pc.id) + ": " + p.error().message};
    if (Status st = dp->prompts_.add(std::move(*p)); !st) return st.error();
  }
  if (!c.prompts.empty()) TL_LOG(kInfo, "prompts_loaded", "prompts=%zu", dp->prompts_.size());
  std::vector<std::string> args = eal_arguments(c);
  std::string line;
  for (const auto& a : args) line += (line.empty() ? "" : " ") + a;
  TL_LOG(kInfo, "eal_init", "args=\"%s\"", line.c_str());
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  if (rte_eal_init(static_cast<int>(args.size()), argv.data()) < 0) {
    return Error{"DPDK EAL initialisation failed: " + std::string(rte_strerror(rte_errno)) +
                 " (EAL arguments: " + line + ")"};
  }
  dp->eal_up_ = true;

  dp->pool_ = rte_pktmbuf_pool_create("tl_pkts", c.dataplane.mbufs, c.dataplane.mbuf_cache, 0,
                                      RTE_MBUF_DEFAULT_BUF_SIZE, static_cast<int>(rte_socket_id()));
  if (dp->pool_ == nullptr) {
    return Error{"cannot create the packet pool (" + std::to_string(c.dataplane.mbufs) +
                 " mbufs): " + rte_strerror(rte_errno) + "; raise [eal] memory_mb or lower " +
                 "[dataplane] mbufs"};
  }
  const auto queues = static_cast<std::uint16_t>(c.worker_lcores.size());
  for (std::size_t i = 0; i < c.ports.size(); ++i) {
    auto p = open_port(c.ports[i], i, dp->pool_, queues, c.dataplane);
    if (!p) return p.error();
    dp->ports_.push_back(std::move(*p));
  }

  net::NeighbourParams np{c.neighbour.capacity, c.neighbour.reachable_ms, c.neighbour.retransmit_ms,
                          c.neighbour.max_probes, c.neighbour.max_age_ms};
  for (std::size_t w = 0; w < c.worker_lcores.size(); ++w) {
    auto ctx = std::make_unique<LcoreContext>(c.worker_lcores[w], np);
    ctx->loop = LoopParams{static_cast<std::uint16_t>(c.dataplane.burst_size),
                           c.dataplane.idle_polls_before_sleep, c.dataplane.idle_sleep_us};
    ctx->pool = dp->pool_;
    ctx->quit = &dp->quit_;
    ctx->worker = static_cast<unsigned>(w);
    for (const Port& p : dp->ports_) {
      ctx->ports.push_back(
          PortQueue{p.id, p.tap, static_cast<std::uint16_t>(w), &p.ifc, &p.resolve4, &p.resolve6});
    }
    if (c.sip.port != 0) {
      if (c.sip.shards > kMaxShards) return Error{"[sip] shards: at most 16"};
      ctx->sip.port = c.sip.port;
      ctx->sip.shards = c.sip.shards;
      ctx->sip.retry_after_s = c.sip.retry_after_s;
      for (unsigned s = 0; s < c.sip.shards; ++s) {
        for (int dir = 0; dir < 2; ++dir) {
          const std::string name = std::string(dir == 0 ? "tl_sip_up_" : "tl_sip_dn_") +
                                   std::to_string(w) + "_" + std::to_string(s);
          rte_ring* r = rte_ring_create(name.c_str(), c.sip.queue_depth, rte_socket_id(),
                                        RING_F_SP_ENQ | RING_F_SC_DEQ);
          if (r == nullptr) {
            return Error{"cannot create SIP ring " + name + ": " + rte_strerror(rte_errno) +
                         " (lower [sip] queue_depth or raise [eal] memory_mb)"};
          }
          dp->rings_.push_back(r);
          (dir == 0 ? ctx->sip.to_control : ctx->sip.from_control)[s] = r;
        }
      }
    }
    // Edge table sized once; its hash keyed per lcore and per start.
    ctx->edge.sources =
        edge::SourceLimiter(c.edge.sources_per_lcore,
                            (std::uint64_t{std::random_device{}()} << 32) ^ std::random_device{}());
    ctx->edge.exchange = &dp->edge_policies_;
    dp->edge_policies_.add_reader(&ctx->edge.seen);
    if (Status st = dp->setup_media(c, *ctx); !st) return st.error();
    dp->contexts_.push_back(std::move(ctx));
  }
  for (auto& ctx : dp->contexts_) {
    if (int rc = rte_eal_remote_launch(worker_main, ctx.get(), ctx->lcore_id); rc != 0) {
      dp->quit_ = true;
      rte_eal_mp_wait_lcore();
      return Error{"cannot launch worker on lcore " + std::to_string(ctx->lcore_id) + ": " +
                   rte_strerror(-rc)};
    }
    TL_LOG(kInfo, "worker_started", "lcore=%u ports=%zu", ctx->lcore_id, ctx->ports.size());
  }
  dp->running_ = true;
  return dp;
}

Dataplane::~Dataplane() { stop(); }

void Dataplane::publish_edge_policy(std::unique_ptr<const edge::EdgePolicy> p) {
  // Lcores poll at least every idle_sleep_us: a few milliseconds is plenty.
  const std::size_t pending =
      edge_policies_.publish(std::move(p), std::chrono::milliseconds(200), running_);
  if (pending != 0)
    TL_LOG(kWarn, "edge_policy_reclaim_deferred", "pending=%zu reason=\"an lcore did not poll\"",
           pending);
}

void Dataplane::stop() {
  if (running_) {
    quit_.store(true);
    rte_eal_mp_wait_lcore();
    running_ = false;
    TL_LOG(kInfo, "workers_stopped", "count=%zu", contexts_.size());
  }
  for (rte_ring* r : rings_) {
    void* m;
    while (rte_ring_dequeue(r, &m) == 0) rte_pktmbuf_free(static_cast<rte_mbuf*>(m));
    rte_ring_free(r);
  }
  rings_.clear();
  for (const Port& p : ports_) close_port(p);
  ports_.clear();
  if (pool_ != nullptr) {
    rte_mempool_free(pool_);
    pool_ = nullptr;
  }
  if (eal_up_) {
    rte_eal_cleanup();
    eal_up_ = false;
  }
}

rte_ring* Dataplane::sip_up(unsigned w, unsigned s) const {
  return w < contexts_.size() && s < contexts_[w]->sip.shards ? contexts_[w]->sip.to_control[s]
                                                              : nullptr;
}

rte_ring* Dataplane::sip_down(unsigned w, unsigned s) const {
  return w < contexts_.size() && s < contexts_[w]->sip.shards ? contexts_[w]->sip.from_control[s]
                                                              : nullptr;
}

Status Dataplane::setup_media(const config::Config& c, LcoreContext& ctx) {
  media::MediaContext& m = ctx.media;
  m.flows = media::FlowTable(c.media_max_sessions);
  if (m.flows.max_sessions() != c.media_max_sessions) {
    return Error{"cannot allocate the media flow table of lcore " + std::to_string(ctx.lcore_id) +
                 " ([media] max_sessions = " + std::to_string(c.media_max_sessions) + ")"};
  }
  if (int err = 0; !media::srtp_library_init(&err))
    return Error{"libsrtp failed to initialise (srtp_err_status " + std::to_string(err) + ")"};
  m.srtp = media::SrtpTable(2 * m.flows.max_sessions());
  m.playout = media::Playout(2 * m.flows.max_sessions());
  m.prompts = &prompts_;
  m.workers = static_cast<std::uint16_t>(c.worker_lcores.size());
  m.counters = &ctx.counters;
  m.worker = static_cast<std::uint16_t>(ctx.worker);
  m.port_min = c.media_port_min;
  m.port_max = c.media_port_max;
  m.shards = std::min<unsigned>(c.sip.shards, media::kMaxShards);
  for (unsigned s = 0; s < m.shards; ++s) {
    auto cmd = std::make_unique<media::CommandRing>(c.media_command_ring_depth);
    cmd->full_counter = &ctx.counters.media_command_ring_full;
    // Each command answers at most two reports (kDelete: a kFinal per leg).
    auto rep = std::make_unique<media::ReportRing>(2 * std::size_t{c.media_command_ring_depth});
    m.commands[s] = cmd.get();
    m.reports[s] = rep.get();
    media_command_rings_.push_back(std::move(cmd));
    media_report_rings_.push_back(std::move(rep));
    if (c.recorder.enabled) {
      fork_queues_.push_back(std::make_unique<RtpForkQueue>(c.recorder.fork_queue_depth));
      m.fork[s] = fork_queues_.back().get();
    }
  }
  if (ctx.worker == 0) {
    TL_LOG(kInfo, "media_flow_table", "max_sessions=%u bytes_per_lcore=%zu bytes_per_session=%.0f",
           m.flows.max_sessions(), m.flows.bytes(), m.flows.bytes_per_session());
  }
  return {};
}

media::CommandRing* Dataplane::media_commands(unsigned w, unsigned s) const {
  return w < contexts_.size() && s < contexts_[w]->media.shards ? contexts_[w]->media.commands[s]
                                                                : nullptr;
}

media::ReportRing* Dataplane::media_reports(unsigned w, unsigned s) const {
  return w < contexts_.size() && s < contexts_[w]->media.shards ? contexts_[w]->media.reports[s]
                                                                : nullptr;
}

RtpForkQueue* Dataplane::fork_queue(unsigned w, unsigned s) const {
  return w < contexts_.size() && s < contexts_[w]->media.shards ? contexts_[w]->media.fork[s]
                                                                : nullptr;
}

std::unique_ptr<media::MediaControl> Dataplane::media_control(unsigned s) const {
  std::vector<media::CommandRing*> to;
  std::vector<media::ReportRing*> from;
  for (unsigned w = 0; w < contexts_.size(); ++w) {
    if (media_commands(w, s) == nullptr) return nullptr;
    to.push_back(media_commands(w, s));
    from.push_back(media_reports(w, s));
  }
  return std::make_unique<media::MediaControl>(s, std::move(to), std::move(from));
}

std::vector<Dataplane::LcoreView> Dataplane::lcores() const {
  std::vector<LcoreView> v;
  for (const auto& ctx : contexts_) v.push_back({ctx->lcore_id, &ctx->counters});
  return v;
}

}  // namespace trunkline::dataplane
