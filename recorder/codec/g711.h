// G.711 (ITU-T Rec. G.711, 1988) µ-law and A-law, between 8-bit code words and
// 16-bit linear PCM. Decoding goes through 256-entry tables built once from the
// segment/quantisation rules of the Recommendation; encoding is computed.
#pragma once

#include <cstddef>
#include <cstdint>

namespace trunkline::recorder::g711 {

// RTP static payload types (RFC 3551).
inline constexpr std::uint8_t kPayloadTypePcmu = 0;
inline constexpr std::uint8_t kPayloadTypePcma = 8;

// Code words that decode to (near) silence.
inline constexpr std::uint8_t kUlawSilence = 0xFF;  // decodes to 0
inline constexpr std::uint8_t kAlawSilence = 0xD5;  // decodes to +8: A-law has no zero

enum class Law : std::uint8_t { kUlaw = 0, kAlaw = 1 };

inline std::uint8_t silence_code(Law law) {
  return law == Law::kUlaw ? kUlawSilence : kAlawSilence;
}

std::int16_t ulaw_to_linear(std::uint8_t code);
std::int16_t alaw_to_linear(std::uint8_t code);
std::uint8_t linear_to_ulaw(std::int16_t sample);
std::uint8_t linear_to_alaw(std::int16_t sample);

// Bulk decode of one packet's payload (`n` code words into `out`).
void decode_ulaw(const std::uint8_t* in, std::size_t n, std::int16_t* out);
void decode_alaw(const std::uint8_t* in, std::size_t n, std::int16_t* out);
// The 256-entry decoding table of `law`.
const std::int16_t* decode_table(Law law);
// Decodes `n` code words of `law` into out[0], out[stride], ...
void decode(Law law, const std::uint8_t* in, std::size_t n, std::int16_t* out, std::size_t stride);
// Re-encodes code words of one law in the other (through linear PCM; within
// one quantisation step of the original).
void transcode(Law from, Law to, const std::uint8_t* in, std::size_t n, std::uint8_t* out);

}  // namespace trunkline::recorder::g711
