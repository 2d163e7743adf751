// AcdPlane's inside, shared by acd_plane.cc (the thread, the rings, the
// engines' decisions) and acd_desk.cc (agents' and supervisors' requests).
#pragma once

#include <boost/lockfree/spsc_queue.hpp>
#include <condition_variable>
#include <deque>
#include <functional>
#include <future>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "control/acd/engine.h"
#include "control/app/acd_event_ring.h"
#include "control/app/acd_plane.h"

namespace trunkline::app {

inline constexpr std::size_t kAcdRing = 4096;

// One SIP shard's two rings. `reports` has one producer (the shard) and one
// consumer (the ACD thread), `orders` the other way round; each side keeps
// what did not fit in a backlog of its own and retries, so nothing is lost
// and nobody blocks.
struct AcdShardLink final : b2bua::CallQueue {
  boost::lockfree::spsc_queue<b2bua::QueueReport, boost::lockfree::capacity<kAcdRing>> reports;
  boost::lockfree::spsc_queue<b2bua::QueueOrder, boost::lockfree::capacity<kAcdRing>> orders;
  std::deque<b2bua::QueueReport> report_backlog;  // the shard's thread only
  std::deque<b2bua::QueueOrder> order_backlog;    // the ACD thread only
  std::atomic<std::uint64_t>* reports_backlogged = nullptr;

  void report(const b2bua::QueueReport& r) override;
  unsigned poll(const std::function<void(const b2bua::QueueOrder&)>& handle) override;
};

// A caller the ACD knows, by the B2BUA's session ID.
struct AcdCaller {
  std::int64_t tenant = 0;
  acd::CallerId caller = acd::kNoCaller;
  std::uint8_t shard = 0;
  std::uint16_t announcement = 0;  // kPlayAnnouncement waiting for its kPlayMusic
};

struct TenantAcd {
  // Declared before the engine, so that the engine (which holds a pointer
  // to it) is destroyed first.
  std::unique_ptr<AcdEventRing> events;  // subscribed to `engine`
  std::unique_ptr<acd::Engine> engine;
  std::vector<std::uint32_t> ring_timeout_ms;  // per QueueId: the B2BUA rings this long
  std::unordered_map<acd::CallerId, std::uint32_t> sessions;  // caller -> session
  // What the engine was built from (the tenant's ACD table and its agents'
  // skills and queues): a reload rebuilds only when this changed.
  std::string signature;
};

// One tenant's engine from its provisioned configuration and agents.
Result<TenantAcd> build_tenant_acd(const tenant::Directory& dir, const tenant::DirTenant& t,
                                   const AcdSettings& settings);

// A reload's new engine for a tenant (none: the tenant no longer has an
// ACD), waiting on the ACD thread until the tenant has no caller in it.
struct AcdRebuild {
  std::int64_t tenant = 0;
  std::string name;
  std::optional<TenantAcd> acd;
  bool deferral_logged = false;
};

struct AcdPlane::Impl {
#define TL_ACD_COUNTER_FIELD(name, help) std::atomic<std::uint64_t> name{0};
  struct Counters {
    TL_ACD_COUNTERS(TL_ACD_COUNTER_FIELD)
  } counters;
#undef TL_ACD_COUNTER_FIELD

  AcdSettings settings;
  const media::PromptStore* prompts = nullptr;
  std::vector<std::unique_ptr<AcdShardLink>> links;
  std::unordered_map<std::int64_t, TenantAcd> tenants;
  std::unordered_map<std::uint32_t, AcdCaller> callers;  // by session
  std::chrono::steady_clock::time_point epoch = std::chrono::steady_clock::now();

  std::mutex reload_mu;
  std::vector<AcdRebuild> reload_inbox;  // from reload(), under reload_mu
  std::vector<AcdRebuild> rebuilds;      // the ACD thread's: waiting for idle tenants

  std::mutex desk_mu;
  std::deque<std::packaged_task<acd::DeskAnswer()>> desk;  // run on the ACD thread
  std::atomic<bool> quit{false};
  std::thread thread;

  std::int64_t now_us() const {
    return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() -
                                                                 epoch)
        .count();
  }
  void run();
  // Swaps in the waiting rebuilds of tenants with no caller in their engine.
  void apply_rebuilds();
  unsigned drain_reports(AcdShardLink& link);
  void handle(const b2bua::QueueReport& r, std::int64_t now);
  void arrive(const b2bua::QueueReport& r, std::int64_t now);
  void apply(std::int64_t tenant, TenantAcd& t);
  void order(std::uint8_t shard, const b2bua::QueueOrder& o);
  void refuse(const b2bua::QueueReport& r, std::uint16_t status, const char* why);
  // Runs `task` on the ACD thread and waits (at most 2 s) for its answer.
  acd::DeskAnswer on_thread(std::function<acd::DeskAnswer()> task);
};

}  // namespace trunkline::app
