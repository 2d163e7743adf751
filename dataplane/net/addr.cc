#include "dataplane/net/addr.h"

#include <arpa/inet.h>

#include <cstdio>

namespace trunkline::net {

std::string MacAddr::to_string() const {
  char s[18];
  std::snprintf(s, sizeof s, "%02x:%02x:%02x:%02x:%02x:%02x", b[0], b[1], b[2], b[3], b[4], b[5]);
  return s;
}

std::optional<MacAddr> MacAddr::parse(std::string_view text) {
  if (text.size() != 17) return std::nullopt;
  MacAddr m;
  for (int i = 0; i < 6; ++i) {
    auto hex = [](char c) -> int {
      if (c >= '0' && c <= '9') return c - '0';
      if (c >= 'a' && c <= 'f') return c - 'a' + 10;
      if (c >= 'A' && c <= 'F') return c - 'A' + 10;
      return -1;
    };
    int hi = hex(text[i * 3]), lo = hex(text[i * 3 + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    if (i < 5 && text[i * 3 + 2] != ':') return std::nullopt;
    m.b[i] = static_cast<std::uint8_t>(hi << 4 | lo);
  }
  return m;
}

std::string Ip4::to_string() const {
  char s[INET_ADDRSTRLEN];
  inet_ntop(AF_INET, &be, s, sizeof s);
  return s;
}

std::optional<Ip4> Ip4::parse(std::string_view text) {
  std::string z(text);
  Ip4 a;
  if (inet_pton(AF_INET, z.c_str(), &a.be) != 1) return std::nullopt;
  return a;
}

Ip6 Ip6::solicited_node() const {
  Ip6 m;
  m.b = {0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01, 0xff, b[13], b[14], b[15]};
  return m;
}

Ip6 Ip6::link_local_from(const MacAddr& mac) {
  Ip6 a;
  a.b = {0xfe,     0x80,     0,
         0,        0,        0,
         0,        0,        static_cast<std::uint8_t>(mac.b[0] ^ 0x02),
         mac.b[1], mac.b[2], 0xff,
         0xfe,     mac.b[3], mac.b[4],
         mac.b[5]};
  return a;
}

std::string Ip6::to_string() const {
  char s[INET6_ADDRSTRLEN];
  inet_ntop(AF_INET6, b.data(), s, sizeof s);
  return s;
}

std::optional<Ip6> Ip6::parse(std::string_view text) {
  std::string z(text);
  Ip6 a;
  if (inet_pton(AF_INET6, z.c_str(), a.b.data()) != 1) return std::nullopt;
  return a;
}

MacAddr multicast_mac(const Ip6& group) {
  return MacAddr{{0x33, 0x33, group.b[12], group.b[13], group.b[14], group.b[15]}};
}

namespace {

bool split_prefix(std::string_view text, std::string_view* addr, int* len, int max) {
  auto slash = text.find('/');
  if (slash == std::string_view::npos) {
    *addr = text;
    *len = max;
    return true;
  }
  *addr = text.substr(0, slash);
  auto digits = text.substr(slash + 1);
  if (digits.empty() || digits.size() > 3) return false;
  int v = 0;
  for (char c : digits) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  if (v > max) return false;
  *len = v;
  return true;
}

}  // namespace

bool Prefix4::contains(Ip4 other) const {
  if (len == 0) return true;
  const std::uint32_t mask = htonl(~std::uint32_t{0} << (32 - len));
  return (addr.be & mask) == (other.be & mask);
}

std::optional<Prefix4> Prefix4::parse(std::string_view text) {
  std::string_view a;
  int len = 0;
  if (!split_prefix(text, &a, &len, 32)) return std::nullopt;
  auto ip = Ip4::parse(a);
  if (!ip) return std::nullopt;
  return Prefix4{*ip, static_cast<std::uint8_t>(len)};
}

bool Prefix6::contains(const Ip6& other) const {
  int full = len / 8, rest = len % 8;
  if (std::memcmp(addr.b.data(), other.b.data(), full) != 0) return false;
  if (rest == 0) return true;
  const std::uint8_t mask = static_cast<std::uint8_t>(0xff << (8 - rest));
  return (addr.b[full] & mask) == (other.b[full] & mask);
}

std::optional<Prefix6> Prefix6::parse(std::string_view text) {
  std::string_view a;
  int len = 0;
  if (!split_prefix(text, &a, &len, 128)) return std::nullopt;
  auto ip = Ip6::parse(a);
  if (!ip) return std::nullopt;
  return Prefix6{*ip, static_cast<std::uint8_t>(len)};
}

IpKey IpKey::of(Ip4 a) {
  IpKey k;
  k.b[10] = 0xff;
  k.b[11] = 0xff;
  std::memcpy(&k.b[12], &a.be, 4);
  return k;
}

IpKey IpKey::of(const Ip6& a) {
  IpKey k;
  k.b = a.b;
  return k;
}

bool IpKey::is_v4() const {
  static constexpr std::uint8_t kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  return std::memcmp(b.data(), kMapped, 12) == 0;
}

std::string IpKey::to_string() const {
  if (is_v4()) {
    Ip4 a;
    std::memcpy(&a.be, &b[12], 4);
    return a.to_string();
  }
  Ip6 a;
  a.b = b;
  return a.to_string();
}

}  // namespace trunkline::net
