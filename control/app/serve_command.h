#pragma once

namespace trunkline::app {

// `trunkline serve --config FILE`: the appliance daemon.
int run_serve(int argc, char** argv);

}  // namespace trunkline::app
