// A simulation scenario: the tenant's ACD configuration (skills, queues,
// agents) plus the traffic and the agents' behaviour, read from TOML.
// Unknown keys and wrong types are refused with the file, line and key.
// docs/acd.md describes every key; control/acd/scenarios/ has examples.
#pragma once

#include <toml++/toml.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "control/acd/config.h"
#include "control/acd/distribution.h"

namespace trunkline::acd {

struct ScenarioOverflow {
  bool set = false;
  OverflowAction action;     // action.queue is resolved from target_queue
  std::string target_queue;  // for OverflowKind::kQueue
};

struct ScenarioQueue {
  QueueConfig config;  // overflow actions are applied from `overflow` after every queue exists
  ScenarioOverflow overflow[kOverflowReasonCount];
};

struct Shift {
  std::int64_t login_us = 0;
  std::int64_t logout_us = kNever;
};

struct Break {
  std::int64_t start_us = 0;
  std::int64_t duration_us = 0;
  ReasonCode reason = 1;
};

struct ScenarioSkillLevel {
  std::string skill;
  std::uint8_t level = kMinProficiency;
};

// `count` agents named name-1 .. name-N (just `name` when count is 1).
struct ScenarioAgentGroup {
  std::string name;
  std::uint32_t count = 1;
  std::vector<ScenarioSkillLevel> skills;
  std::vector<std::string> queues;
  std::vector<Shift> shifts;  // empty: logged in for the whole run
  std::vector<Break> breaks;
  Distribution answer_delay = Distribution::fixed(0);
  double no_answer_probability = 0;
  double reject_probability = 0;
  double busy_probability = 0;
  std::int64_t no_answer_after_us = 20'000'000;  // when the queue has no ring timeout
  Distribution wrap_up;  // when the agent ends wrap-up itself; never: waits for the queue's limit
  std::int64_t recover_us = 60'000'000;  // back to ready this long after an automatic not-ready
};

struct ScenarioTraffic {
  std::string name;
  std::string queue;
  std::string line_skill;                    // empty: none
  std::vector<std::string> incoming_skills;  // at most 3
  std::uint8_t priority = 0;
  double arrivals_per_s = 0;  // Poisson
  Distribution handle = Distribution::exponential(180);
  Distribution patience;  // kNever: callers never hang up
  std::int64_t start_us = 0;
  std::int64_t end_us = kNever;  // capped by the scenario's duration
};

struct Scenario {
  std::string source;  // file name, for messages
  std::uint64_t seed = 1;
  std::int64_t duration_us = 3600'000'000;
  std::int64_t warmup_us = 0;
  std::int64_t drain_us = 3600'000'000;  // after the duration: no arrivals, callers finish
  std::uint32_t batches = 10;
  bool check_invariants = true;
  EngineConfig engine;
  std::vector<SkillConfig> skills;
  std::vector<ScenarioQueue> queues;
  std::vector<ScenarioAgentGroup> agents;
  std::vector<ScenarioTraffic> traffic;
};

Result<Scenario> parse_scenario(std::string_view text, std::string_view source_name);
Result<Scenario> load_scenario(const std::string& path);

// A tenant's live ACD configuration (provisioning's [tenants.acd] table, see
// docs/configuration.md): only [engine], [[skill]] and [[queue]] of the
// scenario syntax, so a configuration can be tried in `acd simulate` first.
// Fills engine, skills and queues; errors name FILE:LINE:COL from `table`.
Result<Scenario> read_acd_config(const toml::table& table, const std::string& source);
Result<Scenario> parse_acd_config(std::string_view text, std::string_view source_name);

}  // namespace trunkline::acd
