#include "dataplane/net/checksum.h"

#include <arpa/inet.h>
#include <rte_ip.h>

#include <cstring>

namespace trunkline::net {

namespace {

std::uint32_t fold(std::uint32_t sum) {
  sum = (sum & 0xffff) + (sum >> 16);
  sum = (sum & 0xffff) + (sum >> 16);
  return sum;
}

// Sum of the IPv6 pseudo-header: source, destination, length, next header.
std::uint32_t ipv6_pseudo_sum(const std::uint8_t* ip6, std::size_t l4_len, std::uint8_t nh) {
  std::uint32_t sum = rte_raw_cksum(ip6 + 8, 32);
  const std::uint32_t be_len = htonl(static_cast<std::uint32_t>(l4_len));
  const std::uint32_t be_nh = htonl(nh);
  sum += rte_raw_cksum(&be_len, 4);
  sum += rte_raw_cksum(&be_nh, 4);
  return sum;
}

// Sum of the IPv4 pseudo-header: source, destination, protocol, length.
std::uint32_t ipv4_pseudo_sum(const std::uint8_t* ip4, std::size_t l4_len, std::uint8_t proto) {
  std::uint32_t sum = rte_raw_cksum(ip4 + 12, 8);
  const std::uint16_t be[2] = {htons(proto), htons(static_cast<std::uint16_t>(l4_len))};
  sum += rte_raw_cksum(be, 4);
  return sum;
}

}  // namespace

std::uint16_t ipv4_l4_checksum(const std::uint8_t* ip4, const std::uint8_t* l4, std::size_t l4_len,
                               std::uint8_t protocol) {
  std::uint32_t sum = ipv4_pseudo_sum(ip4, l4_len, protocol) + rte_raw_cksum(l4, l4_len);
  return static_cast<std::uint16_t>(~fold(sum));
}

bool ipv4_l4_checksum_ok(const std::uint8_t* ip4, const std::uint8_t* l4, std::size_t l4_len,
                         std::uint8_t protocol) {
  std::uint32_t sum = ipv4_pseudo_sum(ip4, l4_len, protocol) + rte_raw_cksum(l4, l4_len);
  return fold(sum) == 0xffff;
}

std::uint16_t internet_checksum(const void* data, std::size_t len) {
  // rte_raw_cksum sums 16-bit words in host order; the complement of the folded
  // sum is stored as-is (the byte order works out, RFC 1071 §2(B)).
  return static_cast<std::uint16_t>(~rte_raw_cksum(data, len));
}

bool checksum_ok(const void* data, std::size_t len) { return rte_raw_cksum(data, len) == 0xffff; }

std::uint16_t ipv4_header_checksum(const std::uint8_t* ip, std::size_t header_len) {
  std::uint32_t sum = rte_raw_cksum(ip, 10) + rte_raw_cksum(ip + 12, header_len - 12);
  return static_cast<std::uint16_t>(~fold(sum));
}

std::uint16_t ipv6_l4_checksum(const std::uint8_t* ip6, const std::uint8_t* l4, std::size_t l4_len,
                               std::uint8_t next_header) {
  std::uint32_t sum = ipv6_pseudo_sum(ip6, l4_len, next_header) + rte_raw_cksum(l4, l4_len);
  return static_cast<std::uint16_t>(~fold(sum));
}

bool ipv6_l4_checksum_ok(const std::uint8_t* ip6, const std::uint8_t* l4, std::size_t l4_len,
                         std::uint8_t next_header) {
  std::uint32_t sum = ipv6_pseudo_sum(ip6, l4_len, next_header) + rte_raw_cksum(l4, l4_len);
  return fold(sum) == 0xffff;
}

}  // namespace trunkline::net
