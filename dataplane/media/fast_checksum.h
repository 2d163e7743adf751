// Ones'-complement sums (RFC 1071) for the relay's per-packet checksum work:
// 32 bits at a time into two 64-bit accumulators, folded once at the end.
// rte_raw_cksum adds 16 bits per step; on a 172-byte RTP datagram this is
// about four times fewer operations. Sums are of words as they lie in memory,
// like a stored checksum field, so no byte swapping is needed (RFC 1071 §2(B)).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

namespace trunkline::media {

// Unfolded sum of `n` bytes added to `sum` (n < 4 GiB; a trailing odd byte
// counts as if followed by a zero byte).
inline std::uint64_t sum_bytes(const std::uint8_t* p, std::size_t n, std::uint64_t sum = 0) {
  std::uint64_t lo = 0, hi = 0;
  for (; n >= 16; p += 16, n -= 16) {
    std::uint64_t a, b;
    std::memcpy(&a, p, 8);
    std::memcpy(&b, p + 8, 8);
    lo += (a & 0xffffffffu) + (b & 0xffffffffu);
    hi += (a >> 32) + (b >> 32);
  }
  if (n >= 8) {
    std::uint64_t a;
    std::memcpy(&a, p, 8);
    lo += a & 0xffffffffu;
    hi += a >> 32;
    p += 8;
    n -= 8;
  }
  if (n >= 4) {
    std::uint32_t a;
    std::memcpy(&a, p, 4);
    lo += a;
    p += 4;
    n -= 4;
  }
  if (n >= 2) {
    std::uint16_t a;
    std::memcpy(&a, p, 2);
    lo += a;
    p += 2;
    n -= 2;
  }
  if (n != 0) {
    std::uint16_t a = 0;
    std::memcpy(&a, p, 1);
    lo += a;
  }
  return sum + lo + hi;
}

// The 16-bit ones'-complement sum of an unfolded one.
inline std::uint16_t fold(std::uint64_t s) {
  s = (s & 0xffffffffu) + (s >> 32);
  s = (s & 0xffffffffu) + (s >> 32);
  s = (s & 0xffffu) + (s >> 16);
  s = (s & 0xffffu) + (s >> 16);
  return static_cast<std::uint16_t>(s);
}

}  // namespace trunkline::media
