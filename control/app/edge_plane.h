// The control plane's part of edge protection: builds the lcores' edge
// policy from [edge] and the directory (every trunk's allow-list and every
// agent's static contact are trusted), publishes it at start and on each
// reload, and logs when the edge starts and stops dropping.
#pragma once

#include "control/config/config.h"
#include "control/tenant/directory.h"
#include "dataplane/dataplane.h"
#include "dataplane/edge/flood_watch.h"

namespace trunkline::app {

void publish_edge_policy(const config::EdgeConfig& c, const tenant::Directory& dir,
                         dataplane::Dataplane& dp);

// Once a second from control's event loop: one log line when edge drops
// begin, one when they end.
void watch_edge(const dataplane::Dataplane& dp, edge::FloodWatch& watch);

}  // namespace trunkline::app
