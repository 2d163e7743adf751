// The recorder fork on the packet path: a recorded session's accepted RTP is
// copied, with its leg, sequence, timestamp, SSRC and wall-clock arrival, to
// the owner shard's recorder queue; events, spoofed packets, RTCP and
// unrecorded sessions are not; a full queue or an oversized payload is a
// counted loss while the packet is still relayed.
#include <gtest/gtest.h>

#include "dataplane/media/commands.h"
#include "media_frames.h"

namespace trunkline::media {
namespace {

using namespace testing;

const Endpoint kLocalA = ep("198.51.100.1", 20000);
const Endpoint kCarrier = ep("198.51.100.10", 4000);
const Endpoint kLocalB = ep("203.0.113.1", 20002);
const Endpoint kAgent = ep("203.0.113.20", 5000);
const Endpoint kAttacker = ep("198.51.100.66", 4000);

class RecordFork : public ::testing::Test {
 protected:
  explicit RecordFork(std::size_t depth = 64) : queue_(depth) {
    lc_.m.fork[0] = &queue_;
    lc_.m.wall_offset_us = 1'700'000'000'000'000;
    Command c;
    c.verb = CommandVerb::kCreate;
    c.id = 9;
    c.legs[0] = leg(kLocalA, kCarrier, 0, 101);
    c.legs[1] = leg(kLocalB, kAgent, 1);
    apply_command(lc_.m, c);
  }
  void record(bool on, std::uint32_t handle = 77) {
    Command c;
    c.verb = CommandVerb::kRecord;
    c.id = 9;
    c.flag = on ? 1 : 0;
    c.recording = handle;
    apply_command(lc_.m, c);
  }
  net::Verdict send(const Endpoint& from, const Endpoint& to, const std::vector<std::uint8_t>& b,
                    std::uint64_t now_us = 0) {
    Frame f = udp_frame(from, to, b);
    return lc_.relay(f, now_us);
  }
  std::vector<recorder::RtpRecord> drain() {
    std::vector<recorder::RtpRecord> v;
    recorder::RtpRecord r;
    while (queue_.pop(r)) v.push_back(r);
    return v;
  }

  recorder::BoundedQueue<recorder::RtpRecord> queue_;
  Lcore lc_;
};

TEST_F(RecordFork, UnrecordedSessionsForkNothing) {
  Rtp r;
  ASSERT_EQ(send(kCarrier, kLocalA, rtp_bytes(r)), net::Verdict::kForward);
  EXPECT_TRUE(drain().empty());
  EXPECT_EQ(lc_.counters.media_forked.load(), 0u);
}

TEST_F(RecordFork, BothDirectionsAreCopiedWithTheirLegAndRtpFields) {
  record(true);
  Rtp a;
  a.seq = 500;
  a.ts = 80000;
  a.ssrc = 0xcafe0001;
  a.pt = 8;
  a.fill = 0xd5;
  ASSERT_EQ(send(kCarrier, kLocalA, rtp_bytes(a), 2'000), net::Verdict::kForward);
  Rtp b;
  b.seq = 7;
  b.ts = 1234;
  b.ssrc = 0xbeef0002;
  b.payload = 80;
  b.fill = 0x2a;
  ASSERT_EQ(send(kAgent, kLocalB, rtp_bytes(b), 3'000), net::Verdict::kForward);

  const auto got = drain();
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0].handle, 77u);
  EXPECT_EQ(got[0].leg, recorder::Leg::kCaller);
  EXPECT_EQ(got[0].sequence, 500);
  EXPECT_EQ(got[0].timestamp, 80000u);
  EXPECT_EQ(got[0].ssrc, 0xcafe0001u);
  EXPECT_EQ(got[0].payload_type, 8);
  EXPECT_EQ(got[0].arrival_us, 1'700'000'000'002'000);
  ASSERT_EQ(got[0].payload_size, 160);
  EXPECT_EQ(got[0].payload[0], 0xd5);
  EXPECT_EQ(got[0].payload[159], 0xd5);

  EXPECT_EQ(got[1].leg, recorder::Leg::kAgent);
  EXPECT_EQ(got[1].sequence, 7);
  EXPECT_EQ(got[1].ssrc, 0xbeef0002u);
  EXPECT_EQ(got[1].payload_size, 80);
  EXPECT_EQ(got[1].payload[0], 0x2a);
  EXPECT_EQ(got[1].arrival_us, 1'700'000'000'003'000);
  EXPECT_EQ(lc_.counters.media_forked.load(), 2u);
}

TEST_F(RecordFork, CsrcsExtensionAndPaddingAreNotAudio) {
  record(true);
  Rtp r;
  r.payload = 4 + 8 + 160 + 4;  // one CSRC, a 1-word extension, audio, 4 bytes of padding
  std::vector<std::uint8_t> b = rtp_bytes(r);
  b[0] = 0x80 | 0x20 | 0x10 | 1;  // P, X, CC=1
  b[16] = 0xbe;                   // extension header: profile 0xbede, length 1 word
  b[17] = 0xde;
  b[18] = 0;
  b[19] = 1;
  for (int i = 0; i < 160; ++i) b[24 + i] = static_cast<std::uint8_t>(i);
  b[b.size() - 1] = 4;  // padding count
  ASSERT_EQ(send(kCarrier, kLocalA, b), net::Verdict::kForward);
  const auto got = drain();
  ASSERT_EQ(got.size(), 1u);
  ASSERT_EQ(got[0].payload_size, 160);
  EXPECT_EQ(got[0].payload[0], 0);
  EXPECT_EQ(got[0].payload[159], 159);
}

TEST_F(RecordFork, TelephoneEventsSpoofedPacketsAndRtcpAreNotRecorded) {
  record(true);
  Rtp ev;
  ev.pt = 101;  // the carrier leg's negotiated telephone-event: a DTMF digit
  ASSERT_EQ(send(kCarrier, kLocalA, dtmf_bytes(ev, 5, false, 160)), net::Verdict::kForward);
  Rtp audio;
  audio.seq = 2;
  ASSERT_EQ(send(kCarrier, kLocalA, rtp_bytes(audio)), net::Verdict::kForward);  // locks
  ASSERT_EQ(send(kAttacker, kLocalA, rtp_bytes(audio)), net::Verdict::kDrop);
  std::vector<std::uint8_t> rtcp(8, 0);
  rtcp[0] = 0x80;
  rtcp[1] = 200;
  ASSERT_EQ(send(Endpoint{kCarrier.ip, 4001}, Endpoint{kLocalA.ip, 20001}, rtcp),
            net::Verdict::kForward);
  const auto got = drain();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].sequence, 2);
}

TEST_F(RecordFork, StoppingTheRecordingStopsTheCopies) {
  record(true);
  Rtp r;
  ASSERT_EQ(send(kCarrier, kLocalA, rtp_bytes(r)), net::Verdict::kForward);
  record(false);
  r.seq = 2;
  ASSERT_EQ(send(kCarrier, kLocalA, rtp_bytes(r)), net::Verdict::kForward);
  EXPECT_EQ(drain().size(), 1u);
  EXPECT_EQ(lc_.m.flows.session(9)->recording, 0u);
}

TEST_F(RecordFork, OversizedPayloadIsACountedLossAndStillRelayed) {
  record(true);
  Rtp r;
  r.payload = recorder::kMaxRecordedPayload + 1;
  ASSERT_EQ(send(kCarrier, kLocalA, rtp_bytes(r)), net::Verdict::kForward);
  EXPECT_TRUE(drain().empty());
  EXPECT_EQ(lc_.counters.media_fork_oversize.load(), 1u);
  EXPECT_EQ(lc_.counters.media_relayed.load(), 1u);
}

class RecordForkFullQueue : public RecordFork {
 protected:
  RecordForkFullQueue() : RecordFork(2) {}
};

TEST_F(RecordForkFullQueue, AFullQueueIsACountedLossNeverAStall) {
  record(true);
  Rtp r;
  for (std::uint16_t i = 0; i < 10; ++i) {
    r.seq = i;
    ASSERT_EQ(send(kCarrier, kLocalA, rtp_bytes(r)), net::Verdict::kForward);
  }
  const auto got = drain();
  EXPECT_EQ(got.size(), 2u);  // the queue's capacity
  EXPECT_EQ(lc_.counters.media_forked.load(), got.size());
  EXPECT_EQ(lc_.counters.media_fork_dropped.load(), 10u - got.size());
  EXPECT_EQ(queue_.dropped(), 10u - got.size());
  EXPECT_EQ(lc_.counters.media_relayed.load(), 10u);
}

}  // namespace
}  // namespace trunkline::media
