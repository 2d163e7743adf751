#include "recorder/codec/g711.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <set>

namespace trunkline::recorder::g711 {
namespace {

// Decoder outputs of G.711 Table 2a (µ-law) in 14-bit units are, per segment
// s = 0..7, ((2m + 33) << s) - 33 for steps m = 0..15; 16-bit PCM is 4x that.
TEST(G711Test, UlawDecodesTheTableValues) {
  for (int s = 0; s < 8; ++s) {
    for (int m = 0; m < 16; ++m) {
      const int expected14 = ((2 * m + 33) << s) - 33;
      const std::uint8_t positive = static_cast<std::uint8_t>(~((s << 4) | m));
      const std::uint8_t negative = static_cast<std::uint8_t>(~(0x80 | (s << 4) | m));
      EXPECT_EQ(ulaw_to_linear(positive), expected14 * 4) << "s=" << s << " m=" << m;
      EXPECT_EQ(ulaw_to_linear(negative), -expected14 * 4) << "s=" << s << " m=" << m;
    }
  }
  EXPECT_EQ(ulaw_to_linear(0xFF), 0);
  EXPECT_EQ(ulaw_to_linear(0x7F), 0);
  EXPECT_EQ(ulaw_to_linear(0x80), 32124);
  EXPECT_EQ(ulaw_to_linear(0x00), -32124);
}

// G.711 Table 1a (A-law) in 13-bit units: segment 0 outputs 2m + 1, segment
// s >= 1 outputs (2m + 33) << (s - 1); 16-bit PCM is 8x that. Bit 7 set
// (after removing the even-bit inversion, XOR 0x55) is positive.
TEST(G711Test, AlawDecodesTheTableValues) {
  for (int s = 0; s < 8; ++s) {
    for (int m = 0; m < 16; ++m) {
      const int expected13 = s == 0 ? 2 * m + 1 : (2 * m + 33) << (s - 1);
      const std::uint8_t positive = static_cast<std::uint8_t>((0x80 | (s << 4) | m) ^ 0x55);
      const std::uint8_t negative = static_cast<std::uint8_t>(((s << 4) | m) ^ 0x55);
      EXPECT_EQ(alaw_to_linear(positive), expected13 * 8) << "s=" << s << " m=" << m;
      EXPECT_EQ(alaw_to_linear(negative), -expected13 * 8) << "s=" << s << " m=" << m;
    }
  }
  EXPECT_EQ(alaw_to_linear(kAlawSilence), 8);
  EXPECT_EQ(alaw_to_linear(0x55), -8);
  EXPECT_EQ(alaw_to_linear(0xAA), 32256);
  EXPECT_EQ(alaw_to_linear(0x2A), -32256);
}

TEST(G711Test, EncodersMapKnownSamples) {
  EXPECT_EQ(linear_to_ulaw(0), 0xFF);
  EXPECT_EQ(linear_to_ulaw(32767), 0x80);
  EXPECT_EQ(linear_to_ulaw(-32768), 0x00);
  EXPECT_EQ(linear_to_ulaw(-1), 0x7F);  // smallest negative step
  EXPECT_EQ(linear_to_alaw(0), 0xD5);
  EXPECT_EQ(linear_to_alaw(-1), 0x55);
  EXPECT_EQ(linear_to_alaw(32767), 0xAA);
  EXPECT_EQ(linear_to_alaw(-32768), 0x2A);
}

TEST(G711Test, EncodeOfDecodeIsIdentityForEveryCode) {
  for (int c = 0; c < 256; ++c) {
    const auto code = static_cast<std::uint8_t>(c);
    EXPECT_EQ(linear_to_alaw(alaw_to_linear(code)), code) << c;
    // µ-law has two zeros (0xFF and 0x7F); 0 encodes as 0xFF.
    if (code != 0x7F) {
      EXPECT_EQ(linear_to_ulaw(ulaw_to_linear(code)), code) << c;
    }
  }
}

TEST(G711Test, QuantisationErrorStaysWithinHalfAStep) {
  for (int x = -32768; x <= 32767; x += 7) {
    const auto s = static_cast<std::int16_t>(x);
    const int mag = std::abs(x);
    // Step sizes grow with the segment: 1/16 of the segment's start, at least 8 (µ) / 16 (A).
    const int u_err = std::abs(ulaw_to_linear(linear_to_ulaw(s)) - x);
    const int a_err = std::abs(alaw_to_linear(linear_to_alaw(s)) - x);
    if (mag < 32000) {
      EXPECT_LE(u_err, std::max(8, mag / 16)) << x;
      EXPECT_LE(a_err, std::max(16, mag / 16)) << x;
    }
  }
}

TEST(G711Test, DecodingIsMonotonicAcrossCodes) {
  std::set<int> ulaw_values;
  std::set<int> alaw_values;
  for (int c = 0; c < 256; ++c) {
    ulaw_values.insert(ulaw_to_linear(static_cast<std::uint8_t>(c)));
    alaw_values.insert(alaw_to_linear(static_cast<std::uint8_t>(c)));
  }
  EXPECT_EQ(ulaw_values.size(), 255u);  // +0 and -0 coincide
  EXPECT_EQ(alaw_values.size(), 256u);  // A-law has no zero code
}

TEST(G711Test, BulkDecodeMatchesSingleDecode) {
  std::uint8_t in[256];
  for (int c = 0; c < 256; ++c) in[c] = static_cast<std::uint8_t>(c);
  std::int16_t u[256], a[256];
  decode_ulaw(in, 256, u);
  decode_alaw(in, 256, a);
  for (int c = 0; c < 256; ++c) {
    EXPECT_EQ(u[c], ulaw_to_linear(in[c]));
    EXPECT_EQ(a[c], alaw_to_linear(in[c]));
  }
}

}  // namespace
}  // namespace trunkline::recorder::g711
