// SRTP on one leg, plain RTP on the other: what the relay sends an SRTP peer
// decrypts, with that peer's own libsrtp context, to exactly what the plain
// side sent, and the other way round; lengths and checksums follow. Packets
// that fail authentication, replays, and packets before the peer's key is
// known are dropped and counted; deleting the session frees its contexts.
#include <gtest/gtest.h>
#include <srtp2/srtp.h>

#include <cstring>

#include "dataplane/media/commands.h"
#include "dataplane/net/checksum.h"
#include "media_frames.h"

namespace trunkline::media {
namespace {

using namespace testing;

const Endpoint kLocalA = ep("198.51.100.1", 20000);
const Endpoint kCarrier = ep("198.51.100.10", 4000);
const Endpoint kLocalB = ep("203.0.113.1", 20002);
const Endpoint kAgent = ep("203.0.113.20", 5000);

// A peer's own SRTP context (the agent's phone, in these tests).
class Peer {
 public:
  Peer(const std::uint8_t* key, bool inbound) {
    srtp_policy_t p;
    std::memset(&p, 0, sizeof p);
    srtp_crypto_policy_set_rtp_default(&p.rtp);
    srtp_crypto_policy_set_rtcp_default(&p.rtcp);
    p.ssrc.type = inbound ? ssrc_any_inbound : ssrc_any_outbound;
    p.key = const_cast<std::uint8_t*>(key);
    p.window_size = 128;
    EXPECT_EQ(srtp_create(&ctx_, &p), srtp_err_status_ok);
  }
  ~Peer() { srtp_dealloc(ctx_); }
  std::vector<std::uint8_t> protect(std::vector<std::uint8_t> v, bool rtcp = false) {
    int n = static_cast<int>(v.size());
    v.resize(v.size() + SRTP_MAX_TRAILER_LEN + 4);
    EXPECT_EQ(rtcp ? srtp_protect_rtcp(ctx_, v.data(), &n) : srtp_protect(ctx_, v.data(), &n),
              srtp_err_status_ok);
    v.resize(static_cast<std::size_t>(n));
    return v;
  }
  bool unprotect(std::vector<std::uint8_t>* v, bool rtcp = false) {
    int n = static_cast<int>(v->size());
    const bool ok = (rtcp ? srtp_unprotect_rtcp(ctx_, v->data(), &n)
                          : srtp_unprotect(ctx_, v->data(), &n)) == srtp_err_status_ok;
    v->resize(static_cast<std::size_t>(n));
    return ok;
  }

 private:
  srtp_t ctx_ = nullptr;
};

class SrtpRelay : public ::testing::Test {
 protected:
  SrtpRelay() {
    EXPECT_TRUE(srtp_library_init());
    for (std::size_t i = 0; i < kSrtpMasterKeyLength; ++i) {
      ours_[i] = static_cast<std::uint8_t>(0x10 + i);
      theirs_[i] = static_cast<std::uint8_t>(0xa0 + i);
    }
  }
  SrtpKeys agent_keys(bool with_rx = true) const {
    SrtpKeys k;
    k.suite = SrtpSuite::kAesCm128HmacSha1_80;
    std::memcpy(k.tx, ours_, sizeof ours_);
    k.has_rx = with_rx;
    if (with_rx) std::memcpy(k.rx, theirs_, sizeof theirs_);
    return k;
  }
  void create(bool with_rx = true) {
    Command c;
    c.verb = CommandVerb::kCreate;
    c.id = 5;
    c.legs[0] = leg(kLocalA, kCarrier, 0);
    c.legs[1] = leg(kLocalB, kAgent, 1);
    c.legs[1].srtp = agent_keys(with_rx);
    apply_command(lc_.m, c);
  }
  // Sends `payload` from `from` to `to`; the relayed datagram's payload, or
  // nothing when dropped. Checks the relayed frame's lengths and checksums.
  std::optional<std::vector<std::uint8_t>> relay(const Endpoint& from, const Endpoint& to,
                                                 const std::vector<std::uint8_t>& payload) {
    Frame f = udp_frame(from, to, payload);
    if (lc_.relay(f) != net::Verdict::kForward) return std::nullopt;
    const std::uint8_t* ip = f.bytes + 14;
    const std::uint16_t udp_len = f.u16(34 + 4);
    EXPECT_EQ(f.len, 34 + udp_len) << "frame length follows the datagram";
    EXPECT_EQ(f.u16(14 + 2), 20 + udp_len) << "IPv4 total length";
    EXPECT_TRUE(net::checksum_ok(ip, 20)) << "IPv4 header checksum";
    EXPECT_TRUE(net::ipv4_l4_checksum_ok(ip, f.bytes + 34, udp_len, net::kIpProtoUdp))
        << "UDP checksum";
    return std::vector<std::uint8_t>(f.bytes + 42, f.bytes + 34 + udp_len);
  }

  std::uint8_t ours_[kSrtpMasterKeyLength];
  std::uint8_t theirs_[kSrtpMasterKeyLength];
  Lcore lc_;
};

TEST_F(SrtpRelay, PlainRtpLeavesAsSrtpThatThePeerDecryptsToTheSameBytes) {
  create();
  Peer agent_rx(ours_, true);
  for (std::uint16_t seq = 1; seq <= 3; ++seq) {
    Rtp r;
    r.seq = seq;
    r.fill = static_cast<std::uint8_t>(0x40 + seq);
    const auto plain = rtp_bytes(r);
    auto sent = relay(kCarrier, kLocalA, plain);
    ASSERT_TRUE(sent);
    EXPECT_EQ(sent->size(), plain.size() + 10) << "80-bit authentication tag";
    EXPECT_NE(std::vector<std::uint8_t>(sent->begin() + 12, sent->begin() + 172),
              std::vector<std::uint8_t>(plain.begin() + 12, plain.end()))
        << "the payload is encrypted";
    ASSERT_TRUE(agent_rx.unprotect(&*sent));
    EXPECT_EQ(*sent, plain);
  }
  EXPECT_EQ(lc_.counters.media_relayed.load(), 3u);
}

TEST_F(SrtpRelay, SrtpFromThePeerLeavesAsThePlainRtpItCarried) {
  create();
  Peer agent_tx(theirs_, false);
  Rtp r;
  r.ssrc = 0x0a0b0c0d;
  r.fill = 0x77;
  const auto plain = rtp_bytes(r);
  auto sent = relay(kAgent, kLocalB, agent_tx.protect(plain));
  ASSERT_TRUE(sent);
  EXPECT_EQ(*sent, plain);
  EXPECT_EQ(lc_.m.flows.session(5)->rx.packets, 0u) << "carrier leg received nothing";
  EXPECT_EQ(lc_.m.flows.other(*lc_.m.flows.session(5)).rx.packets, 1u);
}

TEST_F(SrtpRelay, ForgedReplayedAndWrongKeyPacketsAreDropped) {
  create();
  Peer agent_tx(theirs_, false);
  Rtp r;
  auto good = agent_tx.protect(rtp_bytes(r));
  ASSERT_TRUE(relay(kAgent, kLocalB, good));
  EXPECT_FALSE(relay(kAgent, kLocalB, good)) << "replay";
  r.seq = 2;
  auto forged = agent_tx.protect(rtp_bytes(r));
  forged[20] ^= 1;
  EXPECT_FALSE(relay(kAgent, kLocalB, forged)) << "a flipped bit";
  Peer stranger(ours_, false);  // right format, wrong key
  r.seq = 3;
  EXPECT_FALSE(relay(kAgent, kLocalB, stranger.protect(rtp_bytes(r))));
  EXPECT_EQ(lc_.counters.media_srtp_unprotect_failed.load(), 3u);
  EXPECT_EQ(lc_.counters.media_relayed.load(), 1u);
}

TEST_F(SrtpRelay, ThePeersPacketsWaitForItsKeyFromTheAnswer) {
  create(/*with_rx=*/false);  // our offer went out; the agent has not answered
  Peer agent_tx(theirs_, false);
  Rtp r;
  EXPECT_FALSE(relay(kAgent, kLocalB, agent_tx.protect(rtp_bytes(r))));
  EXPECT_EQ(lc_.counters.media_srtp_unprotect_failed.load(), 1u);
  ASSERT_TRUE(relay(kCarrier, kLocalA, rtp_bytes(r))) << "towards the agent works already";

  Command u;
  u.verb = CommandVerb::kUpdateRemote;
  u.id = 5;
  u.leg = 1;
  u.legs[1] = leg(kLocalB, kAgent, 1);
  u.legs[1].srtp = agent_keys(true);
  apply_command(lc_.m, u);
  r.seq = 2;
  auto sent = relay(kAgent, kLocalB, agent_tx.protect(rtp_bytes(r)));
  ASSERT_TRUE(sent);
  EXPECT_EQ(*sent, rtp_bytes(r));
}

TEST_F(SrtpRelay, SrtcpBothWays) {
  create();
  std::vector<std::uint8_t> rr = {0x80, 201, 0, 1, 0x12, 0x34, 0x56, 0x78};
  Peer agent_rx(ours_, true);
  auto sent = relay(ep("198.51.100.10", 4001), ep("198.51.100.1", 20001), rr);
  ASSERT_TRUE(sent);
  EXPECT_EQ(sent->size(), rr.size() + 14) << "SRTCP index and tag";
  ASSERT_TRUE(agent_rx.unprotect(&*sent, true));
  EXPECT_EQ(*sent, rr);

  Peer agent_tx(theirs_, false);
  Rtp r;  // the agent's RTP locks its leg first
  ASSERT_TRUE(relay(kAgent, kLocalB, agent_tx.protect(rtp_bytes(r))));
  auto back = relay(ep("203.0.113.20", 5001), ep("203.0.113.1", 20003), agent_tx.protect(rr, true));
  ASSERT_TRUE(back);
  EXPECT_EQ(*back, rr);
}

TEST_F(SrtpRelay, ContextsAreMadeByTheFirstPacketsThatNeedThemAndFreedWithTheSession) {
  create();
  EXPECT_EQ(lc_.m.srtp.contexts(), 0u) << "keyed, but no packet on this lcore yet";
  Rtp r;
  ASSERT_TRUE(relay(kCarrier, kLocalA, rtp_bytes(r)));
  EXPECT_EQ(lc_.m.srtp.contexts(), 1u) << "the send context towards the agent";
  Peer agent_tx(theirs_, false);
  ASSERT_TRUE(relay(kAgent, kLocalB, agent_tx.protect(rtp_bytes(r))));
  EXPECT_EQ(lc_.m.srtp.contexts(), 2u) << "and the receive context from it";
  Command d;
  d.verb = CommandVerb::kDelete;
  d.id = 5;
  apply_command(lc_.m, d);
  EXPECT_EQ(lc_.m.srtp.contexts(), 0u);
  create(/*with_rx=*/false);
  lc_.m.srtp.prepare(lc_.m.flows.leg_number(lc_.m.flows.other(*lc_.m.flows.session(5))));
  EXPECT_EQ(lc_.m.srtp.contexts(), 1u) << "no receive context without the peer's key";
}

TEST_F(SrtpRelay, TheSameKeysAgainKeepTheStreamsState) {
  create();
  Peer agent_tx(theirs_, false);
  Rtp r;
  auto first = agent_tx.protect(rtp_bytes(r));
  ASSERT_TRUE(relay(kAgent, kLocalB, first));
  Command u;  // e.g. a latch forwarded from another lcore, same keys
  u.verb = CommandVerb::kUpdateRemote;
  u.id = 5;
  u.leg = 1;
  u.legs[1] = leg(kLocalB, kAgent, 1);
  u.legs[1].srtp = agent_keys(true);
  apply_command(lc_.m, u);
  EXPECT_FALSE(relay(kAgent, kLocalB, first)) << "the replay window survived";
}

TEST_F(SrtpRelay, ARecordedSrtpCallIsForkedInTheClear) {
  recorder::BoundedQueue<recorder::RtpRecord> queue(16);
  lc_.m.fork[0] = &queue;
  create();
  Command rec;
  rec.verb = CommandVerb::kRecord;
  rec.id = 5;
  rec.flag = 1;
  rec.recording = 3;
  apply_command(lc_.m, rec);
  Peer agent_tx(theirs_, false);
  Rtp r;
  r.fill = 0x5a;
  ASSERT_TRUE(relay(kAgent, kLocalB, agent_tx.protect(rtp_bytes(r))));
  recorder::RtpRecord got;
  ASSERT_TRUE(queue.pop(got));
  EXPECT_EQ(got.leg, recorder::Leg::kAgent);
  ASSERT_EQ(got.payload_size, 160);
  EXPECT_EQ(got.payload[0], 0x5a);
  EXPECT_EQ(got.payload[159], 0x5a);
}

}  // namespace
}  // namespace trunkline::media
