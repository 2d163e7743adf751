#pragma once

namespace trunkline::stats {

// `trunkline stats [--config FILE | --socket PATH] [--json | --prometheus]`
int run_stats_command(int argc, char** argv);

}  // namespace trunkline::stats
