// Ones'-complement sums (RFC 1071) for the relay's per-packet checksum work:
// 64 bits at a time with end-around carry, folded once at the end.
// rte_raw_cksum adds 16 bits per step; on a 172-byte RTP datagram this is
// about eight times fewer additions. Sums are of words as they lie in memory,
// like a stored checksum field, so no byte swapping is needed (RFC 1071 §2(B)).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

namespace trunkline::media {

// Unfolded sum of `n` bytes added to `sum` (n < 4 GiB; a trailing odd byte
// counts as if followed by a zero byte). 64-bit words with end-around carry
// (2^64 = 1 modulo 0xffff): an add and an add-with-carry per 8 bytes, about
// half the operations of splitting each word into 32-bit halves. The result
// is below 2^35 whatever `sum` was (below 2^34), so callers may add to it.
inline std::uint64_t sum_bytes(const std::uint8_t* p, std::size_t n, std::uint64_t sum = 0) {
  std::uint64_t a = sum, b = 0, ca = 0, cb = 0;  // two chains, carries counted apart
  for (; n >= 16; p += 16, n -= 16) {
    std::uint64_t x, y;
    std::memcpy(&x, p, 8);
    std::memcpy(&y, p + 8, 8);
    ca += __builtin_add_overflow(a, x, &a);
    cb += __builtin_add_overflow(b, y, &b);
  }
  if (n >= 8) {
    std::uint64_t x;
    std::memcpy(&x, p, 8);
    ca += __builtin_add_overflow(a, x, &a);
    p += 8;
    n -= 8;
  }
  std::uint64_t t = 0;
  if (n >= 4) {
    std::uint32_t x;
    std::memcpy(&x, p, 4);
    t += x;
    p += 4;
    n -= 4;
  }
  if (n >= 2) {
    std::uint16_t x;
    std::memcpy(&x, p, 2);
    t += x;
    p += 2;
    n -= 2;
  }
  if (n != 0) {
    std::uint16_t x = 0;
    std::memcpy(&x, p, 1);
    t += x;
  }
  return (a & 0xffffffffu) + (a >> 32) + (b & 0xffffffffu) + (b >> 32) + ca + cb + t;
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
