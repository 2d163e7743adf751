// The media relay, packet by packet: header rewrite and checksums (IPv4 and
// IPv6), latching and spoofing, statistics, RFC 4733 events, RTCP, hold, and
// the Ethernet step. Every relayed frame is checked as the far peer would.
#include <gtest/gtest.h>

#include "dataplane/media/commands.h"
#include "dataplane/net/path.h"
#include "media_frames.h"

namespace trunkline::media {
namespace {

using namespace testing;

// Leg 0 faces the carrier on port 0, leg 1 the agent on port 1.
const Endpoint kLocalA = ep("198.51.100.1", 20000);
const Endpoint kCarrier = ep("198.51.100.10", 4000);
const Endpoint kLocalB = ep("203.0.113.1", 20002);
const Endpoint kAgent = ep("203.0.113.20", 5000);
const Endpoint kAttacker = ep("192.0.2.66", 4000);
const Endpoint kNatted = ep("198.51.100.77", 61000);  // where a NATed carrier really sends from

Endpoint rtcp_of(const Endpoint& e) {
  return Endpoint{e.ip, static_cast<std::uint16_t>(e.port + 1)};
}

class MediaRelay : public ::testing::Test {
 protected:
  void create(const LegSpec& a, const LegSpec& b, SessionId id = 1) {
    Command c;
    c.verb = CommandVerb::kCreate;
    c.id = id;
    c.legs[0] = a;
    c.legs[1] = b;
    apply_command(lc_.m, c);
  }
  void create_default() { create(leg(kLocalA, kCarrier, 0), leg(kLocalB, kAgent, 1)); }

  net::Verdict send(const Endpoint& from, const Endpoint& to, const Rtp& r = {},
                    std::uint64_t now_us = 0) {
    last_ = udp_frame(from, to, rtp_bytes(r));
    return lc_.relay(last_, now_us);
  }

  // The relayed frame as its receiver sees it: addresses, ports, TTL, checksums.
  void expect_sent(const Endpoint& from, const Endpoint& to) {
    const bool v6 = !from.ip.is_v4();
    const std::uint8_t* ip = last_.bytes + 14;
    const std::uint16_t l4 = v6 ? 54 : 34;
    net::IpKey src, dst;
    if (v6) {
      std::memcpy(src.b.data(), ip + 8, 16);
      std::memcpy(dst.b.data(), ip + 24, 16);
      EXPECT_EQ(ip[7], 64) << "hop limit";
      EXPECT_TRUE(
          net::ipv6_l4_checksum_ok(ip, last_.bytes + l4, last_.u16(l4 + 4), net::kIpProtoUdp));
    } else {
      src = net::IpKey::of(net::Ip4{});
      dst = src;
      std::memcpy(src.b.data() + 12, ip + 12, 4);
      std::memcpy(dst.b.data() + 12, ip + 16, 4);
      EXPECT_EQ(ip[8], 64) << "TTL";
      EXPECT_TRUE(net::checksum_ok(ip, 20)) << "IPv4 header checksum";
      EXPECT_TRUE(
          net::ipv4_l4_checksum_ok(ip, last_.bytes + l4, last_.u16(l4 + 4), net::kIpProtoUdp));
    }
    EXPECT_EQ(src, from.ip) << src.to_string();
    EXPECT_EQ(dst, to.ip) << dst.to_string();
    EXPECT_EQ(last_.u16(l4), from.port);
    EXPECT_EQ(last_.u16(l4 + 2), to.port);
    EXPECT_EQ(lc_.out.next_hop, to.ip);
  }

  Lcore lc_;
  Frame last_;
};

TEST_F(MediaRelay, Ipv4RtpIsRewrittenToTheOtherLegWithValidChecksums) {
  create_default();
  Rtp r;
  r.fill = 0xa7;
  ASSERT_EQ(send(kCarrier, kLocalA, r), net::Verdict::kForward);
  expect_sent(kLocalB, kAgent);
  EXPECT_EQ(lc_.out.port, 1);
  EXPECT_EQ(last_.len, 34 + 8 + 172) << "G.711 frame length unchanged";
  const std::vector<std::uint8_t> rtp = rtp_bytes(r);
  EXPECT_EQ(std::memcmp(last_.bytes + 42, rtp.data(), rtp.size()), 0) << "payload untouched";
  EXPECT_EQ(lc_.counters.media_relayed.load(), 1u);
  // The UDP checksum equals a full recomputation over the new headers.
  std::uint8_t* ip = last_.bytes + 14;
  const std::uint16_t stored = last_.u16(40);
  last_.put(40, std::uint16_t{0});
  EXPECT_EQ(stored, ntohs(net::ipv4_l4_checksum(ip, last_.bytes + 34, 180, net::kIpProtoUdp)));

  // And back: the agent's RTP goes to the carrier, from our carrier-side address.
  ASSERT_EQ(send(kAgent, kLocalB), net::Verdict::kForward);
  expect_sent(kLocalA, kCarrier);
  EXPECT_EQ(lc_.out.port, 0);
}

TEST_F(MediaRelay, Ipv6RtpIsRewrittenWithValidChecksums) {
  const Endpoint a = ep("2001:db8:1::1", 20000), carrier = ep("2001:db8:1::10", 7078);
  const Endpoint b = ep("2001:db8:2::1", 20002), agent = ep("2001:db8:2::20", 9000);
  create(leg(a, carrier, 0), leg(b, agent, 1));
  ASSERT_EQ(send(carrier, a), net::Verdict::kForward);
  expect_sent(b, agent);
  ASSERT_EQ(send(agent, b), net::Verdict::kForward);
  expect_sent(a, carrier);
  EXPECT_EQ(lc_.counters.media_relayed.load(), 2u);
}

TEST_F(MediaRelay, Ipv4UdpWithoutChecksumStaysWithout) {
  create_default();
  last_ = udp_frame(kCarrier, kLocalA, rtp_bytes({}));
  last_.put(40, std::uint16_t{0});
  ASSERT_EQ(lc_.relay(last_), net::Verdict::kForward);
  EXPECT_EQ(last_.u16(40), 0);
  EXPECT_TRUE(net::checksum_ok(last_.bytes + 14, 20));
}

TEST_F(MediaRelay, CorruptDatagramsAreDropped) {
  create_default();
  last_ = udp_frame(kCarrier, kLocalA, rtp_bytes({}));
  last_.bytes[60] ^= 0xff;
  EXPECT_EQ(lc_.relay(last_), net::Verdict::kDrop);
  const Endpoint a6 = ep("2001:db8:1::1", 20004), carrier6 = ep("2001:db8:1::10", 7078);
  create(leg(a6, carrier6, 0), leg(ep("2001:db8:2::1", 20006), ep("2001:db8:2::20", 9000), 1), 2);
  last_ = udp_frame(carrier6, a6, rtp_bytes({}));
  last_.put(54 + 6, std::uint16_t{0});  // IPv6 UDP must carry a checksum
  EXPECT_EQ(lc_.relay(last_), net::Verdict::kDrop);
  EXPECT_EQ(lc_.counters.drop_bad_l4_checksum.load(), 2u);
  EXPECT_EQ(lc_.counters.media_relayed.load(), 0u);
  EXPECT_EQ(lc_.m.flows.session(1)->rx.packets, 0u) << "nothing counted, nothing latched";
  EXPECT_FALSE(lc_.m.flows.session(1)->has(Leg::kLocked));
}

// A v4 carrier and a v6 phone (and back): the datagram is re-framed behind a
// header of the other leg's family, DSCP kept, payload untouched, checksums
// valid for the new pseudo-header.
TEST_F(MediaRelay, LegsOfDifferentFamiliesAreReframed) {
  const Endpoint b6 = ep("2001:db8:2::1", 20002), agent6 = ep("2001:db8:2::20", 9000);
  create(leg(kLocalA, kCarrier, 0), leg(b6, agent6, 1));
  Rtp r;
  r.fill = 0x3c;
  last_ = udp_frame(kCarrier, kLocalA, rtp_bytes(r));
  last_.bytes[15] = 0xb8;  // DSCP EF (the UDP checksum does not cover it)
  ASSERT_EQ(lc_.relay(last_), net::Verdict::kForward);
  expect_sent(b6, agent6);
  EXPECT_EQ(last_.u16(12), 0x86dd) << "Ethernet type";
  EXPECT_EQ(last_.bytes[14], 0x6b) << "version 6, traffic class EF";
  EXPECT_EQ(last_.bytes[15], 0x80);
  EXPECT_EQ(last_.u16(18), 8 + 172) << "payload length";
  EXPECT_EQ(last_.bytes[20], net::kIpProtoUdp);
  EXPECT_EQ(last_.len, 54 + 8 + 172);
  EXPECT_EQ(last_.u16(54 + 4), 8 + 172) << "UDP length";
  const std::vector<std::uint8_t> rtp = rtp_bytes(r);
  EXPECT_EQ(std::memcmp(last_.bytes + 62, rtp.data(), rtp.size()), 0) << "payload untouched";

  // The phone's RTP back to the v4 carrier.
  last_ = udp_frame(agent6, b6, rtp_bytes(r));
  last_.bytes[14] = 0x6b;
  last_.bytes[15] = 0x80;
  ASSERT_EQ(lc_.relay(last_), net::Verdict::kForward);
  expect_sent(kLocalA, kCarrier);
  EXPECT_EQ(last_.u16(12), 0x0800);
  EXPECT_EQ(last_.bytes[14], 0x45);
  EXPECT_EQ(last_.bytes[15], 0xb8) << "TOS from the traffic class";
  EXPECT_EQ(last_.u16(16), 20 + 8 + 172) << "total length";
  EXPECT_EQ(last_.bytes[20] & 0x40, 0x40) << "DF";
  EXPECT_EQ(last_.len, 34 + 8 + 172);
  EXPECT_EQ(std::memcmp(last_.bytes + 42, rtp.data(), rtp.size()), 0);
  EXPECT_EQ(lc_.counters.media_family_translated.load(), 2u);
  EXPECT_EQ(lc_.counters.media_relayed.load(), 2u);
}

TEST_F(MediaRelay, Ipv4WithoutChecksumGetsOneOnIpv6) {
  const Endpoint b6 = ep("2001:db8:2::1", 20002), agent6 = ep("2001:db8:2::20", 9000);
  create(leg(kLocalA, kCarrier, 0), leg(b6, agent6, 1));
  last_ = udp_frame(kCarrier, kLocalA, rtp_bytes({}));
  last_.put(40, std::uint16_t{0});  // IPv4 allows "no checksum"; IPv6 does not
  ASSERT_EQ(lc_.relay(last_), net::Verdict::kForward);
  EXPECT_NE(last_.u16(54 + 6), 0);
  expect_sent(b6, agent6);
}

TEST_F(MediaRelay, NoRoomForTheLargerHeaderIsADroppedCount) {
  const Endpoint b6 = ep("2001:db8:2::1", 20002), agent6 = ep("2001:db8:2::20", 9000);
  create(leg(kLocalA, kCarrier, 0), leg(b6, agent6, 1));
  last_ = udp_frame(kCarrier, kLocalA, rtp_bytes({}));
  const Frame before = last_;
  net::PacketBuf b{last_.bytes, last_.len, static_cast<std::uint16_t>(last_.len + 10)};
  RelayOut out;
  EXPECT_EQ(media::relay(lc_.m, b, 34, false, 0, &out), net::Verdict::kDrop);
  EXPECT_EQ(lc_.counters.media_family_no_room.load(), 1u);
  EXPECT_EQ(std::memcmp(last_.bytes + 34, before.bytes + 34, last_.len - 34), 0)
      << "datagram not moved";
}

TEST_F(MediaRelay, UnknownPortAndNonRtpAreDropped) {
  create_default();
  EXPECT_EQ(send(kCarrier, ep("198.51.100.1", 20004)), net::Verdict::kDrop);
  EXPECT_EQ(lc_.counters.media_no_flow.load(), 1u);
  last_ = udp_frame(kCarrier, kLocalA, std::vector<std::uint8_t>(20, 0));  // version 0
  EXPECT_EQ(lc_.relay(last_), net::Verdict::kDrop);
  last_ = udp_frame(kCarrier, kLocalA, {0x80, 0, 0, 1});  // shorter than an RTP header
  EXPECT_EQ(lc_.relay(last_), net::Verdict::kDrop);
  EXPECT_EQ(lc_.counters.media_not_rtp.load(), 2u);
}

TEST_F(MediaRelay, SignalledSourceLocksAtOnceAndOthersAreSpoofed) {
  create_default();
  ASSERT_EQ(send(kCarrier, kLocalA), net::Verdict::kForward);
  EXPECT_TRUE(lc_.out.glean);
  EXPECT_EQ(lc_.out.source, kCarrier.ip);
  std::vector<Report> reports = lc_.drain();
  ASSERT_EQ(reports.size(), 1u);
  EXPECT_EQ(reports[0].kind, ReportKind::kLatched);
  EXPECT_EQ(reports[0].id, 1u);
  EXPECT_EQ(reports[0].leg, 0);
  EXPECT_EQ(reports[0].addr, kCarrier);

  EXPECT_EQ(send(kAttacker, kLocalA), net::Verdict::kDrop);
  const Endpoint other_port{kCarrier.ip, 4002};
  EXPECT_EQ(send(other_port, kLocalA), net::Verdict::kDrop) << "same host, other port";
  EXPECT_EQ(lc_.counters.media_spoofed.load(), 2u);
  EXPECT_EQ(lc_.m.flows.session(1)->rx.spoofed, 2u);
  EXPECT_EQ(snapshot(lc_.m.flows.session(1)->rx).spoofed_dropped, 2u);
  EXPECT_EQ(send(kCarrier, kLocalA), net::Verdict::kForward);
  EXPECT_TRUE(lc_.drain().empty()) << "latched once";
}

TEST_F(MediaRelay, WithoutSignalledAddressTheFirstSourceLocks) {
  create(leg(kLocalA, Endpoint{}, 0), leg(kLocalB, kAgent, 1));
  ASSERT_EQ(send(kNatted, kLocalA), net::Verdict::kForward);
  EXPECT_EQ(send(kAttacker, kLocalA), net::Verdict::kDrop);
  EXPECT_EQ(lc_.counters.media_spoofed.load(), 1u);
  // The agent's RTP now goes to where the carrier was heard.
  ASSERT_EQ(send(kAgent, kLocalB), net::Verdict::kForward);
  expect_sent(kLocalA, kNatted);
}

TEST_F(MediaRelay, UnheardSignalledAddressLatchesToTheFirstSourceAfterTheWindow) {
  create_default();
  // Before the carrier is heard, its RTP would go to its signalled address.
  ASSERT_EQ(send(kAgent, kLocalB), net::Verdict::kForward);
  expect_sent(kLocalA, kCarrier);
  lc_.drain();
  for (int i = 0; i < kLatchWindow - 1; ++i) {
    Rtp r;
    r.seq = static_cast<std::uint16_t>(i);
    ASSERT_EQ(send(kNatted, kLocalA, r), net::Verdict::kForward) << "the candidate is relayed";
    EXPECT_EQ(send(kAttacker, kLocalA), net::Verdict::kDrop) << "a second source is not";
  }
  EXPECT_FALSE(lc_.m.flows.session(1)->has(Leg::kLocked));
  EXPECT_TRUE(lc_.drain().empty());
  ASSERT_EQ(send(kNatted, kLocalA), net::Verdict::kForward);  // the window's last packet
  EXPECT_TRUE(lc_.m.flows.session(1)->has(Leg::kLocked));
  std::vector<Report> reports = lc_.drain();
  ASSERT_EQ(reports.size(), 1u);
  EXPECT_EQ(reports[0].kind, ReportKind::kLatched);
  EXPECT_EQ(reports[0].addr, kNatted);
  EXPECT_EQ(send(kCarrier, kLocalA), net::Verdict::kDrop) << "locked: even the signalled one";
  EXPECT_EQ(lc_.counters.media_spoofed.load(), kLatchWindow - 1u + 1u);
  ASSERT_EQ(send(kAgent, kLocalB), net::Verdict::kForward);
  expect_sent(kLocalA, kNatted);
}

TEST_F(MediaRelay, SignalledAddressHeardWithinTheWindowWinsOverTheCandidate) {
  create_default();
  ASSERT_EQ(send(kAttacker, kLocalA), net::Verdict::kForward);  // first: a candidate only
  ASSERT_EQ(send(kCarrier, kLocalA), net::Verdict::kForward);
  EXPECT_EQ(lc_.m.flows.session(1)->peer, kCarrier);
  EXPECT_EQ(send(kAttacker, kLocalA), net::Verdict::kDrop);
  EXPECT_EQ(lc_.counters.media_spoofed.load(), 1u);
}

TEST_F(MediaRelay, LatchOffAcceptsTheSignalledAddressOnly) {
  create(leg(kLocalA, kCarrier, 0, 0, false), leg(kLocalB, kAgent, 1));
  EXPECT_EQ(send(kNatted, kLocalA), net::Verdict::kDrop);
  EXPECT_EQ(send(kCarrier, kLocalA), net::Verdict::kForward);
  EXPECT_EQ(lc_.counters.media_spoofed.load(), 1u);
}

TEST_F(MediaRelay, UpdateRemoteUnlocksAndLatchesAgain) {
  create_default();
  ASSERT_EQ(send(kCarrier, kLocalA), net::Verdict::kForward);
  const Endpoint moved = ep("198.51.100.11", 4100);
  Command u;
  u.verb = CommandVerb::kUpdateRemote;
  u.id = 1;
  u.leg = 0;
  u.legs[0] = leg(kLocalA, moved, 0);
  apply_command(lc_.m, u);
  EXPECT_FALSE(lc_.m.flows.session(1)->has(Leg::kLocked));
  ASSERT_EQ(send(kAgent, kLocalB), net::Verdict::kForward);
  expect_sent(kLocalA, moved);
  EXPECT_EQ(send(moved, kLocalA), net::Verdict::kForward);
  EXPECT_TRUE(lc_.m.flows.session(1)->has(Leg::kLocked));
  EXPECT_EQ(send(kCarrier, kLocalA), net::Verdict::kDrop);
}

TEST_F(MediaRelay, NoDestinationUntilTheOtherPeerIsKnown) {
  create(leg(kLocalA, kCarrier, 0), leg(kLocalB, Endpoint{}, 1));  // agent not answered yet
  EXPECT_EQ(send(kCarrier, kLocalA), net::Verdict::kDrop);
  EXPECT_EQ(lc_.counters.media_no_destination.load(), 1u);
  EXPECT_EQ(lc_.m.flows.session(1)->rx.packets, 1u) << "received and counted all the same";
}

TEST_F(MediaRelay, StatisticsOfTheReceivingLeg) {
  create_default();
  // 20 ms packets, 160 timestamp units apart, each arriving on time except
  // that 5 is lost.
  for (std::uint16_t i = 0; i < 10; ++i) {
    if (i == 5) continue;
    Rtp r;
    r.seq = static_cast<std::uint16_t>(100 + i);
    r.ts = 160u * i;
    ASSERT_EQ(send(kCarrier, kLocalA, r, 20000ull * i), net::Verdict::kForward);
  }
  const StreamStats st = snapshot(lc_.m.flows.session(1)->rx);
  EXPECT_EQ(st.packets, 9u);
  EXPECT_EQ(st.bytes, 9u * 172u);
  EXPECT_EQ(st.lost, 1u);
  EXPECT_EQ(st.jitter_ts, 0u);
  EXPECT_EQ(st.mos_x100, estimate_mos_x100(9, 1, 0));
  EXPECT_EQ(snapshot(lc_.m.flows.other(*lc_.m.flows.session(1)).rx).packets, 0u);
}

TEST_F(MediaRelay, DtmfEndIsReportedOnceAndPassedThrough) {
  create(leg(kLocalA, kCarrier, 0, 101), leg(kLocalB, kAgent, 1));
  lc_.drain();
  Rtp r;
  r.pt = 101;
  r.ts = 8000;
  std::uint16_t seq = 10;
  auto event = [&](std::uint8_t ev, bool end, std::uint16_t duration) {
    r.seq = seq++;
    last_ = udp_frame(kCarrier, kLocalA, dtmf_bytes(r, ev, end, duration));
    return lc_.relay(last_);
  };
  for (std::uint16_t d : {160, 320, 480}) ASSERT_EQ(event(7, false, d), net::Verdict::kForward);
  for (int i = 0; i < 3; ++i) ASSERT_EQ(event(7, true, 640), net::Verdict::kForward);
  expect_sent(kLocalB, kAgent);
  std::vector<Report> reports = lc_.drain();
  ASSERT_EQ(reports.size(), 2u);  // kLatched, then kDtmf
  EXPECT_EQ(reports[1].kind, ReportKind::kDtmf);
  EXPECT_EQ(reports[1].leg, 0);
  EXPECT_EQ(reports[1].dtmf_event, 7);
  EXPECT_EQ(reports[1].dtmf_duration, 640);
  EXPECT_EQ(lc_.counters.media_dtmf_events.load(), 1u);
  EXPECT_EQ(lc_.m.flows.session(1)->rx.dtmf_events, 1u);
  r.ts = 16000;
  ASSERT_EQ(event(11, true, 800), net::Verdict::kForward);
  EXPECT_EQ(lc_.counters.media_dtmf_events.load(), 2u);
}

TEST_F(MediaRelay, TelephoneEventsAreNotEventsWithoutTheNegotiatedType) {
  create_default();  // no telephone_event_pt
  Rtp r;
  r.pt = 101;
  last_ = udp_frame(kCarrier, kLocalA, dtmf_bytes(r, 1, true, 800));
  ASSERT_EQ(lc_.relay(last_), net::Verdict::kForward);
  EXPECT_EQ(lc_.counters.media_dtmf_events.load(), 0u);
}

TEST_F(MediaRelay, RtcpIsRelayedOnTheOddPortsAndCounted) {
  create_default();
  std::vector<std::uint8_t> sr(28, 0);
  sr[0] = 0x80;
  sr[1] = 200;  // SR
  last_ = udp_frame(rtcp_of(kCarrier), rtcp_of(kLocalA), sr);
  ASSERT_EQ(lc_.relay(last_), net::Verdict::kForward);
  expect_sent(rtcp_of(kLocalB), rtcp_of(kAgent));
  EXPECT_EQ(std::memcmp(last_.bytes + 42, sr.data(), sr.size()), 0);
  EXPECT_EQ(lc_.counters.media_rtcp_relayed.load(), 1u);
  EXPECT_EQ(lc_.counters.media_relayed.load(), 0u);
  Leg* a = lc_.m.flows.session(1);
  EXPECT_EQ(a->rx.rtcp_packets, 1u);
  EXPECT_EQ(a->rx.packets, 0u) << "RTCP is no RTP";
  EXPECT_FALSE(a->has(Leg::kLocked)) << "RTCP does not latch";

  last_ = udp_frame(rtcp_of(kAttacker), rtcp_of(kLocalA), sr);
  EXPECT_EQ(lc_.relay(last_), net::Verdict::kDrop);
  EXPECT_EQ(lc_.counters.media_spoofed.load(), 1u);

  // A locked agent whose RTCP comes from another port (NAT): RTCP to it goes there.
  ASSERT_EQ(send(kAgent, kLocalB), net::Verdict::kForward);
  const Endpoint agent_rtcp{kAgent.ip, 6123};
  last_ = udp_frame(agent_rtcp, rtcp_of(kLocalB), sr);
  ASSERT_EQ(lc_.relay(last_), net::Verdict::kForward);
  last_ = udp_frame(rtcp_of(kCarrier), rtcp_of(kLocalA), sr);
  ASSERT_EQ(lc_.relay(last_), net::Verdict::kForward);
  expect_sent(rtcp_of(kLocalB), agent_rtcp);
}

TEST_F(MediaRelay, NothingIsSentTowardsAHeldLeg) {
  create_default();
  Command h;
  h.verb = CommandVerb::kHold;
  h.id = 1;
  h.leg = 1;
  h.flag = 1;
  apply_command(lc_.m, h);
  EXPECT_EQ(send(kCarrier, kLocalA), net::Verdict::kDrop);
  EXPECT_EQ(lc_.counters.media_held_dropped.load(), 1u);
  EXPECT_EQ(lc_.m.flows.session(1)->rx.packets, 1u);
  EXPECT_EQ(send(kAgent, kLocalB), net::Verdict::kForward) << "the held side still talks";
  h.flag = 0;
  apply_command(lc_.m, h);
  EXPECT_EQ(send(kCarrier, kLocalA), net::Verdict::kForward);
}

TEST_F(MediaRelay, EthernetForAResolvedNextHopOrAProbe) {
  create_default();
  net::Counters c;
  net::NeighbourTable neigh(net::NeighbourParams{}, &c);
  const net::Interface agents =
      net::make_interface("agents", *net::MacAddr::parse("02:54:4c:00:00:02"),
                          {*net::Prefix4::parse("203.0.113.1/24")}, {});
  ASSERT_EQ(send(kCarrier, kLocalA), net::Verdict::kForward);
  net::PacketBuf b{last_.bytes, last_.len, sizeof last_.bytes};
  ASSERT_EQ(write_ethernet(lc_.m.next_hops, neigh, agents, lc_.out, b, 1000, lc_.counters),
            L2Result::kProbe);
  EXPECT_EQ(lc_.counters.media_no_neighbour.load(), 1u);
  EXPECT_EQ(last_.u16(12), RTE_ETHER_TYPE_ARP);
  EXPECT_EQ(last_.u16(20), 1) << "ARP request";
  Frame again = udp_frame(kCarrier, kLocalA, rtp_bytes({}));
  last_ = again;
  ASSERT_EQ(lc_.relay(last_), net::Verdict::kForward);
  net::PacketBuf b2{last_.bytes, last_.len, sizeof last_.bytes};
  EXPECT_EQ(write_ethernet(lc_.m.next_hops, neigh, agents, lc_.out, b2, 1001, lc_.counters),
            L2Result::kDrop)
      << "probe already in flight";
  const net::MacAddr agent_mac = *net::MacAddr::parse("02:00:00:00:00:20");
  neigh.learn(kAgent.ip, agent_mac, 1002, true);
  ASSERT_EQ(write_ethernet(lc_.m.next_hops, neigh, agents, lc_.out, b2, 1003, lc_.counters),
            L2Result::kSend);
  EXPECT_EQ(std::memcmp(last_.bytes, agent_mac.b.data(), 6), 0);
  EXPECT_EQ(std::memcmp(last_.bytes + 6, agents.mac.b.data(), 6), 0);
  EXPECT_EQ(last_.u16(12), RTE_ETHER_TYPE_IPV4);
  // The MAC is cached for NextHopCache::kRecheckMs, then asked for again.
  const net::MacAddr moved = *net::MacAddr::parse("02:00:00:00:00:21");
  neigh.learn(kAgent.ip, moved, 1004, true);
  ASSERT_EQ(write_ethernet(lc_.m.next_hops, neigh, agents, lc_.out, b2, 1050, lc_.counters),
            L2Result::kSend);
  EXPECT_EQ(std::memcmp(last_.bytes, agent_mac.b.data(), 6), 0) << "cached";
  ASSERT_EQ(write_ethernet(lc_.m.next_hops, neigh, agents, lc_.out, b2,
                           1003 + NextHopCache::kRecheckMs, lc_.counters),
            L2Result::kSend);
  EXPECT_EQ(std::memcmp(last_.bytes, moved.b.data(), 6), 0) << "rechecked";
}

TEST_F(MediaRelay, LatchingGleansAnOnLinkSourceMac) {
  create(leg(kLocalA, Endpoint{}, 0), leg(kLocalB, kAgent, 1));
  net::Counters c;
  net::NeighbourTable neigh(net::NeighbourParams{}, &c);
  const net::Interface carriers = net::make_interface(
      "carriers", net::testing::kOurMac, {*net::Prefix4::parse("198.51.100.1/24")}, {});
  ASSERT_EQ(send(kNatted, kLocalA), net::Verdict::kForward);
  ASSERT_TRUE(lc_.out.glean);
  net::PacketBuf b{last_.bytes, last_.len, sizeof last_.bytes};
  glean_source(neigh, carriers, lc_.out, b, 5);
  ASSERT_NE(neigh.find(kNatted.ip), nullptr);
  EXPECT_EQ(neigh.find(kNatted.ip)->mac, net::testing::kPeerMac);
}

// The packet path hands the media range to the relay, checksum checked.
TEST(MediaRxPath, UdpToTheMediaRangeIsMedia) {
  net::Counters c;
  net::NeighbourTable neigh(net::NeighbourParams{}, &c);
  const net::Interface ifc = net::make_interface("trunk0", net::testing::kOurMac,
                                                 {*net::Prefix4::parse("198.51.100.1/24")}, {});
  net::PathContext p{ifc, neigh, c, 1000, 5060, 20000, 29999};
  Frame f = udp_frame(kCarrier, kLocalA, rtp_bytes({}));
  net::PacketBuf b{f.bytes, f.len, sizeof f.bytes};
  ASSERT_EQ(net::process_rx(p, b), net::Verdict::kMedia);
  EXPECT_EQ(b.l4_payload, 42);
  Frame high = udp_frame(kCarrier, ep("198.51.100.1", 30000), rtp_bytes({}));
  net::PacketBuf bh{high.bytes, high.len, sizeof high.bytes};
  EXPECT_EQ(net::process_rx(p, bh), net::Verdict::kToKernel) << "outside the range";
  net::PathContext off{ifc, neigh, c, 1000, 5060};
  net::PacketBuf bo{f.bytes, f.len, sizeof f.bytes};
  EXPECT_EQ(net::process_rx(off, bo), net::Verdict::kToKernel) << "no media range configured";
}

}  // namespace
}  // namespace trunkline::media
