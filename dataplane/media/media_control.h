// The control side of the media rings: one MediaControl per control shard
// (not thread-safe; used by its shard's thread only). It sends each command
// to every worker lcore and drains the reports they send back.
//
// Every lcore keeps its own flow table, and RSS may bring one leg's packets
// to one lcore and the other direction's to another. So that an lcore that
// never hears a leg's peer still sends to where that peer was latched,
// MediaControl forwards a kLatched report from one lcore to all of them as a
// kUpdateRemote with the latched address (an lcore already locked there
// stays locked). It knows the sessions created through it for this: send the
// kCreate of a session from the MediaControl of its owner shard.
#pragma once

#include <array>
#include <cstdint>
#include <unordered_map>
#include <utility>
#include <vector>

#include "dataplane/media/rings.h"

namespace trunkline::media {

class MediaControl {
 public:
  struct Counters {
    std::uint64_t commands_sent = 0;      // accepted by every worker's ring
    std::uint64_t command_ring_full = 0;  // refused: some worker's ring had no room
    std::uint64_t reports = 0;            // taken from the report rings
    std::uint64_t latches_forwarded = 0;  // kLatched turned into kUpdateRemote for all
  };

  // Rings of worker 0..N-1 (index = worker). Both vectors have one per worker.
  MediaControl(unsigned shard, std::vector<CommandRing*> to_workers,
               std::vector<ReportRing*> from_workers);

  // Queues `c` for every worker, all or none: false (counted, and each full
  // ring's media_command_ring_full) when a ring has no room; retry later.
  bool send(const Command& c);

  // Calls on_report(const Report&) for each report waiting, up to
  // `per_worker` from each worker; returns how many.
  template <class F>
  unsigned poll(F&& on_report, unsigned per_worker = 256) {
    unsigned n = 0;
    Report r;
    for (ReportRing* ring : from_) {
      for (unsigned i = 0; i < per_worker && ring->q.pop(r); ++i, ++n) {
        if (r.kind == ReportKind::kLatched) forward_latch(r);
        on_report(static_cast<const Report&>(r));
      }
    }
    counters_.reports += n;
    return n;
  }

  unsigned shard() const { return shard_; }
  unsigned workers() const { return static_cast<unsigned>(to_.size()); }
  const Counters& counters() const { return counters_; }
  // Sessions this shard created and has not deleted.
  std::size_t sessions() const { return legs_.size(); }

 private:
  void forward_latch(const Report& r);

  unsigned shard_;
  std::vector<CommandRing*> to_;
  std::vector<ReportRing*> from_;
  Counters counters_;
  std::unordered_map<SessionId, std::array<LegSpec, 2>> legs_;  // as last sent
};

}  // namespace trunkline::media
