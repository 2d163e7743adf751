// Builders of test frames for the packet-path unit tests.
#pragma once

#include <arpa/inet.h>

#include <cstdint>
#include <cstring>
#include <vector>

#include "dataplane/net/addr.h"
#include "dataplane/net/checksum.h"
#include "dataplane/net/headers.h"

namespace trunkline::net::testing {

inline const MacAddr kOurMac{{0x02, 0x54, 0x4c, 0x00, 0x00, 0x01}};
inline const MacAddr kPeerMac{{0x02, 0x00, 0x00, 0x00, 0x00, 0x0a}};

struct Frame {
  alignas(8) std::uint8_t bytes[2048] = {};
  std::uint16_t len = 0;

  template <typename T>
  void put(std::uint16_t off, const T& v) {
    std::memcpy(bytes + off, &v, sizeof v);
  }
  void put_bytes(std::uint16_t off, const void* p, std::size_t n) {
    std::memcpy(bytes + off, p, n);
  }
  std::uint16_t u16(std::uint16_t off) const {
    std::uint16_t v;
    std::memcpy(&v, bytes + off, 2);
    return ntohs(v);
  }
};

inline void eth(Frame& f, const MacAddr& dst, const MacAddr& src, std::uint16_t type) {
  f.put_bytes(0, dst.b.data(), 6);
  f.put_bytes(6, src.b.data(), 6);
  f.put(12, htons(type));
}

inline Frame arp(std::uint16_t op, const MacAddr& sha, Ip4 sip, Ip4 tip,
                 const MacAddr& dst = MacAddr::broadcast()) {
  Frame f;
  eth(f, dst, sha, RTE_ETHER_TYPE_ARP);
  f.put(14, htons(1));
  f.put(16, htons(0x0800));
  f.bytes[18] = 6;
  f.bytes[19] = 4;
  f.put(20, htons(op));
  f.put_bytes(22, sha.b.data(), 6);
  f.put(28, sip.be);
  f.put(38, tip.be);
  f.len = 60;
  return f;
}

// IPv4 packet with `payload` after a 20-byte header (+ options), valid checksums.
inline Frame ipv4(Ip4 src, Ip4 dst, std::uint8_t proto, const std::vector<std::uint8_t>& payload,
                  std::uint16_t options_len = 0, const MacAddr& dst_mac = kOurMac) {
  Frame f;
  eth(f, dst_mac, kPeerMac, RTE_ETHER_TYPE_IPV4);
  const std::uint16_t hlen = static_cast<std::uint16_t>(20 + options_len);
  std::uint8_t* ip = f.bytes + 14;
  ip[0] = static_cast<std::uint8_t>(0x40 | (hlen / 4));
  f.put(16, htons(static_cast<std::uint16_t>(hlen + payload.size())));
  f.put(18, htons(0x1234));
  f.put(20, htons(0x4000));  // DF
  ip[8] = 64;
  ip[9] = proto;
  f.put(26, src.be);
  f.put(30, dst.be);
  for (std::uint16_t i = 0; i < options_len; ++i) ip[20 + i] = 1;  // NOP options
  f.put(24, ipv4_header_checksum(ip, hlen));
  f.put_bytes(static_cast<std::uint16_t>(14 + hlen), payload.data(), payload.size());
  f.len = static_cast<std::uint16_t>(14 + hlen + payload.size());
  if (f.len < 60) f.len = 60;  // Ethernet padding
  return f;
}

inline std::vector<std::uint8_t> icmp_echo(std::uint8_t type, std::uint16_t id, std::uint16_t seq,
                                           std::size_t data_len = 32) {
  std::vector<std::uint8_t> v(8 + data_len);
  v[0] = type;
  v[4] = static_cast<std::uint8_t>(id >> 8);
  v[5] = static_cast<std::uint8_t>(id);
  v[6] = static_cast<std::uint8_t>(seq >> 8);
  v[7] = static_cast<std::uint8_t>(seq);
  for (std::size_t i = 0; i < data_len; ++i) v[8 + i] = static_cast<std::uint8_t>(i);
  const std::uint16_t sum = internet_checksum(v.data(), v.size());
  std::memcpy(&v[2], &sum, 2);
  return v;
}

// IPv6 packet; for ICMPv6 the checksum at payload[2..3] is filled in.
inline Frame ipv6(const Ip6& src, const Ip6& dst, std::uint8_t nh,
                  std::vector<std::uint8_t> payload, std::uint8_t hop_limit = 64,
                  const MacAddr& dst_mac = kOurMac) {
  Frame f;
  eth(f, dst_mac, kPeerMac, RTE_ETHER_TYPE_IPV6);
  std::uint8_t* ip = f.bytes + 14;
  ip[0] = 0x60;
  f.put(18, htons(static_cast<std::uint16_t>(payload.size())));
  ip[6] = nh;
  ip[7] = hop_limit;
  f.put_bytes(22, src.b.data(), 16);
  f.put_bytes(38, dst.b.data(), 16);
  if (nh == kIpProtoIcmp6 && payload.size() >= 4) {
    payload[2] = payload[3] = 0;
    const std::uint16_t sum = ipv6_l4_checksum(ip, payload.data(), payload.size(), nh);
    std::memcpy(&payload[2], &sum, 2);
  }
  f.put_bytes(54, payload.data(), payload.size());
  f.len = static_cast<std::uint16_t>(54 + payload.size());
  return f;
}

inline std::vector<std::uint8_t> neighbor_solicit(const Ip6& target, const MacAddr* sllao) {
  std::vector<std::uint8_t> v(24);
  v[0] = kIcmp6NeighborSolicit;
  std::memcpy(&v[8], target.b.data(), 16);
  if (sllao != nullptr) {
    v.insert(v.end(), {kNdOptSourceLinkAddr, 1});
    v.insert(v.end(), sllao->b.begin(), sllao->b.end());
  }
  return v;
}

inline std::vector<std::uint8_t> neighbor_advert(const Ip6& target, const MacAddr& tllao,
                                                 bool solicited) {
  std::vector<std::uint8_t> v(24);
  v[0] = kIcmp6NeighborAdvert;
  v[4] = static_cast<std::uint8_t>(solicited ? 0x60 : 0x20);
  std::memcpy(&v[8], target.b.data(), 16);
  v.insert(v.end(), {kNdOptTargetLinkAddr, 1});
  v.insert(v.end(), tllao.b.begin(), tllao.b.end());
  return v;
}

}  // namespace trunkline::net::testing
