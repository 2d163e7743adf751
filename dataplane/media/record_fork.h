// The recorder fork: for a session control marked kRecord, every RTP packet a
// leg accepts is copied (payload, leg, sequence, timestamp, SSRC, arrival
// time) into the bounded SPSC queue towards the recorder worker of the
// session's owner shard. A copy, not the mbuf: a slow recorder never holds
// receive buffers, and a full queue is a counted loss (media_fork_dropped),
// never a stall of the relay.
//
// RFC 4733 telephone-events are not copied: the recorder fills their span
// with silence, so DTMF digits (card numbers, PINs) never reach a recording.
#pragma once

#include <cstdint>

#include "dataplane/media/media_context.h"

namespace trunkline::media {

// `rtp`/`len`: the whole RTP datagram payload (header included) that leg `l`
// (index `leg`: 0 carrier/caller, 1 agent) accepted; `now_us` the loop's clock.
void fork_rtp(MediaContext& m, const Leg& l, std::uint8_t leg, const std::uint8_t* rtp,
              std::uint16_t len, std::uint64_t now_us);

}  // namespace trunkline::media
