// Per-direction packet accounting, reported in each segment and the trailer.
#pragma once

#include <cstdint>

namespace trunkline::recorder {

struct StreamStats {
  std::uint64_t received = 0;       // audio packets placed on the timeline
  std::uint64_t expected = 0;       // from sequence numbers (RFC 3550 style)
  std::uint64_t duplicates = 0;     // dropped: already placed
  std::uint64_t late = 0;           // dropped: their place on the timeline was already sealed
  std::uint64_t out_of_window = 0;  // dropped: too far ahead of the sealed point to buffer
  std::uint64_t non_audio = 0;      // not G.711 (telephone-event, comfort noise): not recorded
  std::uint64_t reanchors = 0;      // new SSRC or timestamp jump: timeline re-anchored on arrival
  std::uint64_t transcoded = 0;     // packets in the other G.711 law than the direction's

  // Packets the sender sent that never reached the recorder.
  std::uint64_t lost() const {
    const std::uint64_t seen = received + late + out_of_window;
    return expected > seen ? expected - seen : 0;
  }
};

}  // namespace trunkline::recorder
