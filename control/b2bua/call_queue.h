// The B2BUA's side of the ACD. A call to a number provisioned with a queue
// is reported to the ACD when it arrives; the ACD answers with orders (offer
// it to this agent, play announcement and music while it waits, overflow,
// refuse), and the B2BUA reports back what became of each offer and of the
// caller. In the daemon the reports and orders cross threads through bounded
// SPSC queues (control/app/acd_plane.h); unit tests use a fake.
//
// Names travel as fixed NUL-terminated arrays so that a report or an order
// is one flat copy in a ring, with no allocation.
#pragma once

#include <cstdint>
#include <cstring>
#include <functional>
#include <string_view>

#include "dataplane/media/media_types.h"

namespace trunkline::b2bua {

// Provisioning names are 1..64 characters (control/tenant/rules.h).
using QueueName = char[65];
using PhoneNumber = char[33];

template <std::size_t N>
void copy_name(char (&to)[N], std::string_view from) {
  const std::size_t n = from.size() < N - 1 ? from.size() : N - 1;
  if (n != 0) std::memcpy(to, from.data(), n);  // an empty view may have no data()
  to[n] = '\0';
}

enum class QueueReportKind : std::uint8_t {
  kArrived,      // a caller reached `queue` (with `line_skill`)
  kRinging,      // the offered agent's phone rings
  kAnswered,     // the offered agent answered
  kOfferFailed,  // the offer to `agent` failed (`failure`)
  kAbandoned,    // the caller left before an answer
  kEnded,        // the answered call with `agent` ended
};

enum class OfferFailureKind : std::uint8_t { kBusy, kRejected, kNoAnswer, kError };

struct QueueReport {
  QueueReportKind kind = QueueReportKind::kArrived;
  OfferFailureKind failure = OfferFailureKind::kError;
  std::uint8_t shard = 0;
  media::SessionId call = 0;
  std::int64_t tenant = 0;
  QueueName queue = {};
  QueueName line_skill = {};
  QueueName incoming_skill = {};  // kArrived: chosen in the number's DTMF menu
  QueueName agent = {};
};

enum class QueueOrderKind : std::uint8_t {
  kOffer,                // ring `agent` (for at most ring_timeout_ms; 0: the B2BUA's own)
  kCancelOffer,          // stop ringing `agent`
  kPlay,                 // early media: `announcement` once, then `music` in a loop
  kAnnounceThenRelease,  // play `announcement`, release after release_after_ms
  kTransfer,             // the caller leaves the ACD for `number` through its trunk
  kRefuse,               // release the caller with `sip_status` (the carrier reroutes)
};

struct QueueOrder {
  QueueOrderKind kind = QueueOrderKind::kOffer;
  media::SessionId call = 0;
  std::uint16_t announcement = 0;  // prompt ids ([[prompts]]); 0: none
  std::uint16_t music = 0;
  std::uint16_t sip_status = 0;
  std::uint32_t ring_timeout_ms = 0;
  std::uint32_t release_after_ms = 0;
  QueueName agent = {};
  PhoneNumber number = {};
};

class CallQueue {
 public:
  virtual ~CallQueue() = default;
  // Never blocks and never loses a report (the daemon's keeps a backlog when
  // its ring is full).
  virtual void report(const QueueReport& r) = 0;
  // Hands every order waiting for this shard to `handle`; returns how many.
  virtual unsigned poll(const std::function<void(const QueueOrder&)>& handle) = 0;
};

}  // namespace trunkline::b2bua
