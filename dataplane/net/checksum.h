// Internet checksums (RFC 1071) for the headers the dataplane writes and
// checks, over DPDK's rte_raw_cksum.
#pragma once

#include <cstddef>
#include <cstdint>

namespace trunkline::net {

// Ones'-complement checksum of `len` bytes, ready to store (network order).
std::uint16_t internet_checksum(const void* data, std::size_t len);

// IPv4 header checksum of a header of `header_len` bytes (the field itself is
// treated as zero), ready to store.
std::uint16_t ipv4_header_checksum(const std::uint8_t* ip, std::size_t header_len);

// True if the checksum stored in the data verifies (sum over all = 0xffff).
bool checksum_ok(const void* data, std::size_t len);

// Checksum of an IPv6 upper-layer packet (RFC 8200 §8.1 pseudo-header) given
// the IPv6 header and `l4_len` bytes at `l4`, with the checksum field zero.
std::uint16_t ipv6_l4_checksum(const std::uint8_t* ip6, const std::uint8_t* l4, std::size_t l4_len,
                               std::uint8_t next_header);
bool ipv6_l4_checksum_ok(const std::uint8_t* ip6, const std::uint8_t* l4, std::size_t l4_len,
                         std::uint8_t next_header);

// The same for IPv4 (RFC 768 pseudo-header) given the IPv4 header.
std::uint16_t ipv4_l4_checksum(const std::uint8_t* ip4, const std::uint8_t* l4, std::size_t l4_len,
                               std::uint8_t protocol);
bool ipv4_l4_checksum_ok(const std::uint8_t* ip4, const std::uint8_t* l4, std::size_t l4_len,
                         std::uint8_t protocol);

}  // namespace trunkline::net
