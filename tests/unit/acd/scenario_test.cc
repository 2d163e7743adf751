// The scenario reader: the example scenarios load, and bad scenarios are
// refused with the file, line and key at fault.
#include "control/acd/scenario.h"

#include <gtest/gtest.h>

#include <string>

#include "tests/unit/acd/acd_test_util.h"

namespace trunkline::acd {
namespace {

using testing::source_root;

const char* kMinimal = R"(seed = 1
duration_s = 600
[[skill]]
name = "s"
[[queue]]
name = "q"
[[agent]]
name = "a"
skills = { s = 3 }
queues = ["q"]
[[traffic]]
queue = "q"
line_skill = "s"
calls_per_hour = 60
)";

std::string error_of(const std::string& text) {
  Result<Scenario> r = parse_scenario(text, "t.toml");
  return r.ok() ? "(accepted)" : r.error().message;
}

TEST(AcdScenario, ExampleScenariosLoad) {
  int loaded = 0;
  for (const auto& entry :
       std::filesystem::directory_iterator(source_root() / "control/acd/scenarios")) {
    if (entry.path().extension() != ".toml") continue;
    Result<Scenario> s = load_scenario(entry.path().string());
    EXPECT_TRUE(s.ok()) << entry.path() << ": " << (s.ok() ? "" : s.error().message);
    ++loaded;
  }
  EXPECT_GE(loaded, 3);
}

TEST(AcdScenario, MinimalScenarioValues) {
  Result<Scenario> r = parse_scenario(kMinimal, "t.toml");
  ASSERT_TRUE(r.ok()) << r.error().message;
  const Scenario& s = *r;
  EXPECT_EQ(s.duration_us, 600'000'000);
  ASSERT_EQ(s.queues.size(), 1u);
  EXPECT_EQ(s.queues[0].config.strategy, Strategy::kLongestIdle);
  ASSERT_EQ(s.agents.size(), 1u);
  EXPECT_EQ(s.agents[0].skills[0].level, 3);
  ASSERT_EQ(s.traffic.size(), 1u);
  EXPECT_DOUBLE_EQ(s.traffic[0].arrivals_per_s, 60.0 / 3600);
  EXPECT_EQ(s.traffic[0].handle.kind, Distribution::Kind::kExponential);
  EXPECT_TRUE(s.traffic[0].patience.never());
  EXPECT_EQ(s.engine.limits.max_agents, 1u);
}

TEST(AcdScenario, UnknownKeysAreRefusedWithTheirLine) {
  std::string text = kMinimal;
  text.replace(text.find("name = \"q\""), 10, "name = \"q\"\nstrategi = \"linear\"");
  EXPECT_EQ(error_of(text), "t.toml:7:1: [[queue]] #1: unknown key 'strategi'");
  EXPECT_EQ(error_of(std::string("colour = 3\n") + kMinimal),
            "t.toml:1:1: top level: unknown key 'colour'");
  text = kMinimal;
  text += "handle = { distribution = \"fixed\", mean = 3 }\n";
  EXPECT_EQ(error_of(text), "t.toml:15:10: [[traffic]] #1 handle: missing key 'mean_s'");
}

TEST(AcdScenario, WrongTypesAndValuesAreRefusedWithTheirLine) {
  std::string text = kMinimal;
  text.replace(text.find("calls_per_hour = 60"), 19, "calls_per_hour = \"many\"");
  EXPECT_EQ(error_of(text), "t.toml:14:18: [[traffic]] #1: 'calls_per_hour' must be a number");
  text = kMinimal;
  text.replace(text.find("s = 3"), 5, "s = 7");
  EXPECT_EQ(error_of(text), "t.toml:9:16: [[agent]] #1: skill 's' level must be an integer 1..5");
  text = kMinimal;
  text.replace(text.find("name = \"q\""), 10, "name = \"q\"\nstrategy = \"fastest\"");
  EXPECT_EQ(error_of(text), "t.toml:7:12: [[queue]] #1: unknown strategy 'fastest'");
  text = kMinimal;
  text.replace(text.find("duration_s = 600"), 16, "duration_s = -5");
  EXPECT_EQ(error_of(text), "t.toml:2:14: top level: 'duration_s' must be in 1..31622400");
}

TEST(AcdScenario, NamesMustResolve) {
  std::string text = kMinimal;
  text.replace(text.find("queues = [\"q\"]"), 14, "queues = [\"r\"]");
  EXPECT_EQ(error_of(text), "t.toml:10:10: [[agent]] #1: unknown queue 'r'");
  text = kMinimal;
  text.replace(text.find("line_skill = \"s\""), 16, "line_skill = \"x\"");
  EXPECT_EQ(error_of(text), "t.toml:11:1: [[traffic]] #1: unknown skill 'x'");
  text = kMinimal;
  text.replace(text.find("name = \"q\""), 10,
               "name = \"q\"\noverflow = { action = \"queue\", queue = \"q\" }");
  EXPECT_EQ(error_of(text), "t.toml:5:1: [[queue]] #1: a queue cannot overflow into itself");
  text = kMinimal;
  text.replace(text.find("name = \"q\""), 10, "name = \"q\"\noverflow = { action = \"teleport\" }");
  EXPECT_EQ(error_of(text),
            "t.toml:7:23: [[queue]] #1 overflow: action must be queue, announcement, external or "
            "refuse, not 'teleport'");
}

TEST(AcdScenario, RulesAcrossSections) {
  std::string text = kMinimal;
  text.replace(text.find("name = \"q\""), 10, "name = \"q\"\nwrap_up_s = \"agent\"");
  EXPECT_EQ(error_of(text),
            "t.toml:8:1: [[agent]] #1: queue 'q' has wrap_up_s = \"agent\", so the group needs a "
            "wrap_up distribution");
  text = kMinimal;
  text.replace(text.find("name = \"q\""), 10,
               "name = \"q\"\nexpansion = [{ after_s = 5, min_proficiency = 2 }]");
  EXPECT_EQ(
      error_of(text),
      "t.toml:5:1: [[queue]] #1: queue 'q' expansion step 1: the first step must start at 0 s");
  text = kMinimal;
  text.replace(text.find("duration_s = 600"), 16, "duration_s = 600\nwarmup_s = 900");
  EXPECT_EQ(error_of(text), "t.toml: warmup_s must be below duration_s");
}

TEST(AcdScenario, SyntaxErrorsNameTheLine) {
  std::string e = error_of("seed = 1\nduration_s = = 3\n");
  EXPECT_EQ(e.rfind("t.toml:2:", 0), 0u) << e;
}

TEST(AcdScenario, MissingFile) {
  EXPECT_EQ(load_scenario("/nonexistent/x.toml").error().message,
            "/nonexistent/x.toml: cannot open");
}

}  // namespace
}  // namespace trunkline::acd
