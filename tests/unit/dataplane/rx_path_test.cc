// The packet path, frame by frame: what is answered, passed on, or dropped,
// and that every reply is well-formed.
#include <gtest/gtest.h>

#include "dataplane/net/path.h"
#include "frames.h"

namespace trunkline::net {
namespace {

using namespace testing;

const Ip4 kOur4 = *Ip4::parse("198.51.100.1");
const Ip4 kPeer4 = *Ip4::parse("198.51.100.10");
const Ip4 kOther4 = *Ip4::parse("198.51.100.99");
const Ip6 kOur6 = *Ip6::parse("2001:db8:100::1");
const Ip6 kPeer6 = *Ip6::parse("2001:db8:100::10");

class RxPath : public ::testing::Test {
 protected:
  RxPath()
      : ifc_(make_interface("trunk0", kOurMac, {*Prefix4::parse("198.51.100.1/24")},
                            {*Prefix6::parse("2001:db8:100::1/64")})),
        neigh_(NeighbourParams{}, &c_) {}

  Verdict run(Frame& f) {
    PathContext p{ifc_, neigh_, c_, 1000};
    PacketBuf b{f.bytes, f.len, sizeof f.bytes};
    Verdict v = process_rx(p, b);
    f.len = b.len;
    return v;
  }

  Interface ifc_;
  Counters c_;
  NeighbourTable neigh_;
};

TEST_F(RxPath, ArpRequestForUsIsAnsweredAndTheSenderLearned) {
  Frame f = arp(1, kPeerMac, kPeer4, kOur4);
  ASSERT_EQ(run(f), Verdict::kReply);
  EXPECT_EQ(std::memcmp(f.bytes, kPeerMac.b.data(), 6), 0) << "to the requester";
  EXPECT_EQ(std::memcmp(f.bytes + 6, kOurMac.b.data(), 6), 0);
  EXPECT_EQ(f.u16(20), 2) << "opcode reply";
  EXPECT_EQ(std::memcmp(f.bytes + 22, kOurMac.b.data(), 6), 0) << "sender hw = us";
  Ip4 sip, tip;
  std::memcpy(&sip.be, f.bytes + 28, 4);
  std::memcpy(&tip.be, f.bytes + 38, 4);
  EXPECT_EQ(sip, kOur4);
  EXPECT_EQ(tip, kPeer4);
  EXPECT_EQ(std::memcmp(f.bytes + 32, kPeerMac.b.data(), 6), 0);
  EXPECT_EQ(c_.arp_request_in.load(), 1u);
  EXPECT_EQ(c_.arp_reply_out.load(), 1u);
  ASSERT_NE(neigh_.find(IpKey::of(kPeer4)), nullptr);
  EXPECT_EQ(neigh_.find(IpKey::of(kPeer4))->mac, kPeerMac);
}

TEST_F(RxPath, ArpForAnotherHostIsDroppedWithoutLearning) {
  Frame f = arp(1, kPeerMac, kPeer4, kOther4);
  EXPECT_EQ(run(f), Verdict::kDrop);
  EXPECT_EQ(c_.drop_not_for_us.load(), 1u);
  EXPECT_EQ(neigh_.find(IpKey::of(kPeer4)), nullptr);
}

TEST_F(RxPath, ArpReplyIsLearnedAsConfirmedAndPassedToTheKernel) {
  Frame f = arp(2, kPeerMac, kPeer4, kOur4, kOurMac);
  EXPECT_EQ(run(f), Verdict::kToKernel);
  EXPECT_EQ(neigh_.find(IpKey::of(kPeer4))->state, NeighState::kReachable);
  EXPECT_EQ(c_.arp_reply_in.load(), 1u);
}

TEST_F(RxPath, ArpClaimingOurAddressIsAConflict) {
  Frame f = arp(1, kPeerMac, kOur4, kOur4);
  EXPECT_EQ(run(f), Verdict::kDrop);
  EXPECT_EQ(c_.arp_conflict.load(), 1u);
}

TEST_F(RxPath, ArpWithWrongHardwareTypeOrTooShortIsDropped) {
  Frame f = arp(1, kPeerMac, kPeer4, kOur4);
  f.put(14, htons(6));  // IEEE 802
  EXPECT_EQ(run(f), Verdict::kDrop);
  EXPECT_EQ(c_.drop_bad_arp.load(), 1u);
  Frame g = arp(1, kPeerMac, kPeer4, kOur4);
  g.len = 30;
  EXPECT_EQ(run(g), Verdict::kDrop);
  EXPECT_EQ(c_.drop_truncated.load(), 1u);
}

TEST_F(RxPath, EchoRequestIsAnsweredWithValidChecksums) {
  Frame f = ipv4(kPeer4, kOur4, kIpProtoIcmp, icmp_echo(8, 0x77, 3, 56));
  ASSERT_EQ(run(f), Verdict::kReply);
  EXPECT_EQ(f.len, 14 + 20 + 64) << "padding trimmed, same size as the request";
  EXPECT_EQ(std::memcmp(f.bytes, kPeerMac.b.data(), 6), 0);
  EXPECT_TRUE(checksum_ok(f.bytes + 14, 20));
  EXPECT_TRUE(checksum_ok(f.bytes + 34, 64));
  EXPECT_EQ(f.bytes[34], 0) << "echo reply";
  EXPECT_EQ(f.u16(38), 0x77) << "identifier kept";
  EXPECT_EQ(f.u16(40), 3) << "sequence kept";
  Ip4 src, dst;
  std::memcpy(&src.be, f.bytes + 26, 4);
  std::memcpy(&dst.be, f.bytes + 30, 4);
  EXPECT_EQ(src, kOur4);
  EXPECT_EQ(dst, kPeer4);
  EXPECT_EQ(c_.icmp_echo_reply_out.load(), 1u);
}

TEST_F(RxPath, MalformedIpv4IsCountedByReason) {
  struct Case {
    const char* what;
    void (*mutate)(Frame&);
    std::atomic<std::uint64_t> Counters::*counter;
  };
  const Case cases[] = {
      {"bad header checksum", [](Frame& f) { f.bytes[24] ^= 0xff; },
       &Counters::drop_bad_ip_checksum},
      {"bad ICMP checksum", [](Frame& f) { f.bytes[40] ^= 0x01; }, &Counters::drop_bad_l4_checksum},
      {"total length past the frame",
       [](Frame& f) {
         f.put(16, htons(1400));
         f.put(24, std::uint16_t{0});
         f.put(24, ipv4_header_checksum(f.bytes + 14, 20));
       },
       &Counters::drop_bad_length},
      {"header length 16", [](Frame& f) { f.bytes[14] = 0x44; }, &Counters::drop_bad_header_length},
      {"version 5", [](Frame& f) { f.bytes[14] = 0x55; }, &Counters::drop_bad_version},
      {"truncated in the IP header", [](Frame& f) { f.len = 14 + 12; }, &Counters::drop_truncated},
      {"truncated Ethernet", [](Frame& f) { f.len = 10; }, &Counters::drop_truncated},
      {"fragment",
       [](Frame& f) {
         f.put(20, htons(0x2000));  // MF
         f.put(24, std::uint16_t{0});
         f.put(24, ipv4_header_checksum(f.bytes + 14, 20));
       },
       &Counters::drop_fragment},
  };
  for (const Case& k : cases) {
    Counters before_snapshot;
    Frame f = ipv4(kPeer4, kOur4, kIpProtoIcmp, icmp_echo(8, 1, 1));
    k.mutate(f);
    const std::uint64_t before = (c_.*k.counter).load();
    EXPECT_EQ(run(f), Verdict::kDrop) << k.what;
    EXPECT_EQ((c_.*k.counter).load(), before + 1) << k.what;
  }
  EXPECT_EQ(c_.icmp_echo_reply_out.load(), 0u);
}

TEST_F(RxPath, AddressingDecidesBeforeProtocol) {
  Frame other = ipv4(kPeer4, kOther4, kIpProtoIcmp, icmp_echo(8, 1, 1));
  EXPECT_EQ(run(other), Verdict::kDrop);
  EXPECT_EQ(c_.drop_not_for_us.load(), 1u);
  Frame spoof = ipv4(kOur4, kOur4, kIpProtoIcmp, icmp_echo(8, 1, 1));
  EXPECT_EQ(run(spoof), Verdict::kDrop);
  EXPECT_EQ(c_.drop_bad_source.load(), 1u);
  Frame wrong_mac = ipv4(kPeer4, kOur4, kIpProtoIcmp, icmp_echo(8, 1, 1), 0, kPeerMac);
  EXPECT_EQ(run(wrong_mac), Verdict::kDrop);
  EXPECT_EQ(c_.drop_not_for_us.load(), 2u);
}

TEST_F(RxPath, TcpUdpOtherIcmpAndOptionsGoToTheKernel) {
  Frame tcp = ipv4(kPeer4, kOur4, kIpProtoTcp, std::vector<std::uint8_t>(20));
  EXPECT_EQ(run(tcp), Verdict::kToKernel);
  // UDP to a port the fast path does not serve (checksum 0: none, allowed on IPv4).
  Frame udp = ipv4(kPeer4, kOur4, kIpProtoUdp, {0x13, 0x88, 0x1f, 0x90, 0, 8, 0, 0});
  EXPECT_EQ(run(udp), Verdict::kToKernel);
  Frame bad_udp = ipv4(kPeer4, kOur4, kIpProtoUdp, {0x13, 0x88, 0x1f, 0x90, 0, 9, 0, 0});
  EXPECT_EQ(run(bad_udp), Verdict::kDrop) << "UDP length past the IP payload";
  Frame unreach = ipv4(kPeer4, kOur4, kIpProtoIcmp, icmp_echo(3, 0, 0));
  EXPECT_EQ(run(unreach), Verdict::kToKernel);
  Frame opts = ipv4(kPeer4, kOur4, kIpProtoIcmp, icmp_echo(8, 1, 1), 4);
  EXPECT_EQ(run(opts), Verdict::kToKernel);
  Frame gre = ipv4(kPeer4, kOur4, 47, std::vector<std::uint8_t>(8));
  EXPECT_EQ(run(gre), Verdict::kDrop);
  EXPECT_EQ(c_.drop_unknown_protocol.load(), 1u);
}

TEST_F(RxPath, UnknownEthertypeIsDropped) {
  Frame f = ipv4(kPeer4, kOur4, kIpProtoIcmp, icmp_echo(8, 1, 1));
  f.put(12, htons(0x88cc));  // LLDP
  EXPECT_EQ(run(f), Verdict::kDrop);
  EXPECT_EQ(c_.drop_unknown_ethertype.load(), 1u);
}

TEST_F(RxPath, Icmp6EchoIsAnsweredWithAValidChecksum) {
  auto echo = icmp_echo(kIcmp6EchoRequest, 9, 4);
  Frame f = ipv6(kPeer6, kOur6, kIpProtoIcmp6, echo);
  ASSERT_EQ(run(f), Verdict::kReply);
  EXPECT_EQ(f.bytes[54], kIcmp6EchoReply);
  EXPECT_TRUE(ipv6_l4_checksum_ok(f.bytes + 14, f.bytes + 54, f.len - 54, kIpProtoIcmp6));
  Ip6 src;
  std::memcpy(src.b.data(), f.bytes + 22, 16);
  EXPECT_EQ(src, kOur6);
  EXPECT_EQ(c_.icmp6_echo_reply_out.load(), 1u);
}

TEST_F(RxPath, Icmp6WithBadChecksumIsDropped) {
  Frame f = ipv6(kPeer6, kOur6, kIpProtoIcmp6, icmp_echo(kIcmp6EchoRequest, 9, 4));
  f.bytes[60] ^= 1;
  EXPECT_EQ(run(f), Verdict::kDrop);
  EXPECT_EQ(c_.drop_bad_l4_checksum.load(), 1u);
}

TEST_F(RxPath, NeighborSolicitationIsAnsweredWithAnAdvertisement) {
  Frame f = ipv6(kPeer6, kOur6.solicited_node(), kIpProtoIcmp6, neighbor_solicit(kOur6, &kPeerMac),
                 255, multicast_mac(kOur6.solicited_node()));
  ASSERT_EQ(run(f), Verdict::kReply);
  ASSERT_EQ(f.len, 14 + 40 + 32);
  EXPECT_EQ(std::memcmp(f.bytes, kPeerMac.b.data(), 6), 0) << "to the SLLAO";
  EXPECT_EQ(f.bytes[54], kIcmp6NeighborAdvert);
  EXPECT_EQ(f.bytes[21], 255) << "hop limit";
  EXPECT_EQ(f.bytes[58], 0x60) << "solicited + override";
  EXPECT_EQ(std::memcmp(f.bytes + 62, kOur6.b.data(), 16), 0) << "target";
  EXPECT_EQ(f.bytes[78], kNdOptTargetLinkAddr);
  EXPECT_EQ(std::memcmp(f.bytes + 80, kOurMac.b.data(), 6), 0);
  EXPECT_TRUE(ipv6_l4_checksum_ok(f.bytes + 14, f.bytes + 54, 32, kIpProtoIcmp6));
  EXPECT_EQ(neigh_.find(IpKey::of(kPeer6))->state, NeighState::kStale);
}

TEST_F(RxPath, SolicitationWithoutSllaoGrowsTheFrameForTheOption) {
  Frame f = ipv6(kPeer6, kOur6, kIpProtoIcmp6, neighbor_solicit(kOur6, nullptr), 255);
  ASSERT_EQ(f.len, 14 + 40 + 24);
  ASSERT_EQ(run(f), Verdict::kReply);
  EXPECT_EQ(f.len, 14 + 40 + 32);
  EXPECT_EQ(std::memcmp(f.bytes, kPeerMac.b.data(), 6), 0) << "to the frame's source";
  EXPECT_TRUE(ipv6_l4_checksum_ok(f.bytes + 14, f.bytes + 54, 32, kIpProtoIcmp6));
}

TEST_F(RxPath, DadProbeForOurAddressIsDefendedToAllNodes) {
  Frame f = ipv6(Ip6{}, kOur6.solicited_node(), kIpProtoIcmp6, neighbor_solicit(kOur6, nullptr),
                 255, multicast_mac(kOur6.solicited_node()));
  ASSERT_EQ(run(f), Verdict::kReply);
  EXPECT_EQ(std::memcmp(f.bytes + 38, kAllNodes.b.data(), 16), 0);
  EXPECT_EQ(f.bytes[58], 0x20) << "override only, not solicited";
}

TEST_F(RxPath, NdWithWrongHopLimitOrZeroLengthOptionIsRejected) {
  Frame hop = ipv6(kPeer6, kOur6, kIpProtoIcmp6, neighbor_solicit(kOur6, &kPeerMac), 254);
  EXPECT_EQ(run(hop), Verdict::kDrop);
  auto ns = neighbor_solicit(kOur6, &kPeerMac);
  ns[25] = 0;  // option length 0
  Frame zero = ipv6(kPeer6, kOur6, kIpProtoIcmp6, ns, 255);
  EXPECT_EQ(run(zero), Verdict::kDrop);
  EXPECT_EQ(c_.drop_bad_nd.load(), 2u);
}

TEST_F(RxPath, SolicitedAdvertisementIsLearnedAndPassedOn) {
  Frame f = ipv6(kPeer6, kOur6, kIpProtoIcmp6, neighbor_advert(kPeer6, kPeerMac, true), 255);
  EXPECT_EQ(run(f), Verdict::kToKernel);
  ASSERT_NE(neigh_.find(IpKey::of(kPeer6)), nullptr);
  EXPECT_EQ(neigh_.find(IpKey::of(kPeer6))->state, NeighState::kReachable);
}

TEST_F(RxPath, Ipv6FragmentAndForeignUnicastAreDropped) {
  Frame frag = ipv6(kPeer6, kOur6, kIp6Fragment, std::vector<std::uint8_t>(16));
  EXPECT_EQ(run(frag), Verdict::kDrop);
  EXPECT_EQ(c_.drop_fragment.load(), 1u);
  Frame other =
      ipv6(kPeer6, *Ip6::parse("2001:db8:100::99"), kIpProtoUdp, std::vector<std::uint8_t>(8));
  EXPECT_EQ(run(other), Verdict::kDrop);
  EXPECT_EQ(c_.drop_not_for_us.load(), 1u);
  Frame liar = ipv6(kPeer6, kOur6, kIpProtoUdp, std::vector<std::uint8_t>(8));
  liar.put(18, htons(900));  // payload length past the frame
  EXPECT_EQ(run(liar), Verdict::kDrop);
  EXPECT_EQ(c_.drop_bad_length.load(), 1u);
}

TEST_F(RxPath, ProbesAreWellFormed) {
  std::uint8_t out[128] = {};
  ASSERT_EQ(build_arp_request(ifc_, kPeer4, out), 60);
  EXPECT_EQ(std::memcmp(out, MacAddr::broadcast().b.data(), 6), 0);
  Ip4 sip;
  std::memcpy(&sip.be, out + 28, 4);
  EXPECT_EQ(sip, kOur4);

  const std::uint16_t n = build_neighbor_solicit(ifc_, kPeer6, out);
  ASSERT_EQ(n, 14 + 40 + 32);
  EXPECT_EQ(std::memcmp(out + 38, kPeer6.solicited_node().b.data(), 16), 0);
  EXPECT_EQ(std::memcmp(out, multicast_mac(kPeer6.solicited_node()).b.data(), 6), 0);
  EXPECT_TRUE(ipv6_l4_checksum_ok(out + 14, out + 54, 32, kIpProtoIcmp6));
  // Fed back to a second appliance that owns kPeer6, it is answered.
  Interface peer = make_interface("peer", kPeerMac, {}, {*Prefix6::parse("2001:db8:100::10/64")});
  Counters pc;
  NeighbourTable pn(NeighbourParams{}, &pc);
  PathContext p{peer, pn, pc, 0};
  alignas(8) std::uint8_t buf[128];
  std::memcpy(buf, out, n);
  PacketBuf b{buf, n, sizeof buf};
  EXPECT_EQ(process_rx(p, b), Verdict::kReply);
  EXPECT_EQ(pc.nd_advert_out.load(), 1u);
}

}  // namespace
}  // namespace trunkline::net

namespace trunkline::net {
namespace {

using namespace testing;

std::vector<std::uint8_t> udp(std::uint16_t sport, std::uint16_t dport, std::string_view payload) {
  const std::uint16_t len = static_cast<std::uint16_t>(8 + payload.size());
  std::vector<std::uint8_t> v = {static_cast<std::uint8_t>(sport >> 8),
                                 static_cast<std::uint8_t>(sport),
                                 static_cast<std::uint8_t>(dport >> 8),
                                 static_cast<std::uint8_t>(dport),
                                 static_cast<std::uint8_t>(len >> 8),
                                 static_cast<std::uint8_t>(len),
                                 0,
                                 0};
  v.insert(v.end(), payload.begin(), payload.end());
  return v;
}

TEST(RxPathSip, SipPortGoesToControlWithItsPayloadAndChecksumIsChecked) {
  Interface ifc = make_interface("t", kOurMac, {*Prefix4::parse("198.51.100.1/24")}, {});
  Counters c;
  NeighbourTable n(NeighbourParams{}, &c);
  PathContext p{ifc, n, c, 0, 5060};
  Frame f = ipv4(*Ip4::parse("198.51.100.10"), *Ip4::parse("198.51.100.1"), kIpProtoUdp,
                 udp(5060, 5060, "OPTIONS sip:x SIP/2.0\r\n\r\n"));
  // A real UDP checksum over the pseudo-header.
  const std::uint16_t sum = ipv4_l4_checksum(f.bytes + 14, f.bytes + 34, f.u16(38), kIpProtoUdp);
  f.put(40, sum);
  PacketBuf b{f.bytes, f.len, sizeof f.bytes};
  ASSERT_EQ(process_rx(p, b), Verdict::kToControl);
  EXPECT_EQ(b.l4_payload, 42);
  EXPECT_EQ(std::string_view(reinterpret_cast<char*>(f.bytes + 42), 7), "OPTIONS");
  f.bytes[50] ^= 1;
  PacketBuf b2{f.bytes, f.len, sizeof f.bytes};
  EXPECT_EQ(process_rx(p, b2), Verdict::kDrop);
  EXPECT_EQ(c.drop_bad_l4_checksum.load(), 1u);
}

}  // namespace
}  // namespace trunkline::net
