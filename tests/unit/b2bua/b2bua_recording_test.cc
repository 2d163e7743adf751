// Recording of calls to numbers provisioned with record = true: the recording
// starts when the agent answers (with the call's details), the media session
// is told to fork to it, and it stops when the call ends. When the recorder
// cannot take the call, the call goes on and the gap is counted.
#include <gtest/gtest.h>

#include "tests/unit/b2bua/b2bua_harness.h"

namespace trunkline::b2bua::testing {
namespace {

using media::CommandVerb;

class FakeRecorder : public CallRecorder {
 public:
  std::optional<std::uint32_t> start(std::shared_ptr<const recorder::CallDetails> details,
                                     std::int64_t at_us) override {
    started.push_back({*details, at_us});
    if (refuse) return std::nullopt;
    return next_handle++;
  }
  bool stop(std::uint32_t handle, std::int64_t at_us) override {
    stopped.push_back({handle, at_us});
    return true;
  }
  std::vector<std::pair<recorder::CallDetails, std::int64_t>> started;
  std::vector<std::pair<std::uint32_t, std::int64_t>> stopped;
  std::uint32_t next_handle = 41;
  bool refuse = false;
};

const Sent* answered_call(Harness& h) {
  h.receive(carrier_invite(), kCarrier);
  const Sent* inv = h.last_request_to("198.51.100.20", "INVITE");
  EXPECT_NE(inv, nullptr);
  if (inv == nullptr) return nullptr;
  h.receive(agent_response(inv->msg, 200, "a1", agent_sdp()), peer("198.51.100.20", 5070));
  EXPECT_NE(h.last_response_to("203.0.113.10", 200), nullptr) << "the carrier got the answer";
  return inv;
}

void agent_hangs_up(Harness& h, const Sent* inv) {
  h.receive(
      "BYE sip:trunkline@198.51.100.1:5060 SIP/2.0\r\n"
      "Via: SIP/2.0/UDP 198.51.100.20:5070;branch=z9hG4bKab1\r\n"
      "Max-Forwards: 70\r\nFrom: " +
          std::string(inv->msg.find(sip::HeaderId::kTo)->value) +
          ";tag=a1\r\nTo: " + std::string(inv->msg.find(sip::HeaderId::kFrom)->value) +
          "\r\nCall-ID: " + std::string(inv->msg.call_id()) +
          "\r\nCSeq: 1 BYE\r\nContent-Length: 0\r\n\r\n",
      peer("198.51.100.20", 5070));
}

std::vector<media::Command> commands_of(const Harness& h, CommandVerb verb) {
  std::vector<media::Command> out;
  for (const auto& c : h.media.commands)
    if (c.verb == verb) out.push_back(c);
  return out;
}

TEST(B2buaRecording, ARecordedNumberIsRecordedFromTheAnswerToTheEnd) {
  Harness h;
  FakeRecorder rec;
  h.b2bua.set_recorder(&rec);
  h.routing.recorded.insert("+81312345678");
  h.receive(carrier_invite(), kCarrier);
  EXPECT_TRUE(rec.started.empty()) << "nothing is recorded while it rings";
  const Sent* inv = h.last_request_to("198.51.100.20", "INVITE");
  ASSERT_NE(inv, nullptr);
  h.now += 3000;
  h.receive(agent_response(inv->msg, 200, "a1", agent_sdp()), peer("198.51.100.20", 5070));

  ASSERT_EQ(rec.started.size(), 1u);
  const recorder::CallDetails& d = rec.started[0].first;
  EXPECT_EQ(d.tenant_id, "7") << "the store's tenant ID";
  EXPECT_EQ(d.call_id, "carrier-call-1");
  EXPECT_EQ(d.caller_number, "0312340000");
  EXPECT_EQ(d.did, "+81312345678");
  EXPECT_EQ(d.skill, "sales");
  EXPECT_EQ(d.agent, "alice");
  EXPECT_EQ(d.codec, "PCMU");
  EXPECT_EQ(d.recording_id.size(), 32u);
  EXPECT_EQ(d.recording_id.find_first_not_of("0123456789abcdef"), std::string::npos);
  EXPECT_EQ(rec.started[0].second, static_cast<std::int64_t>(1'700'000'000'000ull + h.now) * 1000);

  const auto record = commands_of(h, CommandVerb::kRecord);
  ASSERT_EQ(record.size(), 1u);
  EXPECT_EQ(record[0].flag, 1);
  EXPECT_EQ(record[0].recording, 41u);
  EXPECT_EQ(record[0].id, commands_of(h, CommandVerb::kCreate).at(0).id);
  EXPECT_EQ(h.b2bua.counters().recordings_started, 1u);

  h.now += 5000;
  agent_hangs_up(h, inv);
  ASSERT_EQ(rec.stopped.size(), 1u);
  EXPECT_EQ(rec.stopped[0].first, 41u);
  EXPECT_EQ(rec.stopped[0].second, static_cast<std::int64_t>(1'700'000'000'000ull + h.now) * 1000);
  EXPECT_EQ(h.b2bua.counters().recordings_failed, 0u);
}

TEST(B2buaRecording, OtherNumbersNeverReachTheRecorder) {
  Harness h;
  FakeRecorder rec;
  h.b2bua.set_recorder(&rec);
  const Sent* inv = answered_call(h);
  ASSERT_NE(inv, nullptr);
  agent_hangs_up(h, inv);
  EXPECT_TRUE(rec.started.empty());
  EXPECT_TRUE(rec.stopped.empty());
  EXPECT_TRUE(commands_of(h, CommandVerb::kRecord).empty());
  EXPECT_EQ(h.b2bua.counters().recordings_failed, 0u);
}

TEST(B2buaRecording, AFullRecorderLeavesTheCallUpAndCountsTheGap) {
  Harness h;
  FakeRecorder rec;
  rec.refuse = true;
  h.b2bua.set_recorder(&rec);
  h.routing.recorded.insert("+81312345678");
  const Sent* inv = answered_call(h);
  ASSERT_NE(inv, nullptr);
  EXPECT_EQ(rec.started.size(), 1u);
  EXPECT_TRUE(commands_of(h, CommandVerb::kRecord).empty());
  EXPECT_EQ(h.b2bua.counters().recordings_failed, 1u);
  EXPECT_EQ(h.b2bua.counters().calls_answered, 1u);
  agent_hangs_up(h, inv);
  EXPECT_TRUE(rec.stopped.empty()) << "nothing to stop";
}

TEST(B2buaRecording, WithoutARecorderARecordedNumberCountsAsNotRecorded) {
  Harness h;
  h.routing.recorded.insert("+81312345678");
  ASSERT_NE(answered_call(h), nullptr);
  EXPECT_EQ(h.b2bua.counters().recordings_failed, 1u);
  EXPECT_EQ(h.b2bua.counters().recordings_started, 0u);
}

TEST(B2buaRecording, AFullMediaRingStopsTheRecordingItCouldNotFork) {
  Harness h;
  FakeRecorder rec;
  h.b2bua.set_recorder(&rec);
  h.routing.recorded.insert("+81312345678");
  h.receive(carrier_invite(), kCarrier);
  const Sent* inv = h.last_request_to("198.51.100.20", "INVITE");
  ASSERT_NE(inv, nullptr);
  h.media.full = true;  // the kRecord command (and later ones) cannot be queued
  h.receive(agent_response(inv->msg, 200, "a1", agent_sdp()), peer("198.51.100.20", 5070));
  ASSERT_EQ(rec.started.size(), 1u);
  ASSERT_EQ(rec.stopped.size(), 1u);
  EXPECT_EQ(rec.stopped[0].first, 41u);
  EXPECT_EQ(h.b2bua.counters().recordings_failed, 1u);
  EXPECT_EQ(h.b2bua.counters().recordings_started, 0u);
}

}  // namespace
}  // namespace trunkline::b2bua::testing
