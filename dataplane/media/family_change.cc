#include "dataplane/media/family_change.h"

#include <arpa/inet.h>

#include <cstring>

#include "dataplane/net/headers.h"

namespace trunkline::media {

namespace {
constexpr std::uint16_t kV4Hdr = 20;
constexpr std::uint16_t kV6Hdr = 40;
}  // namespace

bool change_family(net::PacketBuf& pkt, std::uint16_t* l4, bool to_v6) {
  const std::uint16_t old_l4 = *l4;
  if (pkt.len < old_l4) return false;
  const auto udp_len = static_cast<std::uint16_t>(pkt.len - old_l4);
  const std::uint16_t new_l4 = net::kEthHdr + (to_v6 ? kV6Hdr : kV4Hdr);
  if (new_l4 + udp_len > pkt.room) return false;
  std::uint8_t* ip = pkt.data + net::kEthHdr;
  // DSCP and ECN travel: IPv4's TOS byte is IPv6's traffic class.
  const std::uint8_t tclass =
      to_v6 ? ip[1] : static_cast<std::uint8_t>((ip[0] & 0x0f) << 4 | ip[1] >> 4);
  std::memmove(pkt.data + new_l4, pkt.data + old_l4, udp_len);
  std::memset(ip, 0, new_l4 - net::kEthHdr);
  if (to_v6) {
    pkt.data[12] = 0x86;
    pkt.data[13] = 0xdd;
    ip[0] = static_cast<std::uint8_t>(0x60 | tclass >> 4);
    ip[1] = static_cast<std::uint8_t>(tclass << 4);
    const std::uint16_t plen = htons(udp_len);
    std::memcpy(ip + 4, &plen, 2);
    ip[6] = net::kIpProtoUdp;
  } else {
    pkt.data[12] = 0x08;
    pkt.data[13] = 0x00;
    ip[0] = 0x45;
    ip[1] = tclass;
    const std::uint16_t total = htons(static_cast<std::uint16_t>(kV4Hdr + udp_len));
    std::memcpy(ip + 2, &total, 2);
    ip[6] = 0x40;  // DF
    ip[9] = net::kIpProtoUdp;
  }
  *l4 = new_l4;
  pkt.len = static_cast<std::uint16_t>(new_l4 + udp_len);
  return true;
}

}  // namespace trunkline::media
