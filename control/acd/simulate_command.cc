#include "control/acd/simulate_command.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "control/acd/scenario.h"
#include "control/acd/simulator.h"

namespace trunkline::acd {

int run_simulate_command(int argc, char** argv) {
  const char* path = nullptr;
  bool seed_given = false;
  std::uint64_t seed = 0;
  for (int i = 0; i < argc; ++i) {
    if (std::strcmp(argv[i], "--seed") == 0) {
      char* end = nullptr;
      if (i + 1 >= argc || argv[i + 1][0] == '\0' || argv[i + 1][0] == '-') {
        std::fprintf(stderr, "acd simulate: --seed needs a non-negative integer\n");
        return 2;
      }
      seed = std::strtoull(argv[i + 1], &end, 10);
      if (*end != '\0') {
        std::fprintf(stderr, "acd simulate: --seed '%s' is not a non-negative integer\n",
                     argv[i + 1]);
        return 2;
      }
      seed_given = true;
      ++i;
    } else if (argv[i][0] == '-' && argv[i][1] != '\0') {
      std::fprintf(stderr, "acd simulate: unknown option '%s'\n", argv[i]);
      return 2;
    } else if (path == nullptr) {
      path = argv[i];
    } else {
      std::fprintf(stderr, "acd simulate: one scenario file only ('%s' is extra)\n", argv[i]);
      return 2;
    }
  }
  if (path == nullptr) {
    std::fprintf(stderr, "usage: trunkline acd simulate SCENARIO.toml [--seed N]\n");
    return 2;
  }
  Result<Scenario> scenario = load_scenario(path);
  if (!scenario.ok()) {
    std::fprintf(stderr, "acd simulate: %s\n", scenario.error().message.c_str());
    return 1;
  }
  if (seed_given) {
    scenario->seed = seed;
    scenario->engine.random_seed = seed ^ 0x5eed;
  }
  Result<SimulationResult> result = simulate(*scenario);
  if (!result.ok()) {
    std::fprintf(stderr, "acd simulate: %s\n", result.error().message.c_str());
    return 1;
  }
  std::string json = simulation_json(*scenario, *result);
  std::fwrite(json.data(), 1, json.size(), stdout);
  if (result->invariants.violations != 0) {
    std::fprintf(stderr, "acd simulate: %llu invariant violations (see \"invariants\")\n",
                 static_cast<unsigned long long>(result->invariants.violations));
    return 3;
  }
  return 0;
}

}  // namespace trunkline::acd
