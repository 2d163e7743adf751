#include "dataplane/media/media_control.h"

namespace trunkline::media {

MediaControl::MediaControl(unsigned shard, std::vector<CommandRing*> to_workers,
                           std::vector<ReportRing*> from_workers)
    : shard_(shard), to_(std::move(to_workers)), from_(std::move(from_workers)) {}

bool MediaControl::send(const Command& c) {
  // All or none: lcores that disagree about a session would relay it half-way.
  // Only this thread adds to these rings, so the room seen here only grows.
  bool room = true;
  for (CommandRing* r : to_) {
    if (r->q.write_available() != 0) continue;
    room = false;
    if (r->full_counter != nullptr) r->full_counter->fetch_add(1, std::memory_order_relaxed);
  }
  if (!room) {
    ++counters_.command_ring_full;
    return false;
  }
  for (CommandRing* r : to_) r->q.push(c);
  ++counters_.commands_sent;
  switch (c.verb) {
    case CommandVerb::kCreate:
      legs_[c.id] = {c.legs[0], c.legs[1]};
      break;
    case CommandVerb::kUpdateRemote:
      if (auto it = legs_.find(c.id); it != legs_.end() && c.leg < 2) {
        it->second[c.leg].remote = c.legs[c.leg].remote;
        it->second[c.leg].telephone_event_pt = c.legs[c.leg].telephone_event_pt;
        it->second[c.leg].srtp = c.legs[c.leg].srtp;
      }
      break;
    case CommandVerb::kDelete:
      legs_.erase(c.id);
      break;
    case CommandVerb::kHold:
    case CommandVerb::kRecord:
    case CommandVerb::kPlay:
      break;
  }
  return true;
}

void MediaControl::forward_latch(const Report& r) {
  if (to_.size() < 2 || r.leg > 1) return;  // one lcore: it has latched already
  auto it = legs_.find(r.id);
  if (it == legs_.end() || it->second[r.leg].remote == r.addr) return;
  Command u;
  u.verb = CommandVerb::kUpdateRemote;
  u.leg = r.leg;
  u.owner_shard = static_cast<std::uint8_t>(shard_);
  u.id = r.id;
  u.legs[0] = it->second[0];
  u.legs[1] = it->second[1];
  u.legs[r.leg].remote = r.addr;
  if (send(u)) ++counters_.latches_forwarded;
}

}  // namespace trunkline::media
