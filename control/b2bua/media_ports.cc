#include "control/b2bua/media_ports.h"

namespace trunkline::b2bua {

MediaPorts::MediaPorts(std::uint16_t min_port, std::uint16_t max_port, unsigned shard,
                       unsigned shards) {
  const std::uint32_t first = (min_port + 1u) & ~1u;  // even
  unsigned pair = 0;
  for (std::uint32_t p = first; p + 1 <= max_port; p += 2, ++pair)
    if (shards == 0 || pair % shards == shard) free_.push_back(static_cast<std::uint16_t>(p));
}

std::optional<std::uint16_t> MediaPorts::allocate() {
  if (free_.empty()) return std::nullopt;
  const std::uint16_t p = free_.front();
  free_.pop_front();
  return p;
}

void MediaPorts::release(std::uint16_t port) { free_.push_back(port); }

}  // namespace trunkline::b2bua
