// What a port owns: its MAC and its IPv4/IPv6 addresses (plus the IPv6
// link-local address derived from the MAC). Built at start-up, read-only on
// the packet path.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "dataplane/net/addr.h"

namespace trunkline::net {

struct Interface {
  std::string name;
  MacAddr mac;
  std::vector<Prefix4> v4;
  std::vector<Prefix6> v6;  // the link-local address is added by make_interface

  bool owns(Ip4 a) const {
    for (const Prefix4& p : v4)
      if (p.addr == a) return true;
    return false;
  }
  bool owns(const Ip6& a) const {
    for (const Prefix6& p : v6)
      if (p.addr == a) return true;
    return false;
  }
  // ff02::1:ffXX:XXXX of one of our addresses.
  bool is_our_solicited_node(const Ip6& group) const {
    for (const Prefix6& p : v6)
      if (p.addr.solicited_node() == group) return true;
    return false;
  }
  // Our address to send from towards `dst`: the one whose prefix holds it,
  // else the first. Null if the port has no address of that family.
  const Ip4* source_for(Ip4 dst) const {
    for (const Prefix4& p : v4)
      if (p.contains(dst)) return &p.addr;
    return v4.empty() ? nullptr : &v4.front().addr;
  }
  const Ip6* source_for(const Ip6& dst) const {
    for (const Prefix6& p : v6)
      if (p.contains(dst) && p.addr.is_link_local() == dst.is_link_local()) return &p.addr;
    return v6.empty() ? nullptr : &v6.front().addr;
  }
};

inline Interface make_interface(std::string name, const MacAddr& mac, std::vector<Prefix4> v4,
                                std::vector<Prefix6> v6) {
  Interface i{std::move(name), mac, std::move(v4), std::move(v6)};
  i.v6.push_back(Prefix6{Ip6::link_local_from(mac), 64});
  return i;
}

}  // namespace trunkline::net
