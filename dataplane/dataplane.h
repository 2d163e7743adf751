// The dataplane as the control plane sees it: start it from the config (EAL,
// packet pool, ports, one context per worker lcore), read its counters, stop it.
#pragma once

#include <atomic>
#include <memory>
#include <vector>

#include "common/result.h"
#include "control/config/config.h"
#include "dataplane/edge/policy.h"
#include "dataplane/lcore/context.h"
#include "dataplane/media/media_control.h"
#include "dataplane/port/port.h"

struct rte_ring;

namespace trunkline::dataplane {

using RtpForkQueue = recorder::BoundedQueue<recorder::RtpRecord>;

class Dataplane {
 public:
  // Initialises EAL and starts every worker. Errors name the part at fault.
  static Result<std::unique_ptr<Dataplane>> start(const config::Config& c);
  ~Dataplane();
  Dataplane(const Dataplane&) = delete;
  Dataplane& operator=(const Dataplane&) = delete;

  // Stops the workers, the ports and EAL. Idempotent.
  void stop();

  struct LcoreView {
    unsigned lcore;
    const net::Counters* counters;
  };
  std::vector<LcoreView> lcores() const;
  const std::vector<Port>& ports() const { return ports_; }

  // SIP steering rings between worker `w` and control shard `s` (null when
  // SIP is off), and the packet pool control allocates its frames from.
  rte_ring* sip_up(unsigned w, unsigned s) const;
  rte_ring* sip_down(unsigned w, unsigned s) const;
  unsigned workers() const { return static_cast<unsigned>(contexts_.size()); }
  rte_mempool* pool() const { return pool_; }

  // Media command/report rings between worker `w` and control shard `s`
  // (null when out of range), and a MediaControl for shard `s` over all of
  // them. Both must not outlive the Dataplane.
  media::CommandRing* media_commands(unsigned w, unsigned s) const;
  media::ReportRing* media_reports(unsigned w, unsigned s) const;
  std::unique_ptr<media::MediaControl> media_control(unsigned s) const;
  // The recorder fork queue from worker `w` to shard `s`'s recorder worker
  // (null when [recorder] is off or out of range); the recorder drains it.
  RtpForkQueue* fork_queue(unsigned w, unsigned s) const;
  const media::PromptStore& prompts() const { return prompts_; }

  // Hands every lcore a new edge policy (dataplane/edge/policy.h) and frees
  // the one it replaces once no lcore can hold it. Control thread only.
  void publish_edge_policy(std::unique_ptr<const edge::EdgePolicy> p);

 private:
  Dataplane() = default;
  Status setup_media(const config::Config& c, LcoreContext& ctx);

  std::vector<Port> ports_;
  std::vector<std::unique_ptr<LcoreContext>> contexts_;
  rte_mempool* pool_ = nullptr;
  std::vector<rte_ring*> rings_;  // every SIP ring, freed at stop
  std::vector<std::unique_ptr<media::CommandRing>> media_command_rings_;
  std::vector<std::unique_ptr<media::ReportRing>> media_report_rings_;
  std::vector<std::unique_ptr<RtpForkQueue>> fork_queues_;
  media::PromptStore prompts_;          // [[prompts]], loaded before the workers start
  edge::PolicyExchange edge_policies_;  // read by the lcores: outlives them
  std::atomic<bool> quit_{false};
  bool running_ = false;
  bool eal_up_ = false;
};

}  // namespace trunkline::dataplane
