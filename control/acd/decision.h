// Decisions: what the engine asks its host (the B2BUA, or the simulator) to
// do. Every engine call that changes something may append decisions; the host
// reads them with Engine::decisions() before its next call to the engine.
#pragma once

#include <cstdint>
#include <string_view>

#include "control/acd/types.h"

namespace trunkline::acd {

enum class DecisionKind : std::uint8_t {
  kOffer,                   // offer `caller` to `agent` (INVITE the agent's phone)
  kCancelOffer,             // stop offering `caller` to `agent` (CANCEL): lost a ring-all,
                            // the caller hung up, or the queue's ring timeout ran out
  kPlayAnnouncement,        // play announcement `resource` to the waiting caller
  kPlayMusic,               // play music-on-hold `resource` while the caller waits
  kOverflowToQueue,         // the caller moved to `queue` (the engine keeps routing it)
  kOverflowToAnnouncement,  // play announcement `resource`, then release the call
  kOverflowToExternal,      // transfer the caller to `external_number` via the trunk
  kRefuse,                  // release the call with SIP status `resource` (carrier reroutes)
};

std::string_view decision_kind_name(DecisionKind kind);

struct Decision {
  DecisionKind kind = DecisionKind::kOffer;
  OverflowReason reason = OverflowReason::kQueueFull;  // the overflow kinds and kRefuse
  CallerId caller = kNoCaller;
  AgentId agent = kNoAgent;
  QueueId queue = kNoQueue;          // the queue the caller is in (the target for kOverflowToQueue)
  std::uint32_t resource = 0;        // announcement / music id, or the SIP status of kRefuse
  std::string_view external_number;  // kOverflowToExternal; valid until the next engine call
};

}  // namespace trunkline::acd
