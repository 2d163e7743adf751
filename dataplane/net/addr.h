// Addresses the dataplane owns or talks to: MAC, IPv4, IPv6, and an IP
// address of either family (the key of the neighbour table).
#pragma once

#include <array>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>

namespace trunkline::net {

struct MacAddr {
  std::array<std::uint8_t, 6> b{};
  bool operator==(const MacAddr&) const = default;
  bool is_multicast() const { return (b[0] & 0x01) != 0; }
  bool is_zero() const { return b == std::array<std::uint8_t, 6>{}; }
  static MacAddr broadcast() { return MacAddr{{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}}; }
  std::string to_string() const;
  static std::optional<MacAddr> parse(std::string_view text);
};

// IPv4 address in network byte order, as it sits in a packet.
struct Ip4 {
  std::uint32_t be = 0;
  bool operator==(const Ip4&) const = default;
  std::string to_string() const;
  static std::optional<Ip4> parse(std::string_view text);
};

struct Ip6 {
  std::array<std::uint8_t, 16> b{};
  bool operator==(const Ip6&) const = default;
  bool is_multicast() const { return b[0] == 0xff; }
  bool is_unspecified() const { return b == std::array<std::uint8_t, 16>{}; }
  bool is_link_local() const { return b[0] == 0xfe && (b[1] & 0xc0) == 0x80; }
  // ff02::1:ffXX:XXXX for this address (RFC 4291 §2.7.1).
  Ip6 solicited_node() const;
  // fe80::/64 with the modified EUI-64 interface ID of `mac` (RFC 4291 App. A).
  static Ip6 link_local_from(const MacAddr& mac);
  std::string to_string() const;
  static std::optional<Ip6> parse(std::string_view text);
};

// ff02::1, the all-nodes group.
inline constexpr Ip6 kAllNodes{{0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01}};

// 33:33:xx:xx:xx:xx for an IPv6 multicast group (RFC 2464 §7).
MacAddr multicast_mac(const Ip6& group);

struct Prefix4 {
  Ip4 addr;
  std::uint8_t len = 32;
  bool contains(Ip4 other) const;
  static std::optional<Prefix4> parse(std::string_view text);  // "198.51.100.1/24"
};

struct Prefix6 {
  Ip6 addr;
  std::uint8_t len = 128;
  bool contains(const Ip6& other) const;
  static std::optional<Prefix6> parse(std::string_view text);  // "2001:db8::1/64"
};

// Either family, 16 bytes (IPv4 mapped as ::ffff:a.b.c.d), for hashing.
struct IpKey {
  std::array<std::uint8_t, 16> b{};
  bool operator==(const IpKey&) const = default;
  static IpKey of(Ip4 a);
  static IpKey of(const Ip6& a);
  bool is_v4() const;
  std::string to_string() const;
};

}  // namespace trunkline::net
