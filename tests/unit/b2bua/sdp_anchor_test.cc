#include "control/b2bua/sdp_anchor.h"

#include <gtest/gtest.h>

#include "tests/unit/b2bua/b2bua_harness.h"

namespace trunkline::b2bua::testing {
namespace {

TEST(SdpAnchor, ReadsTheFirstAudioStream) {
  auto a = read_audio(carrier_sdp());
  ASSERT_TRUE(a.ok()) << a.error().message;
  EXPECT_EQ(a->remote.ip, ip("203.0.113.10"));
  EXPECT_EQ(a->remote.port, 30000);
  EXPECT_EQ(a->telephone_event_pt, 101);
  EXPECT_FALSE(a->hold);
  EXPECT_FALSE(a->secure);
}

TEST(SdpAnchor, HoldIsSendonlyInactiveOrZeroAddress) {
  EXPECT_TRUE(read_audio(carrier_sdp("203.0.113.10", 30000, "sendonly"))->hold);
  EXPECT_TRUE(read_audio(carrier_sdp("203.0.113.10", 30000, "inactive"))->hold);
  EXPECT_TRUE(read_audio(carrier_sdp("0.0.0.0", 30000, "sendrecv"))->hold);
  EXPECT_FALSE(read_audio(carrier_sdp("203.0.113.10", 30000, "recvonly"))->hold);
}

TEST(SdpAnchor, RefusesWhatCannotBeAnchored) {
  EXPECT_FALSE(read_audio("").ok());
  const std::string video_only =
      "v=0\r\no=- 1 1 IN IP4 203.0.113.10\r\ns=-\r\nc=IN IP4 203.0.113.10\r\nt=0 0\r\n"
      "m=video 30000 RTP/AVP 96\r\n";
  auto v = read_audio(video_only);
  ASSERT_FALSE(v.ok());
  EXPECT_NE(v.error().message.find("no audio"), std::string::npos);
  const std::string hostname =
      "v=0\r\no=- 1 1 IN IP4 h.example\r\ns=-\r\nc=IN IP4 carrier.example\r\nt=0 0\r\n"
      "m=audio 30000 RTP/AVP 0\r\n";
  auto h = read_audio(hostname);
  ASSERT_FALSE(h.ok());
  EXPECT_NE(h.error().message.find("carrier.example"), std::string::npos);
}

TEST(SdpAnchor, RewritesAddressesPortAndOriginKeepsCodecs) {
  const std::string in =
      "v=0\r\no=carrier 1 1 IN IP4 203.0.113.10\r\ns=-\r\nc=IN IP4 203.0.113.10\r\nt=0 0\r\n"
      "m=audio 30000 RTP/AVP 8 0 101\r\na=rtpmap:8 PCMA/8000\r\na=rtpmap:0 PCMU/8000\r\n"
      "a=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-15\r\na=ptime:20\r\n"
      "a=rtcp:30001\r\na=sendrecv\r\nm=video 30002 RTP/AVP 96\r\n";
  auto out = anchor_sdp(in, ip("198.51.100.1"), 20000, 42, 3);
  ASSERT_TRUE(out.ok()) << out.error().message;
  EXPECT_NE(out->find("o=trunkline 42 3 IN IP4 198.51.100.1\r\n"), std::string::npos) << *out;
  EXPECT_NE(out->find("c=IN IP4 198.51.100.1\r\n"), std::string::npos);
  EXPECT_EQ(out->find("203.0.113.10"), std::string::npos);
  EXPECT_NE(out->find("m=audio 20000 RTP/AVP 8 0 101\r\n"), std::string::npos);
  EXPECT_NE(out->find("a=fmtp:101 0-15"), std::string::npos);
  EXPECT_NE(out->find("a=ptime:20"), std::string::npos);
  EXPECT_EQ(out->find("a=rtcp:"), std::string::npos);  // RTCP is port + 1 on our side
  EXPECT_NE(out->find("m=video 0 RTP/AVP 96"), std::string::npos);
  auto back = read_audio(*out);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->remote.port, 20000);
}

TEST(SdpAnchor, IPv6Leg) {
  auto out = anchor_sdp(carrier_sdp(), ip("2001:db8:100::1"), 20002, 1, 1);
  ASSERT_TRUE(out.ok());
  EXPECT_NE(out->find("c=IN IP6 2001:db8:100::1\r\n"), std::string::npos) << *out;
  auto back = read_audio(*out);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->remote.ip, ip("2001:db8:100::1"));
}

}  // namespace
}  // namespace trunkline::b2bua::testing
