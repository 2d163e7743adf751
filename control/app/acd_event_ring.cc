#include "control/app/acd_event_ring.h"

#include <algorithm>
#include <chrono>

#include "control/acd/config.h"
#include "control/acd/json_writer.h"

namespace trunkline::app {
namespace {

std::int64_t wall_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

AcdEventRing::AcdEventRing(const acd::Engine& engine, std::size_t capacity)
    : engine_(&engine), capacity_(std::max<std::size_t>(1, capacity)), clock_(wall_ms) {}

void AcdEventRing::on_event(const acd::Event& event) {
  const std::uint64_t seq = next_seq_++;
  lines_.push_back(format(event, seq));
  if (lines_.size() > capacity_) {
    lines_.pop_front();
    ++first_seq_;
  }
}

std::string AcdEventRing::format(const acd::Event& e, std::uint64_t seq) const {
  acd::JsonWriter json(false);
  json.begin_object();
  json.key("seq").value(seq);
  json.key("at_ms").value(clock_());
  json.key("event").value(acd::event_kind_name(e.kind));
  if (e.agent != acd::kNoAgent && e.agent < engine_->agent_count())
    json.key("agent").value(engine_->agent_name(e.agent));
  if (e.queue != acd::kNoQueue && e.queue < engine_->queue_count())
    json.key("queue").value(engine_->queue_config(e.queue).name);
  if (e.caller != acd::kNoCaller) json.key("caller").value(static_cast<std::uint64_t>(e.caller));
  switch (e.kind) {
    case acd::EventKind::kAgentState:
      json.key("from").value(acd::agent_state_name(e.from));
      json.key("to").value(acd::agent_state_name(e.to));
      if (e.to == acd::AgentState::kNotReady)
        json.key("reason").value(static_cast<std::uint64_t>(e.reason));
      break;
    case acd::EventKind::kCallerOverflowed:
    case acd::EventKind::kCallerRefused:
      json.key("why").value(acd::overflow_reason_name(e.overflow_reason));
      break;
    case acd::EventKind::kCallerQueued:
    case acd::EventKind::kCallerAnswered:
    case acd::EventKind::kCallerAbandoned:
      json.key("wait_s").seconds(e.wait_us);
      break;
    case acd::EventKind::kCallerOffered:
    case acd::EventKind::kCallerEnded:
      break;
  }
  json.end_object();
  return json.str();
}

std::string AcdEventRing::since(std::uint64_t after) const {
  if (after > last_seq()) after = 0;  // numbered by an earlier run
  std::string out = "[";
  if (after != 0 && after + 1 < first_seq_) {
    out += "{\"seq\":" + std::to_string(first_seq_ - 1) +
           ",\"event\":\"missed\",\"count\":" + std::to_string(first_seq_ - 1 - after) + "}";
  }
  const std::uint64_t from = std::max(after + 1, first_seq_);
  std::size_t n = 0;
  for (std::uint64_t s = from; s < next_seq_ && n < kMaxBatch; ++s, ++n) {
    if (out.size() > 1) out += ',';
    out += lines_[static_cast<std::size_t>(s - first_seq_)];
  }
  return out + "]";
}

}  // namespace trunkline::app
