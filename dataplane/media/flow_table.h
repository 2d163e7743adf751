// The media flow table of one worker lcore: every anchored session's two
// legs, found by the local (IP, RTP port) a packet arrives on. Sized once at
// start-up (max_sessions); nothing allocates, locks or frees afterwards.
//
// Layout, for 100,000 sessions and more:
//   legs_     two 128-byte legs per session, side by side (leg i's partner is
//             i ^ 1): line 0 holds the addresses every packet reads in either
//             direction, line 1 what the leg received (RtpStream).
//   index_    open addressing, linear probing, 8-byte slots (32-bit hash tag,
//             leg number), at most half full: a lookup reads one index line
//             and the leg it names, and a tag match is verified on the leg.
//   by_id_    session id → session number, for the commands (same scheme).
// Deletion shifts back (no tombstones). Memory comes from anonymous mappings
// advised for transparent huge pages and touched at start-up, so the packet
// path takes no page faults and few TLB misses.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

#include "dataplane/media/media_types.h"
#include "dataplane/media/rtp_stats.h"

namespace trunkline::media {

inline constexpr std::uint32_t kNoLeg = 0xffffffffu;
inline constexpr std::uint32_t kMaxSessionsLimit = 1000000;

struct alignas(64) Leg {
  // Line 0: addressing, read by every packet that arrives on or leaves by this leg.
  Endpoint local;   // the key: our address and (even) RTP port on this leg
  Endpoint remote;  // where the peer's SDP says it receives (port 0: not known)
  Endpoint peer;    // locked: where the peer's RTP comes from; unlocked: the candidate
  std::uint16_t dpdk_port = 0;
  std::uint16_t rtcp_port = 0;  // the locked peer's RTCP source port (0: not heard; port + 1)
  std::uint8_t flags = 0;  // kInUse | kV6 | kLatch | kLocked | kCandidate | kHeld | kRecord | kSrtp
  std::uint8_t heard = 0;  // packets from the candidate while unlocked (latch window)
  std::uint8_t telephone_event_pt = 0;
  std::uint8_t owner_shard = 0;
  std::uint8_t playing = 0;  // 1: the lcore plays a prompt towards this leg's peer (playout.h)
  // Line 1: what the leg received.
  SessionId id = 0;
  std::uint32_t recording = 0;  // the recorder's handle while kRecord is set
  RtpStream rx;

  static constexpr std::uint8_t kInUse = 1;
  static constexpr std::uint8_t kV6 = 2;
  static constexpr std::uint8_t kLatch = 4;
  static constexpr std::uint8_t kLocked = 8;
  static constexpr std::uint8_t kCandidate = 16;
  static constexpr std::uint8_t kHeld = 32;    // nothing is sent towards this leg's peer
  static constexpr std::uint8_t kRecord = 64;  // the session is recorded (record_fork.h)
  static constexpr std::uint8_t kSrtp = 128;   // SRTP with this leg's peer (srtp_table.h)

  bool has(std::uint8_t f) const { return (flags & f) != 0; }
};
static_assert(sizeof(Leg) == 128);
static_assert(offsetof(Leg, id) == 64, "receive state starts the second cache line");

// IpKey equality in two 8-byte compares (std::array's == calls memcmp).
inline bool same_ip(const net::IpKey& a, const net::IpKey& b) {
  std::uint64_t a0, a1, b0, b1;
  std::memcpy(&a0, a.b.data(), 8);
  std::memcpy(&a1, a.b.data() + 8, 8);
  std::memcpy(&b0, b.b.data(), 8);
  std::memcpy(&b1, b.b.data() + 8, 8);
  return ((a0 ^ b0) | (a1 ^ b1)) == 0;
}

// A flow-table hash of (local IP, RTP port): exposed so the packet path can
// compute it once, prefetch, then look up.
inline std::uint64_t flow_hash(const net::IpKey& ip, std::uint16_t port) {
  std::uint64_t a, b;
  std::memcpy(&a, ip.b.data(), 8);
  std::memcpy(&b, ip.b.data() + 8, 8);
  std::uint64_t h = a * 0x9e3779b97f4a7c15ull + (b ^ port) * 0xc2b2ae3d27d4eb4full;
  h ^= h >> 31;
  h *= 0x94d049bb133111ebull;
  h ^= h >> 29;
  return h;
}

enum class InsertResult : std::uint8_t {
  kOk,
  kFull,       // max_sessions are installed
  kDuplicate,  // the id, or a local endpoint, is already installed
  kInvalid,    // a local port that is 0 or odd, or the two legs' local endpoints equal
};

class FlowTable {
 public:
  FlowTable() = default;  // no capacity: every lookup misses, every insert is kFull
  // max_sessions() is 0 afterwards if the memory could not be mapped.
  explicit FlowTable(std::uint32_t max_sessions);
  ~FlowTable();
  FlowTable(FlowTable&& other) noexcept;
  FlowTable& operator=(FlowTable&& other) noexcept;
  FlowTable(const FlowTable&) = delete;
  FlowTable& operator=(const FlowTable&) = delete;

  // Installs a session: legs[0] and legs[1], reports for `owner_shard`.
  InsertResult insert(SessionId id, const LegSpec& a, const LegSpec& b, std::uint8_t owner_shard);
  // Removes the session; false if `id` is not installed.
  bool erase(SessionId id);
  // The first leg of session `id` (its partner is other()), or null.
  Leg* session(SessionId id);

  // Packet path: the leg whose local endpoint is (ip, rtp_port), or null.
  Leg* find(const net::IpKey& ip, std::uint16_t rtp_port) {
    return find(flow_hash(ip, rtp_port), ip, rtp_port);
  }
  Leg* find(std::uint64_t hash, const net::IpKey& ip, std::uint16_t rtp_port) {
    if (index_ == nullptr) return nullptr;
    const auto tag = static_cast<std::uint32_t>(hash >> 32);
    for (std::uint32_t i = static_cast<std::uint32_t>(hash) & index_mask_;;
         i = (i + 1) & index_mask_) {
      const Slot s = index_[i];
      if (s.leg == kNoLeg) return nullptr;
      if (s.tag == tag) {
        Leg& l = legs_[s.leg];
        if (l.local.port == rtp_port && same_ip(l.local.ip, ip)) return &l;
      }
    }
  }
  // A burst's second pass: the leg the index names for `hash` by its tag
  // alone, or null. The key is not checked, so no leg line is read: the
  // result is only good for a prefetch (find() checks it).
  Leg* candidate(std::uint64_t hash) const {
    if (index_ == nullptr) return nullptr;
    const auto tag = static_cast<std::uint32_t>(hash >> 32);
    for (std::uint32_t i = static_cast<std::uint32_t>(hash) & index_mask_;;
         i = (i + 1) & index_mask_) {
      const Slot s = index_[i];
      if (s.leg == kNoLeg) return nullptr;
      if (s.tag == tag) return &legs_[s.leg];
    }
  }
  // Brings the index line of `hash` towards the cache (a burst's first pass).
  void prefetch(std::uint64_t hash) const {
    if (index_ != nullptr)
      __builtin_prefetch(&index_[static_cast<std::uint32_t>(hash) & index_mask_]);
  }
  Leg& other(Leg& l) { return legs_[(&l - legs_) ^ 1]; }
  Leg& leg_at(std::uint32_t number) { return legs_[number]; }
  std::uint8_t leg_index(const Leg& l) const { return static_cast<std::uint8_t>((&l - legs_) & 1); }
  // The leg's place in the table (0 .. 2 * max_sessions - 1): side tables' index.
  std::uint32_t leg_number(const Leg& l) const { return static_cast<std::uint32_t>(&l - legs_); }

  std::uint32_t sessions() const { return sessions_; }
  std::uint32_t max_sessions() const { return max_sessions_; }
  // Bytes this table holds, and what one session costs in it.
  std::size_t bytes() const;
  double bytes_per_session() const {
    return max_sessions_ == 0 ? 0 : static_cast<double>(bytes()) / max_sessions_;
  }

 private:
  struct Slot {
    std::uint32_t tag;  // high half of the hash (index) or the session id (by_id)
    std::uint32_t leg;  // leg number (index) or session number (by_id); kNoLeg: empty
  };

  static std::uint32_t id_hash(SessionId id);
  std::uint32_t find_id_slot(SessionId id) const;
  void index_remove(Slot* table, std::uint32_t mask, std::uint32_t i, bool by_id);
  std::uint32_t home_of(const Slot& s, bool by_id) const;

  std::uint32_t max_sessions_ = 0;
  std::uint32_t sessions_ = 0;
  Leg* legs_ = nullptr;  // 2 * max_sessions_
  Slot* index_ = nullptr;
  std::uint32_t index_mask_ = 0;
  Slot* by_id_ = nullptr;
  std::uint32_t by_id_mask_ = 0;
  std::uint32_t* free_ = nullptr;  // stack of free session numbers
  std::uint32_t free_top_ = 0;
  void* region_ = nullptr;  // one mapping holding all of the above
  std::size_t region_bytes_ = 0;
};

}  // namespace trunkline::media
