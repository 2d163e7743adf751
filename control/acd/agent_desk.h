// What agents and supervisors may ask of the running ACD, from any thread:
// the `trunkline agent …` verbs (through the control socket) and the HTTPS
// API both go through this one interface. The daemon's implementation hands
// each request to the thread that owns the tenant engines and waits for its
// answer, so callers never touch an engine themselves.
//
// Tenancy: every request names the store's tenant ID; an agent or queue of
// another tenant is "not found", exactly like one that does not exist.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/result.h"

namespace trunkline::acd {

// Why a desk request was refused, so that callers can map it (HTTP status,
// CLI exit code) without parsing the message.
enum class DeskError : std::uint8_t {
  kNone,
  kNotFound,     // unknown tenant, agent or queue (or another tenant's)
  kConflict,     // not valid in the agent's current state (e.g. ready while talking)
  kInvalid,      // a malformed argument (e.g. a reason code out of range)
  kUnavailable,  // the ACD is not running or did not answer in time
};

struct DeskAnswer {
  DeskError error = DeskError::kNone;
  std::string message;  // the precise reason when error != kNone
  std::string json;     // the answer's body (a JSON object) when error == kNone
  bool ok() const { return error == DeskError::kNone; }
};

class AgentDesk {
 public:
  virtual ~AgentDesk() = default;

  // State changes; on success `json` is the agent's view after the change
  // (as agent()).
  virtual DeskAnswer log_in(std::int64_t tenant, std::string_view agent, bool ready) = 0;
  virtual DeskAnswer log_out(std::int64_t tenant, std::string_view agent) = 0;
  virtual DeskAnswer set_ready(std::int64_t tenant, std::string_view agent) = 0;
  // `reason`: 1..64999, the tenant's own not-ready reason codes.
  virtual DeskAnswer set_not_ready(std::int64_t tenant, std::string_view agent,
                                   std::uint32_t reason) = 0;
  virtual DeskAnswer end_wrap_up(std::int64_t tenant, std::string_view agent) = 0;

  // {"agent":…,"state":…,"reason":…,"since_ms":…,"call":{…}|null,"calls":…,"talk_s":…}
  virtual DeskAnswer agent(std::int64_t tenant, std::string_view agent) = 0;
  // The supervisor's status board: every agent and every queue of the tenant
  // with its live metrics: {"agents":[…],"queues":[…]}.
  virtual DeskAnswer board(std::int64_t tenant) = 0;
  // The tenant's recent ACD events with a sequence number above `after_seq`
  // (0: every one still kept), as a JSON array in `json`, oldest first:
  // [{"seq":…,"at_ms":…,"event":"agent_state","agent":…,"from":…,"to":…},…];
  // a reader that fell too far behind gets {"event":"missed","count":N}
  // first. For the supervisors' live event stream.
  virtual DeskAnswer events(std::int64_t tenant, std::uint64_t after_seq) = 0;
};

}  // namespace trunkline::acd
