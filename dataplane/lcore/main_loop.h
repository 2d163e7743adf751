// The worker lcore's loop: RX burst → packet path → TX, for every port, with
// the exception path in both directions and housekeeping on a timer.
#pragma once

#include "dataplane/lcore/context.h"

namespace trunkline::dataplane {

// One pass over every port; returns the frames received (0: idle).
unsigned poll_once(LcoreContext& ctx);

// Runs poll_once until *ctx.quit, backing off when idle. An rte_lcore_function_t.
int worker_main(void* lcore_context);

}  // namespace trunkline::dataplane
