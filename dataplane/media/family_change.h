// A relayed datagram changing IP family: a carrier on IPv6 talking to a phone
// on IPv4 (or the reverse) through the appliance. The B2BUA anchors each leg
// in its own family, so the relay re-frames the UDP datagram behind a fresh
// IP header of the outgoing leg's family; addresses, ports, TTL / hop limit
// and both checksums are then written by the relay's rewrite step as for any
// packet. Only mixed-family calls pay for it (one move of the datagram).
#pragma once

#include <cstdint>

#include "dataplane/net/packet.h"

namespace trunkline::media {

// The frame in `pkt` carries a UDP datagram at `*l4` behind an IPv4 header
// (`to_v6`) or an IPv6 one (!`to_v6`). Afterwards it carries the same
// datagram behind a header of the other family: Ethernet type, version,
// DSCP/ECN kept (TOS <-> traffic class), lengths, protocol UDP; IPv4 gets
// ID 0 with DF set (RFC 6864: an atomic datagram). `*l4` and `pkt.len` move
// with it. Addresses are left zero for the rewrite. False when the buffer
// has no room for the larger header; nothing is changed then.
bool change_family(net::PacketBuf& pkt, std::uint16_t* l4, bool to_v6);

}  // namespace trunkline::media
