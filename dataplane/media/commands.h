// The worker side of the command rings: control's verbs applied to this
// lcore's flow table (media_types.h describes them), at the top of each poll.
#pragma once

#include "dataplane/media/media_context.h"

namespace trunkline::media {

// Applies one command. Errors are counted (media_table_full,
// media_command_rejected) and a kCreate that is not installed is answered
// with a kRefused report; kDelete answers a kFinal report per leg.
void apply_command(MediaContext& m, const Command& c);

// Drains up to `per_shard` commands from each shard's ring; returns how many.
unsigned process_commands(MediaContext& m, unsigned per_shard = kCommandsPerPoll);

}  // namespace trunkline::media
