// SRTP contexts of one lcore's flow table (libsrtp 2): for each leg that
// carries SRTP, a receive context (the peer's key: unprotect what arrives)
// and a send context (our key: protect what leaves towards the peer). Indexed
// by leg number, beside the flow table, so plain legs cost one null pointer
// pair and the packet path of plain RTP never touches this.
//
// A command that keys a leg only keeps its keys (a small block per SRTP leg);
// the contexts (libsrtp's, about 14 KiB each) are made by the first packet
// that needs one on this lcore: the receive context by the first packet from
// the leg's peer, the send context by the first packet towards it. Commands
// reach every lcore but a leg's packets arrive on one (RSS), so a call pays
// for its contexts once, not once per lcore. That is one allocation per
// context in the packet path, once per leg per lcore (libsrtp's own
// ssrc_any_inbound streams allocate on a new SSRC's first packet likewise);
// never per packet after. Contexts are freed when the session is deleted or
// re-keyed. Each lcore has its own: the receive direction of a 5-tuple stays
// on one lcore, so replay windows and rollover counters stay consistent.
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
  // receive context from keys.rx, each made when first used. suite kNone
  // removes both. The same keys again change nothing (the contexts keep their
  // rollover counters and replay windows). False (and the leg without SRTP)
  // for a suite libsrtp cannot make.
  bool install(std::uint32_t leg, const SrtpKeys& keys);
  void remove(std::uint32_t leg);

  // In place. `len` is the RTP/RTCP datagram payload's length and changes
  // with it; protect needs kSrtpMaxOverhead bytes of room after it. Either
  // makes the leg's context on its first use. False: authentication failed,
  // a replay, no key (or libsrtp could not make the context), or no room.
  bool unprotect(std::uint32_t leg, bool rtcp, std::uint8_t* rtp, int* len);
  bool protect(std::uint32_t leg, bool rtcp, std::uint8_t* rtp, int* len, int room);

  // Makes the keyed leg's contexts now rather than at its first packets
  // (tests and benchmarks).
  void prepare(std::uint32_t leg);

  // Keyed for receiving / sending (the context may not be made yet).
  bool has_rx(std::uint32_t leg) const {
    return leg < ctx_.size() && ctx_[leg].keyed != nullptr && ctx_[leg].keyed->keys.has_rx;
  }
  bool has_tx(std::uint32_t leg) const { return leg < ctx_.size() && ctx_[leg].keyed != nullptr; }
  std::uint32_t contexts() const { return live_; }  // made, on this lcore

 private:
  struct Keyed {
    SrtpKeys keys;
    std::uint64_t fingerprint = 0;  // of `keys`: tells a re-key from a repeat
  };
  struct Pair {
    srtp_ctx_t_* rx = nullptr;  // made on first use
    srtp_ctx_t_* tx = nullptr;
    Keyed* keyed = nullptr;  // null: no SRTP on this leg
  };
  srtp_ctx_t_* context(std::uint32_t leg, bool inbound);
  std::vector<Pair> ctx_;
  std::uint32_t live_ = 0;  // contexts allocated
};

// Room protect() wants after a datagram: libsrtp may write up to its
// SRTP_MAX_TRAILER_LEN (tag and MKI) plus SRTCP's 4-byte index; it adds 10
// (SRTP, 80-bit tag) or 14 bytes (SRTCP) with the suites used here.
inline constexpr int kSrtpMaxOverhead = 16 + 128 + 4;

}  // namespace trunkline::media
