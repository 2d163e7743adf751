#include "dataplane/media/record_fork.h"

#include <arpa/inet.h>

#include <cstring>
#include <span>

namespace trunkline::media {

void fork_rtp(MediaContext& m, const Leg& l, std::uint8_t leg, const std::uint8_t* rtp,
              std::uint16_t len, std::uint64_t now_us) {
  net::Counters& c = *m.counters;
  auto* queue = l.owner_shard < m.shards ? m.fork[l.owner_shard] : nullptr;
  if (queue == nullptr) return net::bump(c.media_fork_dropped);
  // The payload: after 12 bytes, the CSRCs and an extension header; RTP
  // padding (P bit, RFC 3550 §5.1) removed from the end.
  std::size_t off = 12 + 4u * (rtp[0] & 0x0f);
  if ((rtp[0] & 0x10) != 0 && off + 4 <= len) off += 4 + 4u * (rtp[off + 2] << 8 | rtp[off + 3]);
  std::size_t end = len;
  if ((rtp[0] & 0x20) != 0 && end > off) end -= std::min<std::size_t>(rtp[len - 1], end - off);
  if (off > end) return net::bump(c.media_not_rtp);
  if (end - off > recorder::kMaxRecordedPayload) return net::bump(c.media_fork_oversize);
  std::uint16_t seq;
  std::uint32_t ts, ssrc;
  std::memcpy(&seq, rtp + 2, 2);
  std::memcpy(&ts, rtp + 4, 4);
  std::memcpy(&ssrc, rtp + 8, 4);
  recorder::RtpRecord r;
  r.assign(l.recording, leg == 0 ? recorder::Leg::kCaller : recorder::Leg::kAgent, ntohs(seq),
           ntohl(ts), ntohl(ssrc), rtp[1] & 0x7f,
           static_cast<std::int64_t>(now_us) + m.wall_offset_us,
           std::span<const std::uint8_t>(rtp + off, end - off));
  if (queue->push(r)) {
    net::bump(c.media_forked);
  } else {
    net::bump(c.media_fork_dropped);
  }
}

}  // namespace trunkline::media
