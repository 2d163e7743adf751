#include "recorder/mix/stereo_mixer.h"

#include <algorithm>
#include <cstring>

namespace trunkline::recorder {

void mix_segment(DirectionBuffer& caller, DirectionBuffer& agent, std::int64_t from,
                 std::int64_t to, std::span<const FrameSpan> paused, std::uint8_t* caller_plane,
                 std::uint8_t* agent_plane) {
  caller.drain(from, to, caller_plane);
  agent.drain(from, to, agent_plane);
  for (const FrameSpan& p : paused) {
    const std::int64_t b = std::max(p.begin, from);
    const std::int64_t e = std::min(p.end, to);
    if (b >= e) continue;
    const auto n = static_cast<std::size_t>(e - b);
    std::memset(caller_plane + (b - from), caller.silence(), n);
    std::memset(agent_plane + (b - from), agent.silence(), n);
  }
}

}  // namespace trunkline::recorder
