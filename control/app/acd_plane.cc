#include "control/app/acd_plane.h"

#include <algorithm>

#include "common/log.h"
#include "common/thread_name.h"
#include "control/acd/scenario.h"
#include "control/app/acd_plane_impl.h"

namespace trunkline::app {

namespace {

using b2bua::QueueOrder;
using b2bua::QueueOrderKind;
using b2bua::QueueReport;
using b2bua::QueueReportKind;

acd::OfferFailure to_engine(b2bua::OfferFailureKind k) {
  switch (k) {
    case b2bua::OfferFailureKind::kBusy:
      return acd::OfferFailure::kBusy;
    case b2bua::OfferFailureKind::kRejected:
      return acd::OfferFailure::kRejected;
    case b2bua::OfferFailureKind::kNoAnswer:
      return acd::OfferFailure::kNoAnswer;
    case b2bua::OfferFailureKind::kError:
      break;
  }
  return acd::OfferFailure::kError;
}

}  // namespace

Result<TenantAcd> build_tenant_acd(const tenant::Directory& dir, const tenant::DirTenant& t,
                                   const AcdSettings& settings) {
  const std::string source = "tenant '" + t.name + "' acd";
  auto config = acd::parse_acd_config(t.acd_config, source);
  if (!config) return config.error();
  acd::EngineConfig ec = config->engine;
  std::vector<const tenant::DirAgent*> agents;
  for (const tenant::DirAgent& a : dir.agents())
    if (a.tenant == t.id && !a.queues.empty()) agents.push_back(&a);
  ec.limits.max_agents = static_cast<std::uint32_t>(std::max<std::size_t>(1, agents.size()));
  ec.limits.max_callers = settings.max_callers;
  // A phone that fails at once (unregistered, unreachable) must not be
  // offered the same caller again in a tight loop between two threads.
  ec.busy_delay_us = std::max(ec.busy_delay_us, settings.min_retry_delay_us);
  ec.reject_delay_us = std::max(ec.reject_delay_us, settings.min_retry_delay_us);
  ec.no_answer_delay_us = std::max(ec.no_answer_delay_us, settings.min_retry_delay_us);
  auto engine = acd::Engine::create(ec);
  if (!engine) return Error{source + ": " + engine.error().message};
  TenantAcd out;
  out.signature = t.acd_config;
  for (const tenant::DirAgent* a : agents) {
    out.signature += "\n" + a->name + ":";
    for (const auto& [skill, level] : a->skills)
      out.signature += skill + "=" + std::to_string(level) + ",";
    for (const std::string& q : a->queues) out.signature += "|" + q;
  }
  out.engine = std::move(*engine);
  out.events = std::make_unique<AcdEventRing>(*out.engine);
  out.engine->subscribe(out.events.get());
  for (const acd::SkillConfig& s : config->skills)
    if (auto r = out.engine->add_skill(s); !r) return Error{source + ": " + r.error().message};
  for (acd::ScenarioQueue& q : config->queues) {
    // The B2BUA times the ringing: one clock for "no answer", no race
    // between a timeout here and an answer there.
    out.ring_timeout_ms.push_back(static_cast<std::uint32_t>(q.config.ring_timeout_us / 1000));
    q.config.ring_timeout_us = 0;
    if (auto r = out.engine->add_queue(q.config); !r)
      return Error{source + ": " + r.error().message};
  }
  for (std::size_t i = 0; i < config->queues.size(); ++i)
    for (int reason = 0; reason < acd::kOverflowReasonCount; ++reason)
      if (const acd::ScenarioOverflow& o = config->queues[i].overflow[reason]; o.set)
        if (Status s = out.engine->set_overflow(static_cast<acd::QueueId>(i),
                                                static_cast<acd::OverflowReason>(reason), o.action);
            !s)
          return Error{source + ": " + s.error().message};
  for (const tenant::DirAgent* a : agents) {
    acd::AgentConfig ac;
    ac.name = a->name;
    for (const auto& [skill, level] : a->skills) {
      auto id = out.engine->find_skill(skill);
      if (!id) return Error{source + ": agent '" + a->name + "': " + id.error().message};
      ac.skills.push_back({*id, static_cast<std::uint8_t>(level)});
    }
    for (const std::string& q : a->queues) {
      auto id = out.engine->find_queue(q);
      if (!id) return Error{source + ": agent '" + a->name + "': " + id.error().message};
      ac.queues.push_back(*id);
    }
    if (auto r = out.engine->add_agent(ac); !r)
      return Error{source + ": agent '" + a->name + "': " + r.error().message};
  }
  return out;
}

void AcdShardLink::report(const QueueReport& r) {
  while (!report_backlog.empty() && reports.push(report_backlog.front()))
    report_backlog.pop_front();
  if (!report_backlog.empty() || !reports.push(r)) {
    report_backlog.push_back(r);
    reports_backlogged->fetch_add(1, std::memory_order_relaxed);
  }
}

unsigned AcdShardLink::poll(const std::function<void(const QueueOrder&)>& handle) {
  // Reports that waited for room go first, in order.
  while (!report_backlog.empty() && reports.push(report_backlog.front()))
    report_backlog.pop_front();
  unsigned n = 0;
  QueueOrder o;
  while (orders.pop(o)) {
    handle(o);
    ++n;
  }
  return n;
}

Result<std::unique_ptr<AcdPlane>> AcdPlane::start(const tenant::Directory& directory,
                                                  const media::PromptStore& prompts,
                                                  const AcdSettings& settings) {
  auto impl = std::make_unique<Impl>();
  impl->settings = settings;
  impl->prompts = &prompts;
  for (unsigned s = 0; s < settings.shards; ++s) {
    impl->links.push_back(std::make_unique<AcdShardLink>());
    impl->links.back()->reports_backlogged = &impl->counters.reports_backlogged;
  }
  for (const tenant::DirTenant& t : directory.tenants()) {
    if (t.acd_config.empty()) continue;
    auto built = build_tenant_acd(directory, t, settings);
    if (!built) return built.error();
    TL_LOG(kInfo, "acd_engine_built", "tenant=%s queues=%u skills=%u agents=%u", t.name.c_str(),
           built->engine->queue_count(), built->engine->skill_count(),
           built->engine->agent_count());
    impl->tenants.emplace(t.id, std::move(*built));
  }
  impl->counters.engines = impl->tenants.size();
  Impl* raw = impl.get();
  impl->thread = std::thread([raw] {
    name_this_thread("tl-acd");
    raw->run();
  });
  return std::unique_ptr<AcdPlane>(new AcdPlane(std::move(impl)));
}

AcdPlane::AcdPlane(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

AcdPlane::~AcdPlane() { stop(); }

void AcdPlane::stop() {
  if (!impl_->thread.joinable()) return;
  impl_->quit = true;
  impl_->thread.join();
}

b2bua::CallQueue* AcdPlane::queue(unsigned shard) {
  return shard < impl_->links.size() ? impl_->links[shard].get() : nullptr;
}

void AcdPlane::add_rows(stats::Snapshot& s) const {
#define TL_ACD_ROW(name, help) \
  s.rows.push_back({"acd_" #name, help, {}, impl_->counters.name.load(std::memory_order_relaxed)});
  TL_ACD_COUNTERS(TL_ACD_ROW)
#undef TL_ACD_ROW
}

void AcdPlane::Impl::run() {
  std::uint32_t idle = 0;
  while (!quit.load(std::memory_order_relaxed)) {
    unsigned got = 0;
    for (auto& link : links) got += drain_reports(*link);
    std::deque<std::packaged_task<acd::DeskAnswer()>> tasks;
    {
      std::lock_guard<std::mutex> lock(desk_mu);
      tasks.swap(desk);
    }
    for (auto& task : tasks) task();
    got += static_cast<unsigned>(tasks.size());
    apply_rebuilds();
    const std::int64_t now = now_us();
    for (auto& [id, t] : tenants) {
      if (t.engine->next_deadline_us() > now) continue;
      if (Status s = t.engine->tick(now); !s)
        TL_LOG(kWarn, "acd_tick_failed", "tenant=%lld error=\"%s\"", static_cast<long long>(id),
               s.error().message.c_str());
      apply(id, t);
    }
    for (std::size_t s = 0; s < links.size(); ++s) {
      AcdShardLink& l = *links[s];
      while (!l.order_backlog.empty() && l.orders.push(l.order_backlog.front()))
        l.order_backlog.pop_front();
    }
    if (got != 0) {
      idle = 0;
    } else if (++idle >= 64) {
      std::this_thread::sleep_for(std::chrono::microseconds(200));
    }
  }
}

unsigned AcdPlane::Impl::drain_reports(AcdShardLink& link) {
  unsigned n = 0;
  QueueReport r;
  while (link.reports.pop(r)) {
    handle(r, now_us());
    ++n;
  }
  return n;
}

void AcdPlane::Impl::refuse(const QueueReport& r, std::uint16_t status, const char* why) {
  ++counters.callers_refused;
  TL_LOG(kWarn, "acd_caller_refused", "session=%u tenant=%lld queue=%s status=%u reason=\"%s\"",
         r.call, static_cast<long long>(r.tenant), r.queue, status, why);
  QueueOrder o;
  o.kind = QueueOrderKind::kRefuse;
  o.call = r.call;
  o.sip_status = status;
  order(r.shard, o);
}

void AcdPlane::Impl::arrive(const QueueReport& r, std::int64_t now) {
  ++counters.callers_arrived;
  auto t = tenants.find(r.tenant);
  if (t == tenants.end()) return refuse(r, 480, "the tenant has no ACD engine");
  acd::Engine& e = *t->second.engine;
  auto queue = e.find_queue(r.queue);
  if (!queue) return refuse(r, 480, "no such queue");
  acd::Arrival a;
  a.queue = *queue;
  if (r.line_skill[0] != '\0')
    if (auto skill = e.find_skill(r.line_skill)) a.line_skill = *skill;
  if (r.incoming_skill[0] != '\0')
    if (auto skill = e.find_skill(r.incoming_skill)) a.incoming_skills[0] = *skill;
  auto caller = e.caller_arrives(now, a);
  if (!caller) {
    TL_LOG(kWarn, "acd_arrival_refused", "session=%u error=\"%s\"", r.call,
           caller.error().message.c_str());
    apply(r.tenant, t->second);  // deadlines that ran meanwhile
    return refuse(r, 503, "the engine refused the caller");
  }
  callers[r.call] = AcdCaller{r.tenant, *caller, r.shard, 0};
  t->second.sessions[*caller] = r.call;
  apply(r.tenant, t->second);
}

void AcdPlane::Impl::handle(const QueueReport& r, std::int64_t now) {
  if (r.kind == QueueReportKind::kArrived) return arrive(r, now);
  auto c = callers.find(r.call);
  if (c == callers.end()) return;  // released meanwhile (overflow, refusal)
  const AcdCaller ref = c->second;
  auto t = tenants.find(ref.tenant);
  if (t == tenants.end()) return;
  acd::Engine& e = *t->second.engine;
  Status s = Status::Ok();
  const bool leaves = r.kind == QueueReportKind::kAbandoned || r.kind == QueueReportKind::kEnded;
  if (r.kind == QueueReportKind::kAbandoned) {
    s = e.caller_abandoned(now, ref.caller);
  } else {
    auto agent = e.find_agent(r.agent);
    if (!agent) {
      s = agent.error();
    } else if (r.kind == QueueReportKind::kRinging) {
      s = e.offer_ringing(now, *agent, ref.caller);
    } else if (r.kind == QueueReportKind::kAnswered) {
      s = e.offer_answered(now, *agent, ref.caller);
    } else if (r.kind == QueueReportKind::kOfferFailed) {
      s = e.offer_failed(now, *agent, ref.caller, to_engine(r.failure));
    } else if (r.kind == QueueReportKind::kEnded) {
      s = e.call_ended(now, *agent, ref.caller);
    }
  }
  if (!s) {
    ++counters.reports_refused;
    TL_LOG(kInfo, "acd_report_refused", "session=%u kind=%d agent=%s error=\"%s\"", r.call,
           static_cast<int>(r.kind), r.agent, s.error().message.c_str());
  }
  apply(ref.tenant, t->second);
  if (leaves) {
    t->second.sessions.erase(ref.caller);
    callers.erase(r.call);
  }
}

void AcdPlane::Impl::order(std::uint8_t shard, const QueueOrder& o) {
  if (shard >= links.size()) return;
  AcdShardLink& l = *links[shard];
  if (!l.order_backlog.empty() || !l.orders.push(o)) {
    l.order_backlog.push_back(o);
    ++counters.orders_backlogged;
  }
}

// The engine's decisions become orders to the shard of each caller.
void AcdPlane::Impl::apply(std::int64_t tenant, TenantAcd& t) {
  acd::Engine& e = *t.engine;
  for (const acd::Decision& d : e.decisions()) {
    auto s = t.sessions.find(d.caller);
    if (s == t.sessions.end()) continue;
    auto c = callers.find(s->second);
    if (c == callers.end()) continue;
    AcdCaller& ref = c->second;
    QueueOrder o;
    o.call = s->second;
    bool released = false;
    switch (d.kind) {
      case acd::DecisionKind::kOffer:
        ++counters.offers;
        o.kind = QueueOrderKind::kOffer;
        b2bua::copy_name(o.agent, e.agent_name(d.agent));
        if (d.queue < t.ring_timeout_ms.size()) o.ring_timeout_ms = t.ring_timeout_ms[d.queue];
        break;
      case acd::DecisionKind::kCancelOffer:
        o.kind = QueueOrderKind::kCancelOffer;
        b2bua::copy_name(o.agent, e.agent_name(d.agent));
        break;
      case acd::DecisionKind::kPlayAnnouncement:
        ref.announcement = static_cast<std::uint16_t>(d.resource);
        continue;
      case acd::DecisionKind::kPlayMusic:
        o.kind = QueueOrderKind::kPlay;
        o.announcement = ref.announcement;
        o.music = static_cast<std::uint16_t>(d.resource != 0 ? d.resource : settings.hold_music);
        ref.announcement = 0;
        break;
      case acd::DecisionKind::kOverflowToQueue:
        TL_LOG(kInfo, "acd_overflow_queue", "session=%u queue=%s", o.call,
               e.queue_config(d.queue).name.c_str());
        continue;
      case acd::DecisionKind::kOverflowToAnnouncement: {
        o.kind = QueueOrderKind::kAnnounceThenRelease;
        o.announcement = static_cast<std::uint16_t>(d.resource);
        const media::Prompt* p = prompts->find(o.announcement);
        o.release_after_ms = p != nullptr ? static_cast<std::uint32_t>(p->frames() * 20) : 0;
        released = true;
        break;
      }
      case acd::DecisionKind::kOverflowToExternal:
        o.kind = QueueOrderKind::kTransfer;
        b2bua::copy_name(o.number, d.external_number);
        released = true;
        break;
      case acd::DecisionKind::kRefuse:
        o.kind = QueueOrderKind::kRefuse;
        o.sip_status = static_cast<std::uint16_t>(d.resource);
        released = true;
        break;
    }
    TL_LOG(kDebug, "acd_order", "tenant=%lld session=%u kind=%d", static_cast<long long>(tenant),
           o.call, static_cast<int>(o.kind));
    order(ref.shard, o);
    if (released) {
      const std::uint32_t session = s->second;
      t.sessions.erase(s);
      callers.erase(session);
    }
  }
}

}  // namespace trunkline::app
