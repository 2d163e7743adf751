#include "recorder/jitter/direction_buffer.h"

#include <gtest/gtest.h>

#include <vector>

#include "recorder/codec/g711.h"

namespace trunkline::recorder {
namespace {

// A packet of `n` samples all encoding `value` (µ-law unless pt says A-law).
RtpRecord packet(std::uint16_t seq, std::uint32_t ts, std::int16_t value, std::uint32_t ssrc = 7,
                 std::uint8_t pt = g711::kPayloadTypePcmu, std::size_t n = 160) {
  std::vector<std::uint8_t> payload(
      n, pt == g711::kPayloadTypePcma ? g711::linear_to_alaw(value) : g711::linear_to_ulaw(value));
  RtpRecord r;
  r.assign(1, Leg::kCaller, seq, ts, ssrc, pt, 0, payload);
  return r;
}

// Drains [from, to) and decodes it.
std::vector<std::int16_t> drain(DirectionBuffer& b, std::int64_t from, std::int64_t to) {
  std::vector<std::uint8_t> codes(static_cast<std::size_t>(to - from));
  b.drain(from, to, codes.data());
  std::vector<std::int16_t> out(codes.size());
  g711::decode(b.law(), codes.data(), codes.size(), out.data(), 1);
  return out;
}

// Value decoded at every sample of [from, to), or -1 if they differ.
int uniform_value(const std::vector<std::int16_t>& v, std::size_t from, std::size_t to) {
  for (std::size_t i = from; i < to; ++i)
    if (v[i] != v[from]) return -1;
  return v[from];
}

TEST(DirectionBufferTest, PlacesPacketsByTimestampAnchoredOnFirstArrival) {
  DirectionBuffer b;
  // The first packet arrives at frame 320: its first sample belongs at 160.
  b.place(packet(1, 1000, 1000), 320, 0);
  // Reordered: packet 3 before packet 2; both placed by timestamp.
  b.place(packet(3, 1320, 3000), 480, 0);
  b.place(packet(2, 1160, 2000), 490, 0);
  const auto out = drain(b, 0, 800);
  const int v1 = g711::ulaw_to_linear(g711::linear_to_ulaw(1000));
  const int v2 = g711::ulaw_to_linear(g711::linear_to_ulaw(2000));
  const int v3 = g711::ulaw_to_linear(g711::linear_to_ulaw(3000));
  EXPECT_EQ(uniform_value(out, 0, 160), 0);
  EXPECT_EQ(uniform_value(out, 160, 320), v1);
  EXPECT_EQ(uniform_value(out, 320, 480), v2);
  EXPECT_EQ(uniform_value(out, 480, 640), v3);
  EXPECT_EQ(uniform_value(out, 640, 800), 0);
  EXPECT_EQ(b.stats().received, 3u);
  EXPECT_EQ(b.stats().expected, 3u);
}

TEST(DirectionBufferTest, LossLeavesSilenceAndIsCounted) {
  DirectionBuffer b;
  b.place(packet(1, 0, 5000), 160, 0);
  b.place(packet(3, 320, 5000), 480, 0);  // seq 2 never comes
  const auto out = drain(b, 0, 480);
  EXPECT_NE(uniform_value(out, 0, 160), 0);
  EXPECT_EQ(uniform_value(out, 160, 320), 0);
  EXPECT_NE(uniform_value(out, 320, 480), 0);
  EXPECT_EQ(b.stats().lost(), 1u);
}

TEST(DirectionBufferTest, DuplicatesAreDroppedAndCounted) {
  DirectionBuffer b;
  b.place(packet(1, 0, 5000), 160, 0);
  b.place(packet(1, 0, -5000), 170, 0);  // a copy with other content must not overwrite
  const auto out = drain(b, 0, 160);
  EXPECT_GT(out[0], 0);
  EXPECT_EQ(b.stats().duplicates, 1u);
  EXPECT_EQ(b.stats().received, 1u);
}

TEST(DirectionBufferTest, PacketWhosePlaceIsSealedIsLate) {
  DirectionBuffer b;
  b.place(packet(1, 0, 5000), 160, 0);
  b.place(packet(3, 320, 5000), 480, 0);
  drain(b, 0, 480);  // sealed up to 480
  b.place(packet(2, 160, 5000), 600, 480);
  EXPECT_EQ(b.stats().late, 1u);
  EXPECT_EQ(b.stats().received, 2u);
  EXPECT_EQ(b.stats().lost(), 0u);  // it arrived, too late: not lost in the network
}

TEST(DirectionBufferTest, TimestampWrapAroundKeepsTheTimeline) {
  DirectionBuffer b;
  b.place(packet(1, 0xFFFFFF00u, 100), 160, 0);  // 256 samples before the wrap
  b.place(packet(2, 0xFFFFFFA0u, 200), 320, 0);
  b.place(packet(3, 0x00000040u, 300), 480, 0);  // after the wrap
  const auto out = drain(b, 0, 480);
  EXPECT_EQ(uniform_value(out, 0, 160), g711::ulaw_to_linear(g711::linear_to_ulaw(100)));
  EXPECT_EQ(uniform_value(out, 160, 320), g711::ulaw_to_linear(g711::linear_to_ulaw(200)));
  EXPECT_EQ(uniform_value(out, 320, 480), g711::ulaw_to_linear(g711::linear_to_ulaw(300)));
}

TEST(DirectionBufferTest, NewSsrcReanchorsOnArrival) {
  DirectionBuffer b;
  b.place(packet(1, 5000, 1000, /*ssrc=*/1), 160, 0);
  // A new source with unrelated numbering, arriving at frame 800.
  b.place(packet(900, 123456, 2000, /*ssrc=*/2), 800, 0);
  const auto out = drain(b, 0, 800);
  EXPECT_NE(uniform_value(out, 0, 160), 0);
  EXPECT_EQ(uniform_value(out, 160, 640), 0);
  EXPECT_EQ(uniform_value(out, 640, 800), g711::ulaw_to_linear(g711::linear_to_ulaw(2000)));
  EXPECT_EQ(b.stats().reanchors, 1u);
  EXPECT_EQ(b.stats().expected, 2u);
}

TEST(DirectionBufferTest, TimestampJumpAheadReanchors) {
  DirectionBuffer b;
  b.place(packet(1, 0, 1000), 160, 0);
  // In order, but the timestamp claims 10 s later: the sender jumped.
  b.place(packet(2, 80000, 1000), 320, 0);
  EXPECT_EQ(b.stats().reanchors, 1u);
  EXPECT_EQ(b.stats().out_of_window, 0u);
  const auto out = drain(b, 0, 320);
  EXPECT_NE(uniform_value(out, 160, 320), 0);
}

TEST(DirectionBufferTest, AlawAndNonAudioPayloads) {
  DirectionBuffer b;
  b.place(packet(1, 0, -1234, 7, g711::kPayloadTypePcma), 160, 0);
  RtpRecord dtmf = packet(2, 160, 0, 7, 101, 4);
  b.place(dtmf, 170, 0);
  EXPECT_EQ(b.law(), g711::Law::kAlaw);
  const auto out = drain(b, 0, 320);
  EXPECT_EQ(uniform_value(out, 0, 160), g711::alaw_to_linear(g711::linear_to_alaw(-1234)));
  EXPECT_EQ(uniform_value(out, 160, 320), 8);  // A-law's silence code
  EXPECT_EQ(b.stats().non_audio, 1u);
}

TEST(DirectionBufferTest, PacketInTheOtherLawIsTranscodedToTheDirectionsLaw) {
  DirectionBuffer b;
  b.place(packet(1, 0, 1000), 160, 0);  // µ-law sets the law
  b.place(packet(2, 160, -3000, 7, g711::kPayloadTypePcma), 320, 0);
  EXPECT_EQ(b.law(), g711::Law::kUlaw);
  EXPECT_EQ(b.stats().transcoded, 1u);
  const auto out = drain(b, 0, 320);
  const int sent = g711::alaw_to_linear(g711::linear_to_alaw(-3000));
  EXPECT_NEAR(uniform_value(out, 160, 320), sent, 64);  // within one µ-law step there
}

TEST(DirectionBufferTest, DrainLeavesSilenceBehindAndZeroesBeyondTheRing) {
  DirectionBuffer b;
  b.place(packet(1, 0, 4000), 160, 0);
  auto first = drain(b, 0, 160);
  EXPECT_NE(first[0], 0);
  // The same ring slots, one ring later, are silent now.
  auto again =
      drain(b, DirectionBuffer::kDefaultRingFrames, DirectionBuffer::kDefaultRingFrames + 160);
  EXPECT_EQ(uniform_value(again, 0, 160), 0);
}

TEST(DirectionBufferTest, PacketFarAheadOfTheSealedPointIsRefused) {
  DirectionBuffer b;
  b.place(packet(1, 0, 4000), 160, 0);
  // Reordered (older sequence), with a timestamp beyond the ring: cannot be buffered.
  b.place(packet(0, 2 * DirectionBuffer::kDefaultRingFrames, 4000), 200, 0);
  EXPECT_EQ(b.stats().out_of_window, 1u);
}

TEST(DirectionBufferTest, RingIsSizedForTheUnsealedSpanWithRoomToSpare) {
  EXPECT_EQ(DirectionBuffer::ring_frames_for(600'000), 8192);  // 0.6 s -> 1.024 s
  EXPECT_EQ(DirectionBuffer::ring_frames_for(1'000'000), 16384);
  EXPECT_EQ(DirectionBuffer::ring_frames_for(1), 1024);
  // A reordered packet 1.5 s ahead of the sealed point fits only the larger ring.
  DirectionBuffer small;
  DirectionBuffer large(16384);
  for (DirectionBuffer* b : {&small, &large}) {
    b->place(packet(5, 0, 4000), 160, 0);
    b->place(packet(4, 12000, 4000), 320, 0);
  }
  EXPECT_EQ(small.stats().out_of_window, 1u);
  EXPECT_EQ(large.stats().out_of_window, 0u);
}

}  // namespace
}  // namespace trunkline::recorder
