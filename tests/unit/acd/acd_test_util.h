// Helpers for the ACD engine tests: build an engine in a few lines, record
// its events, and look for decisions.
#pragma once

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "control/acd/engine.h"

namespace trunkline::acd::testing {

inline constexpr std::int64_t kSec = 1'000'000;

// The repository root: $TL_SOURCE_ROOT under meson test, else the one the
// build was configured from, else relative to this file.
inline std::filesystem::path source_root() {
  if (const char* root = std::getenv("TL_SOURCE_ROOT")) return root;
#ifdef TL_SOURCE_ROOT_DEFAULT
  return TL_SOURCE_ROOT_DEFAULT;
#else
  return std::filesystem::path(__FILE__).parent_path().parent_path().parent_path().parent_path();
#endif
}

class EventLog : public EventSubscriber {
 public:
  void on_event(const Event& e) override { events.push_back(e); }
  std::vector<Event> of(EventKind kind) const {
    std::vector<Event> out;
    for (const Event& e : events)
      if (e.kind == kind) out.push_back(e);
    return out;
  }
  std::vector<Event> events;
};

class TestEngine {
 public:
  explicit TestEngine(EngineConfig config = {}) {
    auto e = Engine::create(config);
    EXPECT_TRUE(e.ok());
    engine = std::move(*e);
    engine->subscribe(&log);
  }

  SkillId skill(const std::string& name, std::int64_t sl_us = 20 * kSec) {
    auto r = engine->add_skill(SkillConfig{name, sl_us});
    EXPECT_TRUE(r.ok()) << r.error().message;
    return *r;
  }
  QueueId queue(QueueConfig c) {
    auto r = engine->add_queue(c);
    EXPECT_TRUE(r.ok()) << r.error().message;
    return *r;
  }
  QueueId queue(const std::string& name, Strategy strategy = Strategy::kLongestIdle) {
    QueueConfig c;
    c.name = name;
    c.strategy = strategy;
    return queue(c);
  }
  AgentId agent(const std::string& name, std::vector<AgentSkill> skills,
                std::vector<QueueId> queues) {
    auto r = engine->add_agent(AgentConfig{name, std::move(skills), std::move(queues)});
    EXPECT_TRUE(r.ok()) << r.error().message;
    return *r;
  }
  CallerId arrive(std::int64_t now, QueueId q, SkillId line = kNoSkill, std::uint8_t priority = 0,
                  SkillId incoming = kNoSkill) {
    Arrival a;
    a.queue = q;
    a.line_skill = line;
    a.incoming_skills[0] = incoming;
    a.priority = priority;
    auto r = engine->caller_arrives(now, a);
    EXPECT_TRUE(r.ok()) << r.error().message;
    return r.ok() ? *r : kNoCaller;
  }
  void ok(const Status& s) { EXPECT_TRUE(s.ok()) << s.error().message; }

  AgentState state(AgentId a) const { return engine->agent(a)->state; }
  CallerId holding(AgentId a) const { return engine->agent(a)->caller; }

  std::vector<Decision> decisions() const {
    return {engine->decisions().begin(), engine->decisions().end()};
  }
  std::vector<Decision> decisions(DecisionKind kind) const {
    std::vector<Decision> out;
    for (const Decision& d : engine->decisions())
      if (d.kind == kind) out.push_back(d);
    return out;
  }
  // The agent the last call's single offer went to (kNoAgent if none).
  AgentId offered_agent() const {
    auto offers = decisions(DecisionKind::kOffer);
    return offers.size() == 1 ? offers[0].agent : kNoAgent;
  }

  // Answers, ends and wraps up the agent's offered call at `now`.
  void complete_call(std::int64_t now, AgentId a) {
    CallerId c = holding(a);
    ok(engine->offer_answered(now, a, c));
    ok(engine->call_ended(now, a, c));
  }

  std::unique_ptr<Engine> engine;
  EventLog log;
};

}  // namespace trunkline::acd::testing
