// The live ACD in the daemon: one thread that owns every tenant's engine
// (control/acd/engine.h), built from the provisioned directory. SIP shards
// report their queued calls through one bounded SPSC ring each and get the
// engines' orders back through another (b2bua::CallQueue); agents' desk
// requests (`trunkline agent …`, the HTTPS API) are handed to the thread and
// answered from it (acd::AgentDesk). Nothing else touches an engine.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <thread>
#include <vector>

#include "common/result.h"
#include "control/acd/agent_desk.h"
#include "control/b2bua/call_queue.h"
#include "control/stats/snapshot.h"
#include "control/tenant/directory.h"
#include "dataplane/media/prompt.h"

namespace trunkline::app {

struct AcdSettings {
  unsigned shards = 1;
  std::uint16_t hold_music = 0;                 // music for queues that name none (0: silence)
  std::uint32_t max_callers = 4096;             // per tenant: waiting, ringing and talking
  std::int64_t min_retry_delay_us = 1'000'000;  // before re-offering to a failed phone
};

// clang-format off
#define TL_ACD_COUNTERS(X)                                                           \
  X(engines,            "tenants with a live ACD engine (gauge)")                    \
  X(callers_arrived,    "callers reported to the ACD")                               \
  X(callers_refused,    "callers the ACD refused on arrival (no engine/queue, full)") \
  X(offers,             "offers ordered to agents")                                  \
  X(reports_refused,    "reports an engine refused (stale or out of order): logged") \
  X(orders_backlogged,  "orders that waited for room in a shard's ring")             \
  X(reports_backlogged, "reports that waited for room in the ACD's ring")            \
  X(desk_requests,      "agent and supervisor requests answered")                    \
  X(engines_rebuilt,    "tenants' engines rebuilt after a reload changed them")      \
  X(rebuilds_deferred,  "rebuilds that waited for a tenant's callers to leave")
// clang-format on

class AcdPlane final : public acd::AgentDesk {
 public:
  // Builds an engine per tenant with an ACD configuration; a tenant whose
  // configuration no longer loads is an error naming it (nothing starts).
  static Result<std::unique_ptr<AcdPlane>> start(const tenant::Directory& directory,
                                                 const media::PromptStore& prompts,
                                                 const AcdSettings& settings);
  ~AcdPlane() override;
  void stop();

  // After a reload: every tenant whose ACD table or agents (skills, queues)
  // changed gets a new engine, built here; a tenant that lost its table
  // loses its engine. The ACD thread swaps each in as soon as that tenant
  // has no caller in its engine (waiting, ringing or talking), carrying
  // over every agent's login and ready / not-ready state by name, and the
  // tenant's event stream. A configuration that no longer builds is an
  // error naming the tenant, and nothing changes.
  Status reload(const tenant::Directory& directory);

  // The shard's side: its reports in, its orders out.
  b2bua::CallQueue* queue(unsigned shard);
  void add_rows(stats::Snapshot& s) const;

  // acd::AgentDesk
  acd::DeskAnswer log_in(std::int64_t tenant, std::string_view agent, bool ready) override;
  acd::DeskAnswer log_out(std::int64_t tenant, std::string_view agent) override;
  acd::DeskAnswer set_ready(std::int64_t tenant, std::string_view agent) override;
  acd::DeskAnswer set_not_ready(std::int64_t tenant, std::string_view agent,
                                std::uint32_t reason) override;
  acd::DeskAnswer end_wrap_up(std::int64_t tenant, std::string_view agent) override;
  acd::DeskAnswer agent(std::int64_t tenant, std::string_view agent) override;
  acd::DeskAnswer board(std::int64_t tenant) override;
  acd::DeskAnswer events(std::int64_t tenant, std::uint64_t after_seq) override;

  struct Impl;

 private:
  explicit AcdPlane(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace trunkline::app
