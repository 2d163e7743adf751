// `trunkline acd simulate SCENARIO.toml [--seed N] [--compact]`
#pragma once

namespace trunkline::acd {

int run_simulate_command(int argc, char** argv);

}  // namespace trunkline::acd
