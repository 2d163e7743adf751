// What the B2BUA reports when a call ends: the CDR as the store keeps it
// (tenant, caller, DID, agent, times, outcome, cause, per-leg quality) and
// each leg's full media statistics as the dataplane measured them.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "control/store/store.h"
#include "dataplane/media/media_types.h"

namespace trunkline::b2bua {

using Outcome = store::CdrOutcome;

struct CallRecord {
  std::int64_t tenant = 0;
  store::Cdr cdr;
  media::StreamStats caller_stats;  // RTP received from the carrier leg
  media::StreamStats agent_stats;   // RTP received from the agent leg
};

// The CDR's per-leg summary of a stream's statistics.
store::LegStats leg_summary(const media::StreamStats& s);

using CallRecordSink = std::function<void(const CallRecord&)>;

}  // namespace trunkline::b2bua
