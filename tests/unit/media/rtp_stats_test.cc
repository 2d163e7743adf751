// RTP receive statistics: RFC 3550 A.1 loss accounting (probation, wrap,
// restart), A.8 jitter, the E-model MOS, and RFC 4733 event ends.
#include "dataplane/media/rtp_stats.h"

#include <gtest/gtest.h>

#include <array>

#include "dataplane/media/dtmf.h"

namespace trunkline::media {
namespace {

constexpr std::uint32_t kSsrc = 0xabcdef01;

// Feeds `seq` with a timestamp 160 per packet, arriving exactly on time.
void feed(RtpStream& s, std::uint16_t seq, std::uint32_t index) {
  s.packets++;
  rtp_received(s, kSsrc, seq, 160 * index, 160 * index + 1000, true);
}

TEST(RtpStats, LossCountsTheGapsAfterProbation) {
  RtpStream s;
  // 1000..1009 without 1003 and 1006. 1000 is the probation packet (A.1:
  // a source is valid after two in sequence); counting starts at 1001.
  for (std::uint16_t seq = 1000; seq <= 1009; ++seq) {
    if (seq == 1003 || seq == 1006) continue;
    feed(s, seq, seq - 1000u);
  }
  EXPECT_EQ(s.base_seq, 1001);
  EXPECT_EQ(s.max_seq, 1009);
  EXPECT_EQ(s.received, 7u);
  EXPECT_EQ(lost_packets(s), 2u);
  const StreamStats st = snapshot(s);
  EXPECT_EQ(st.packets, 8u);
  EXPECT_EQ(st.lost, 2u);
  EXPECT_EQ(st.jitter_ts, 0u) << "every packet on time";
}

TEST(RtpStats, SequenceWrapIsCountedAsACycle) {
  RtpStream s;
  std::uint32_t i = 0;
  for (std::uint16_t seq = 65530; seq != 6; ++seq) {
    if (seq == 0) {  // lose the first packet after the wrap
      ++i;
      continue;
    }
    feed(s, seq, i++);
  }
  EXPECT_EQ(s.cycles, 1);
  EXPECT_EQ(s.max_seq, 5);
  // Expected 65531..65541 (11), received 10.
  EXPECT_EQ(s.received, 10u);
  EXPECT_EQ(lost_packets(s), 1u);
}

TEST(RtpStats, DuplicatesAndReorderingNeverMakeLossNegative) {
  RtpStream s;
  for (std::uint16_t seq : {10, 11, 12, 12, 12, 14, 13}) feed(s, seq, seq);
  EXPECT_EQ(lost_packets(s), 0u);
  EXPECT_EQ(s.max_seq, 14);
}

TEST(RtpStats, LargeJumpNeedsTwoPacketsToResynchronise) {
  RtpStream s;
  for (std::uint16_t seq = 100; seq < 110; ++seq) feed(s, seq, seq);  // 101..109 counted
  EXPECT_EQ(lost_packets(s), 0u);
  feed(s, 30000, 200);  // one stray packet: held back, not a loss of 30000
  EXPECT_EQ(s.max_seq, 109);
  EXPECT_EQ(lost_packets(s), 0u);
  feed(s, 30001, 201);  // confirmed: the sender restarted
  EXPECT_EQ(s.base_seq, 30001);
  feed(s, 30003, 203);  // and one loss in the new numbering
  EXPECT_EQ(lost_packets(s), 1u);
}

TEST(RtpStats, NewSsrcRestartsValidationAndKeepsEarlierLoss) {
  RtpStream s;
  for (std::uint16_t seq : {1, 2, 4, 5}) feed(s, seq, seq);  // loses 3
  EXPECT_EQ(lost_packets(s), 1u);
  for (std::uint16_t seq : {500, 501, 502, 504}) {
    s.packets++;
    rtp_received(s, kSsrc + 1, seq, 160u * seq, 160u * seq, true);
  }
  EXPECT_EQ(s.ssrc, kSsrc + 1);
  EXPECT_EQ(lost_packets(s), 2u) << "1 before the change, 1 after";
}

TEST(RtpStats, JitterFollowsRfc3550A8) {
  RtpStream s;
  // Timestamps every 160; arrivals alternately on time and 80 units (10 ms)
  // late: every transit difference is 80 after the first packet.
  auto arrive = [&](std::uint32_t i) {
    rtp_received(s, kSsrc, static_cast<std::uint16_t>(i), 160 * i, 160 * i + (i % 2) * 80, true);
  };
  arrive(0);  // probation
  arrive(1);  // valid: the first transit
  EXPECT_EQ(s.jitter_q4 >> 4, 0u);
  arrive(2);  // J = 0 + (80 - 0) / 16 = 5
  EXPECT_EQ(s.jitter_q4 >> 4, 5u);
  arrive(3);  // J = 5 + (80 - 5) / 16 = 9.69
  EXPECT_EQ(s.jitter_q4 >> 4, 9u);
  arrive(4);  // J = 9.69 + (80 - 9.69) / 16 = 14.08
  EXPECT_EQ(s.jitter_q4 >> 4, 14u);
  for (std::uint32_t i = 5; i < 300; ++i) arrive(i);
  const StreamStats st = snapshot(s);
  EXPECT_GE(st.jitter_ts, 79u) << "converges to |D| = 80";
  EXPECT_LE(st.jitter_ts, 80u);
  EXPECT_EQ(st.jitter_us, st.jitter_ts * 125u);
}

TEST(RtpStats, JitterSkipsSamplesTheCallerExcludes) {
  RtpStream s;
  rtp_received(s, kSsrc, 1, 160, 160, true);
  rtp_received(s, kSsrc, 2, 320, 320, true);
  rtp_received(s, kSsrc, 3, 100, 5000, false);  // an RFC 4733 event: its start time
  rtp_received(s, kSsrc, 4, 640, 640, true);
  EXPECT_EQ(s.jitter_q4, 0u);
}

TEST(RtpStats, MosFromTheEModel) {
  EXPECT_EQ(estimate_mos_x100(0, 0, 0), 0u) << "no packets, no score";
  EXPECT_EQ(estimate_mos_x100(1000, 0, 0), 440u);      // R = 92.96
  EXPECT_EQ(estimate_mos_x100(950, 50, 0), 391u);      // 5 % loss: Ie_eff = 15.78
  EXPECT_EQ(estimate_mos_x100(1000, 0, 40000), 436u);  // 40 ms jitter: d = 90 ms
  EXPECT_EQ(estimate_mos_x100(900, 100, 30000), 333u);
  EXPECT_EQ(estimate_mos_x100(10, 990, 0), 117u);
}

TEST(RtpStats, AccumulateAddsCountsAndReestimates) {
  StreamStats a, b;
  a.packets = 950;
  a.lost = 10;
  a.jitter_ts = 8;
  a.jitter_us = 1000;
  b.packets = 0;
  b.lost = 40;
  b.jitter_ts = 80;
  b.jitter_us = 10000;
  b.dtmf_events = 2;
  b.spoofed_dropped = 3;
  accumulate(a, b);
  EXPECT_EQ(a.packets, 950u);
  EXPECT_EQ(a.lost, 50u);
  EXPECT_EQ(a.jitter_us, 10000u);
  EXPECT_EQ(a.dtmf_events, 2u);
  EXPECT_EQ(a.spoofed_dropped, 3u);
  EXPECT_EQ(a.mos_x100, estimate_mos_x100(950, 50, 10000));
}

TEST(Dtmf, EndIsReportedOnceForItsThreeEndPackets) {
  RtpStream s;
  auto pkt = [](std::uint8_t event, bool end, std::uint16_t duration) {
    return std::array<std::uint8_t, 4>{event, static_cast<std::uint8_t>((end ? 0x80 : 0) | 10),
                                       static_cast<std::uint8_t>(duration >> 8),
                                       static_cast<std::uint8_t>(duration)};
  };
  DtmfEnd e;
  for (std::uint16_t d : {160, 320, 480}) {
    auto p = pkt(5, false, d);
    EXPECT_FALSE(dtmf_end(s, p.data(), p.size(), 8000, &e));
  }
  auto end = pkt(5, true, 800);
  EXPECT_TRUE(dtmf_end(s, end.data(), end.size(), 8000, &e));
  EXPECT_EQ(e.event, 5);
  EXPECT_EQ(e.duration, 800);
  EXPECT_FALSE(dtmf_end(s, end.data(), end.size(), 8000, &e)) << "retransmission";
  EXPECT_FALSE(dtmf_end(s, end.data(), end.size(), 8000, &e)) << "retransmission";
  EXPECT_EQ(s.dtmf_events, 1);
  auto next = pkt(11, true, 640);  // '#', a new event (new timestamp)
  EXPECT_TRUE(dtmf_end(s, next.data(), next.size(), 16000, &e));
  EXPECT_EQ(e.event, 11);
  EXPECT_EQ(s.dtmf_events, 2);
  EXPECT_FALSE(dtmf_end(s, end.data(), 3, 24000, &e)) << "truncated";
}

}  // namespace
}  // namespace trunkline::media
