// Commands from the control plane to a recorder worker: start a recording,
// pause/resume it (PCI DSS: card details are never recorded), stop it. They
// travel on their own SPSC queue; each carries the wall-clock time it takes
// effect, so a pause applies to the audio of that moment, not of the moment
// the worker happens to read it.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "recorder/ingest/rtp_record.h"

namespace trunkline::recorder {

// What is known about a call when its recording starts. All of it is stored
// in the recording's encrypted metadata.
struct CallDetails {
  std::string tenant_id;     // [A-Za-z0-9._-]{1,64}
  std::string recording_id;  // 32 lowercase hex digits (see NewRecordingId)
  std::string call_id;
  std::string caller_number;  // personal data: encrypted in the file; the recording index keeps it
                              // for search
  std::string did;
  std::string skill;
  std::string agent;
  std::string codec;  // negotiated codec name, e.g. "PCMU" or "PCMA"
};

struct RecorderCommand {
  enum class Kind : std::uint8_t { kStart, kPause, kResume, kStop };
  Kind kind = Kind::kStart;
  RecordingHandle handle = 0;
  std::int64_t at_us = 0;                      // when it takes effect (UNIX epoch µs)
  std::shared_ptr<const CallDetails> details;  // kStart only
};

}  // namespace trunkline::recorder
