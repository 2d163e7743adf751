// A worker lcore's media state: its flow table, the rings to and from every
// control shard, the media port range, and where its counters are. One per
// lcore (a member of LcoreContext), touched by that lcore only.
#pragma once

#include <cstdint>

#include "dataplane/media/flow_table.h"
#include "dataplane/media/next_hop_cache.h"
#include "dataplane/media/playout.h"
#include "dataplane/media/prompt.h"
#include "dataplane/media/rings.h"
#include "dataplane/media/srtp_table.h"
#include "dataplane/net/counters.h"
#include "recorder/ingest/bounded_queue.h"
#include "recorder/ingest/rtp_record.h"

namespace trunkline::media {

// Packets from a candidate source, when the signalled one is not heard, after
// which a leg locks to the candidate (about 320 ms of 20 ms packets).
inline constexpr std::uint8_t kLatchWindow = 16;
// Commands taken from each shard's ring per poll: creating 32 sessions costs
// a few microseconds, so a burst of calls never stalls the packet path long.
inline constexpr unsigned kCommandsPerPoll = 32;

struct MediaContext {
  FlowTable flows;
  SrtpTable srtp;   // 2 * flows.max_sessions() legs; empty: SRTP legs are refused
  Playout playout;  // 2 * flows.max_sessions() legs; empty: nothing is played
  const PromptStore* prompts = nullptr;  // shared, read-only
  std::uint16_t workers = 1;             // kPlay runs on the lcore with worker == id % workers
  std::uint64_t now_ms = 0;              // the lcore loop's clock, for playout
  NextHopCache next_hops;
  net::Counters* counters = nullptr;
  std::uint16_t worker = 0;    // stamped on every report
  std::uint16_t port_min = 0;  // UDP destination ports relayed here; 0/0: media off
  std::uint16_t port_max = 0;
  unsigned shards = 0;
  CommandRing* commands[kMaxShards] = {};  // shard s → this lcore
  ReportRing* reports[kMaxShards] = {};    // this lcore → shard s
  // Recorder fork (record_fork.h): copies of recorded RTP towards the
  // recorder worker of shard s; null when recording is off.
  recorder::BoundedQueue<recorder::RtpRecord>* fork[kMaxShards] = {};
  // UNIX-epoch µs minus the loop's monotonic now_us, refreshed by the lcore's
  // housekeeping, so a fork copy's arrival time costs no clock call.
  std::int64_t wall_offset_us = 0;
};

// Queues a report for `shard`; a full (or missing) ring is a counted drop.
void send_report(MediaContext& m, unsigned shard, const Report& r);

}  // namespace trunkline::media
