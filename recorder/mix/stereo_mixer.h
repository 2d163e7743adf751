// Builds the stereo timeline of one segment: the caller's and the agent's
// code words for the same frames side by side (left and right channel), with
// paused frames silenced.
#pragma once

#include <cstdint>
#include <span>

#include "recorder/format/audio_segment.h"
#include "recorder/jitter/direction_buffer.h"

namespace trunkline::recorder {

// Drains frames [from, to) of both directions into the two planes
// (to - from code words each) and silences the paused spans within it.
void mix_segment(DirectionBuffer& caller, DirectionBuffer& agent, std::int64_t from,
                 std::int64_t to, std::span<const FrameSpan> paused, std::uint8_t* caller_plane,
                 std::uint8_t* agent_plane);

}  // namespace trunkline::recorder
