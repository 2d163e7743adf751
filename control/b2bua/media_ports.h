// The appliance's RTP ports, handed out in even/odd pairs (RTP on the even
// port, RTCP on the next) from the [media] range. Each control shard owns
// every shards-th pair, so shards never share a port and need no lock. Freed
// pairs go to the back of the queue: a port is reused as late as possible,
// so stray packets of an ended call do not land in a new one.
#pragma once

#include <cstdint>
#include <deque>
#include <optional>

namespace trunkline::b2bua {

class MediaPorts {
 public:
  MediaPorts(std::uint16_t min_port, std::uint16_t max_port, unsigned shard, unsigned shards);
  std::optional<std::uint16_t> allocate();  // the even RTP port; nullopt: none left
  void release(std::uint16_t port);
  std::size_t available() const { return free_.size(); }

 private:
  std::deque<std::uint16_t> free_;
};

}  // namespace trunkline::b2bua
