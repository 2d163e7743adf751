// SRTP contexts of one lcore's flow table (libsrtp 2): for each leg that
// carries SRTP, a receive context (the peer's key: unprotect what arrives)
// and a send context (our key: protect what leaves towards the peer). Indexed
// by leg number, beside the flow table, so plain legs cost one null pointer
// pair and the packet path of plain RTP never touches this.
//
// Contexts are made and freed when control's commands install, update or
// delete a session (libsrtp allocates then), never per packet. Each lcore has
// its own: the receive direction of a 5-tuple stays on one lcore, so replay
// windows and rollover counters stay consistent.
#pragma once

#include <cstdint>
#include <vector>

#include "dataplane/media/media_types.h"

struct srtp_ctx_t_;

namespace trunkline::media {

// libsrtp's global initialisation; idempotent and thread-safe. False (with
// the library's error code in `*error`) if it fails.
bool srtp_library_init(int* error = nullptr);

class SrtpTable {
 public:
  SrtpTable() = default;
  explicit SrtpTable(std::uint32_t legs) : ctx_(legs) {}
  ~SrtpTable();
  SrtpTable(SrtpTable&& o) noexcept = default;
  SrtpTable& operator=(SrtpTable&& o) noexcept;
  SrtpTable(const SrtpTable&) = delete;
  SrtpTable& operator=(const SrtpTable&) = delete;

  // (Re)keys leg `leg`: a send context from keys.tx and, when keys.has_rx, a
  // receive context from keys.rx. suite kNone removes both. The same keys
  // again change nothing (the contexts keep their rollover counters and
  // replay windows). False (and the leg without SRTP) if libsrtp refuses them.
  bool install(std::uint32_t leg, const SrtpKeys& keys);
  void remove(std::uint32_t leg);

  // In place. `len` is the RTP/RTCP datagram payload's length and changes
  // with it; protect needs kSrtpMaxOverhead bytes of room after it. False:
  // authentication failed, a replay, no context, or no room.
  bool unprotect(std::uint32_t leg, bool rtcp, std::uint8_t* rtp, int* len);
  bool protect(std::uint32_t leg, bool rtcp, std::uint8_t* rtp, int* len, int room);

  bool has_rx(std::uint32_t leg) const { return leg < ctx_.size() && ctx_[leg].rx != nullptr; }
  bool has_tx(std::uint32_t leg) const { return leg < ctx_.size() && ctx_[leg].tx != nullptr; }
  std::uint32_t contexts() const { return live_; }

 private:
  struct Pair {
    srtp_ctx_t_* rx = nullptr;
    srtp_ctx_t_* tx = nullptr;
    std::uint64_t keys = 0;  // fingerprint of the SrtpKeys installed (0: none)
  };
  std::vector<Pair> ctx_;
  std::uint32_t live_ = 0;  // contexts allocated
};

// Room protect() wants after a datagram: libsrtp may write up to its
// SRTP_MAX_TRAILER_LEN (tag and MKI) plus SRTCP's 4-byte index; it adds 10
// (SRTP, 80-bit tag) or 14 bytes (SRTCP) with the suites used here.
inline constexpr int kSrtpMaxOverhead = 16 + 128 + 4;

}  // namespace trunkline::media
