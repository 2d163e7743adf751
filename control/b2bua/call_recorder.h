// What the B2BUA asks of the recorder for a call to a number provisioned with
// record = true: start a recording when the agent answers (the handle goes on
// the media session, whose lcores then fork the RTP to the recorder worker),
// stop it when the call ends. The daemon's RecorderWorker of the shard sits
// behind it; unit tests use a fake.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>

#include "recorder/ingest/recorder_command.h"

namespace trunkline::b2bua {

class CallRecorder {
 public:
  virtual ~CallRecorder() = default;
  // The handle of the new recording, or nullopt when the recorder cannot take
  // it (its call limit or command queue is full). `at_us`: UNIX-epoch µs.
  virtual std::optional<std::uint32_t> start(std::shared_ptr<const recorder::CallDetails> details,
                                             std::int64_t at_us) = 0;
  virtual bool stop(std::uint32_t handle, std::int64_t at_us) = 0;
};

}  // namespace trunkline::b2bua
