// Writes a metrics snapshot as JSON: queues, skills and agents keyed by name.
#pragma once

#include "control/acd/json_writer.h"
#include "control/acd/metrics.h"

namespace trunkline::acd {

// Writes the fields of one queue or skill (inside an open object).
void write_flow_fields(JsonWriter& json, const FlowMetrics& flow);
// Writes the fields of one agent (inside an open object).
void write_agent_fields(JsonWriter& json, const AgentMetrics& agent);
// Writes {"at_s":..., "since_s":..., "queues":{...}, "skills":{...}, "agents":{...}}.
void write_metrics(JsonWriter& json, const MetricsSnapshot& snapshot);

}  // namespace trunkline::acd
