#include "recorder/codec/g711.h"

#include <array>

namespace trunkline::recorder::g711 {
namespace {

// µ-law (G.711 Table 2a): the code word is transmitted inverted; bit 7 of the
// transmitted word is 1 for positive values, bits 6..4 are the segment s and
// bits 3..0 the step m within it. In 14-bit units segment s starts at
// (33 << s) - 33 with steps of 2 << s, and the decoder outputs
// ((2m + 33) << s) - 33. Scaled by 4 to 16 bits that is ((8m + 132) << s) - 132,
// i.e. the customary bias of 0x84.
std::int16_t ulaw_decode_rule(std::uint8_t code) {
  const std::uint8_t u = static_cast<std::uint8_t>(~code);
  const int segment = (u >> 4) & 0x07;
  const int step = u & 0x0F;
  const int magnitude = (((step << 3) + 0x84) << segment) - 0x84;
  return static_cast<std::int16_t>((u & 0x80) ? -magnitude : magnitude);
}

// A-law (G.711 Table 1a): even bits are inverted on the line (XOR 0x55). Bit 7
// set means positive. In 13-bit units segments 0 and 1 both have step 2
// starting at 0 and 32; segment s >= 1 starts at 16 << s with step 1 << s.
// Decoder outputs the middle of the step, scaled by 8 to 16 bits.
std::int16_t alaw_decode_rule(std::uint8_t code) {
  const std::uint8_t a = static_cast<std::uint8_t>(code ^ 0x55);
  const int segment = (a >> 4) & 0x07;
  const int step = a & 0x0F;
  int magnitude;
  if (segment == 0) {
    magnitude = (step << 4) + 8;
  } else {
    magnitude = ((step << 4) + 0x108) << (segment - 1);
  }
  return static_cast<std::int16_t>((a & 0x80) ? magnitude : -magnitude);
}

template <std::int16_t (*Rule)(std::uint8_t)>
std::array<std::int16_t, 256> build_table() {
  std::array<std::int16_t, 256> table{};
  for (int c = 0; c < 256; ++c)
    table[static_cast<std::size_t>(c)] = Rule(static_cast<std::uint8_t>(c));
  return table;
}

const std::array<std::int16_t, 256>& ulaw_table() {
  static const auto table = build_table<ulaw_decode_rule>();
  return table;
}

const std::array<std::int16_t, 256>& alaw_table() {
  static const auto table = build_table<alaw_decode_rule>();
  return table;
}

// Index of the highest set bit of v (v > 0).
int top_bit(int v) { return 31 - __builtin_clz(static_cast<unsigned>(v)); }

}  // namespace

std::int16_t ulaw_to_linear(std::uint8_t code) { return ulaw_table()[code]; }
std::int16_t alaw_to_linear(std::uint8_t code) { return alaw_table()[code]; }

std::uint8_t linear_to_ulaw(std::int16_t sample) {
  constexpr int kBias = 0x84;
  constexpr int kClip = 32635;  // largest magnitude that still fits after biasing
  int value = sample;
  int sign = 0;
  if (value < 0) {
    value = -value;
    sign = 0x80;
  }
  if (value > kClip) value = kClip;
  value += kBias;  // now in [132, 32767]: bit 7..14 holds the segment
  const int segment = top_bit(value) - 7;
  const int step = (value >> (segment + 3)) & 0x0F;
  return static_cast<std::uint8_t>(~(sign | (segment << 4) | step));
}

std::uint8_t linear_to_alaw(std::int16_t sample) {
  int value = sample;
  int sign = 0x80;  // positive
  if (value < 0) {
    value = -value - 1;  // A-law is symmetric around -0.5: -1 maps like 0
    sign = 0;
  }
  value >>= 3;  // 13-bit magnitude
  if (value > 0xFFF) value = 0xFFF;
  int code;
  if (value < 32) {
    code = value >> 1;  // segment 0, step 2
  } else {
    const int segment = top_bit(value) - 4;  // value in [16 << s, 32 << s)
    code = (segment << 4) | ((value >> segment) & 0x0F);
  }
  return static_cast<std::uint8_t>((sign | code) ^ 0x55);
}

void decode_ulaw(const std::uint8_t* in, std::size_t n, std::int16_t* out) {
  const auto& table = ulaw_table();
  for (std::size_t i = 0; i < n; ++i) out[i] = table[in[i]];
}

void decode_alaw(const std::uint8_t* in, std::size_t n, std::int16_t* out) {
  const auto& table = alaw_table();
  for (std::size_t i = 0; i < n; ++i) out[i] = table[in[i]];
}

const std::int16_t* decode_table(Law law) {
  return law == Law::kUlaw ? ulaw_table().data() : alaw_table().data();
}

void decode(Law law, const std::uint8_t* in, std::size_t n, std::int16_t* out, std::size_t stride) {
  const auto& table = law == Law::kUlaw ? ulaw_table() : alaw_table();
  for (std::size_t i = 0; i < n; ++i) out[i * stride] = table[in[i]];
}

void transcode(Law from, Law to, const std::uint8_t* in, std::size_t n, std::uint8_t* out) {
  const auto& table = from == Law::kUlaw ? ulaw_table() : alaw_table();
  for (std::size_t i = 0; i < n; ++i)
    out[i] = to == Law::kUlaw ? linear_to_ulaw(table[in[i]]) : linear_to_alaw(table[in[i]]);
}

}  // namespace trunkline::recorder::g711
