#include <gtest/gtest.h>

#include <string>

#include "control/sdp/attributes.h"
#include "control/sdp/crypto.h"
#include "control/sdp/parser.h"
#include "control/sdp/writer.h"

namespace trunkline::sdp {
namespace {

// An offer as a carrier sends it: audio with telephone-event and SRTP,
// video, session-level c=, media-level c= (IPv6) on the second m-line.
const std::string kOffer =
    "v=0\r\n"
    "o=- 1234567 2 IN IP4 198.51.100.10\r\n"
    "s=call\r\n"
    "c=IN IP4 198.51.100.10\r\n"
    "b=AS:128\r\n"
    "t=0 0\r\n"
    "a=sendrecv\r\n"
    "m=audio 20000 RTP/SAVP 0 8 101\r\n"
    "a=rtpmap:0 PCMU/8000\r\n"
    "a=rtpmap:8 PCMA/8000\r\n"
    "a=rtpmap:101 telephone-event/8000\r\n"
    "a=fmtp:101 0-15,66\r\n"
    "a=ptime:20\r\n"
    "a=rtcp:20001 IN IP4 198.51.100.10\r\n"
    "a=crypto:1 AES_CM_128_HMAC_SHA1_80 "
    "inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR|2^20|1:4\r\n"
    "m=video 0 RTP/AVP 31\r\n"
    "m=audio 30000 RTP/AVP 0\r\n"
    "c=IN IP6 2001:db8::5\r\n"
    "a=recvonly\r\n";

Session parsed(const std::string& text) {
  Session s;
  SdpError err = parse_session(text, &s);
  EXPECT_TRUE(err.ok()) << err.describe();
  return s;
}

TEST(Sdp, ParsesSessionAndEveryMediaLine) {
  Session s = parsed(kOffer);
  EXPECT_EQ(s.origin.session_id, "1234567");
  EXPECT_EQ(s.origin.address, "198.51.100.10");
  EXPECT_EQ(s.name, "call");
  ASSERT_TRUE(s.has_connection);
  EXPECT_EQ(s.connection.address, "198.51.100.10");
  ASSERT_EQ(s.bandwidths.size(), 1u);
  EXPECT_EQ(s.bandwidths[0].value, 128u);
  ASSERT_EQ(s.media.size(), 3u);

  const Media& audio = s.media[0];
  EXPECT_EQ(audio.media, "audio");
  EXPECT_EQ(audio.port, 20000);
  EXPECT_EQ(audio.proto, "RTP/SAVP");
  EXPECT_EQ(audio.formats, (std::vector<std::string_view>{"0", "8", "101"}));
  RtpMap pcma;
  ASSERT_TRUE(find_rtpmap(audio, 8, &pcma));
  EXPECT_EQ(pcma.encoding, "PCMA");
  EXPECT_EQ(pcma.clock_rate, 8000u);
  EXPECT_EQ(telephone_event_payload(audio), 101);
  Fmtp fmtp;
  ASSERT_TRUE(find_fmtp(audio, "101", &fmtp));
  std::bitset<256> events;
  ASSERT_TRUE(parse_event_list(fmtp.parameters, &events, nullptr));
  EXPECT_EQ(events.count(), 17u);
  EXPECT_TRUE(events.test(66));
  EXPECT_EQ(ptime(audio), 20.0);
  Rtcp rtcp;
  ASSERT_TRUE(parse_rtcp(audio.find("rtcp")->value, &rtcp, nullptr));
  EXPECT_EQ(rtcp.port, 20001);
  ASSERT_TRUE(rtcp.address.has_value());
  EXPECT_EQ(rtcp.address->address, "198.51.100.10");
  EXPECT_EQ(s.connection_for(audio)->address, "198.51.100.10");
  EXPECT_EQ(s.direction_for(audio), Direction::kSendRecv);  // from the session

  EXPECT_EQ(s.media[1].port, 0);  // a rejected / disabled stream

  const Media& v6 = s.media[2];
  EXPECT_EQ(s.connection_for(v6)->addr_type, "IP6");
  EXPECT_EQ(s.connection_for(v6)->address, "2001:db8::5");
  EXPECT_EQ(s.direction_for(v6), Direction::kRecvOnly);
}

TEST(Sdp, WritesBackWhatItRead) {
  Session s = parsed(kOffer);
  std::string out;
  write_session(s, &out);
  EXPECT_EQ(out, kOffer);
  Session again = parsed(out);
  EXPECT_EQ(again, s);
}

TEST(Sdp, BuildsAnAnswerByHand) {
  Session answer;
  answer.origin = {"-", "998877", "1", "IN", "IP4", "203.0.113.5"};
  answer.has_connection = true;
  answer.connection = {"IN", "IP4", "203.0.113.5"};
  Media m;
  m.media = "audio";
  m.port = 30000;
  m.proto = "RTP/AVP";
  m.formats = {"0", "101"};
  std::string pcmu = format_rtpmap({0, "PCMU", 8000});
  std::string dtmf = format_rtpmap({101, "telephone-event", 8000});
  m.attributes = {{"rtpmap", pcmu, true},
                  {"rtpmap", dtmf, true},
                  {"fmtp", "101 0-16", true},
                  {"sendonly", "", false}};
  answer.media.push_back(m);
  std::string out;
  write_session(answer, &out);
  EXPECT_EQ(out,
            "v=0\r\no=- 998877 1 IN IP4 203.0.113.5\r\ns=-\r\nc=IN IP4 203.0.113.5\r\nt=0 0\r\n"
            "m=audio 30000 RTP/AVP 0 101\r\na=rtpmap:0 PCMU/8000\r\n"
            "a=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-16\r\na=sendonly\r\n");
  Session back = parsed(out);
  EXPECT_EQ(back.direction_for(back.media[0]), Direction::kSendOnly);
  EXPECT_EQ(telephone_event_payload(back.media[0]), 101);
}

TEST(Sdp, AcceptsBareLfAndMulticastConnections) {
  const std::string text =
      "v=0\no=- 1 1 IN IP4 192.0.2.1\ns=-\nc=IN IP4 233.252.0.1/127/3\nt=0 0\n"
      "m=audio 5004/2 RTP/AVP 0\nc=IN IP6 ff15::101/3\n";
  Session s = parsed(text);  // views into `text`, which outlives s
  EXPECT_EQ(s.connection.ttl, 127);
  EXPECT_EQ(s.connection.count, 3);
  EXPECT_EQ(s.media[0].port_count, 2);
  EXPECT_EQ(s.media[0].connections[0].count, 3);
  std::string out;
  write_session(s, &out);
  EXPECT_NE(out.find("c=IN IP4 233.252.0.1/127/3\r\n"), std::string::npos);
  EXPECT_NE(out.find("m=audio 5004/2 RTP/AVP 0\r\n"), std::string::npos);
  EXPECT_EQ(parsed(out), s);
}

std::string error_of(const std::string& text, std::uint32_t* line = nullptr) {
  Session s;
  SdpError err = parse_session(text, &s);
  EXPECT_FALSE(err.ok()) << text;
  if (line != nullptr) *line = err.line;
  return err.detail != nullptr ? err.detail : "";
}

TEST(Sdp, PreciseErrors) {
  const std::string head =
      "v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\n";
  std::uint32_t line = 0;
  EXPECT_EQ(error_of("o=- 1 1 IN IP4 192.0.2.1\r\n"), "SDP must start with v=");
  EXPECT_EQ(error_of(head + "m =video 3227 RTP/AVP 31\r\n", &line), "line is not <type>=<value>");
  EXPECT_EQ(line, 6u);
  EXPECT_EQ(error_of(head + "x=1\r\n"), "unknown line type");
  EXPECT_EQ(error_of("v=0\r\ns=-\r\no=- 1 1 IN IP4 192.0.2.1\r\nt=0 0\r\n"),
            "line out of the order RFC 4566 fixes");
  EXPECT_EQ(error_of(head + "m=audio 70000 RTP/AVP 0\r\n"), "m= port is not 0-65535");
  EXPECT_EQ(error_of(head + "m=audio 1 RTP/AVP 200\r\n"), "m= RTP payload type is not 0-127");
  EXPECT_EQ(error_of(head + "m=audio 1 RTP/AVP\r\n"), "m= needs <media> <port> <proto> <fmt> ...");
  EXPECT_EQ(error_of(head + "m=audio 1 RTP/AVP 0\r\na=rtpmap:0 PCMU\r\n"),
            "rtpmap needs encoding/clock rate");
  EXPECT_EQ(error_of(head + "m=audio 1 RTP/AVP 0\r\na=sendrecv:x\r\n"),
            "direction attribute takes no value");
  EXPECT_EQ(error_of(head + "m=audio 1 RTP/AVP 0\r\na=ptime:abc\r\n"),
            "packet time is not a number");
  EXPECT_EQ(error_of(head + "m=audio 1 RTP/AVP 0\r\nt=0 0\r\n"),
            "line type not allowed in a media description");
  EXPECT_EQ(error_of("v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nt=0 0\r\nm=audio 1 RTP/AVP 0\r\n"),
            "media without c= and no session-level c=");
  EXPECT_EQ(error_of("v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\n"), "t= missing");
  EXPECT_EQ(error_of("v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 300.1.1.1\r\nt=0 0\r\n"),
            "not an IPv4 address or host name");
  EXPECT_EQ(error_of("v=0\r\no=- x 1 IN IP4 192.0.2.1\r\ns=-\r\nt=0 0\r\n"),
            "o= session id and version must be numbers");
  Session s;
  EXPECT_EQ(parse_session(head + "a=x\r\nq=1\r\n", &s).describe(),
            "SDP line 7 (byte 68): unknown line type");
}

TEST(SdpCrypto, ParsesKeysLifetimeMkiAndSessionParams) {
  Crypto c;
  const char* err = nullptr;
  ASSERT_TRUE(parse_crypto(
      "1 AES_CM_128_HMAC_SHA1_80 inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR|2^20|1:4;"
      "inline:QUJjZGVmMTIzNDU2Nzg5QUJDREUwMTIzNDU2Nzg5|2^20|2:4 UNENCRYPTED_SRTCP KDR=23",
      &c, &err))
      << err;
  EXPECT_EQ(c.tag, 1u);
  EXPECT_EQ(c.suite, "AES_CM_128_HMAC_SHA1_80");
  ASSERT_EQ(c.keys.size(), 2u);
  EXPECT_EQ(c.keys[0].lifetime, "2^20");
  EXPECT_EQ(c.keys[0].mki_value, "1");
  EXPECT_EQ(c.keys[0].mki_length, 4u);
  EXPECT_EQ(c.session_params, (std::vector<std::string_view>{"UNENCRYPTED_SRTCP", "KDR=23"}));
  std::vector<std::uint8_t> key;
  ASSERT_TRUE(decode_base64(c.keys[0].key_salt, &key));
  EXPECT_EQ(key.size(), 30u);
  EXPECT_EQ(format_crypto(c),
            "1 AES_CM_128_HMAC_SHA1_80 inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR|2^20|1:4;"
            "inline:QUJjZGVmMTIzNDU2Nzg5QUJDREUwMTIzNDU2Nzg5|2^20|2:4 UNENCRYPTED_SRTCP KDR=23");
  Crypto back;
  std::string formatted = format_crypto(c);
  ASSERT_TRUE(parse_crypto(formatted, &back, nullptr));
  EXPECT_EQ(back, c);
}

TEST(SdpCrypto, RefusesBadKeys) {
  Crypto c;
  const char* err = nullptr;
  EXPECT_FALSE(parse_crypto("1 AES_CM_128_HMAC_SHA1_80 inline:c2hvcnQ=", &c, &err));
  EXPECT_STREQ(err, "crypto key length does not match the suite");
  EXPECT_FALSE(parse_crypto("1 AES_CM_128_HMAC_SHA1_80 inline:!!!!", &c, &err));
  EXPECT_STREQ(err, "crypto key is not base64");
  EXPECT_FALSE(parse_crypto("x AES_CM_128_HMAC_SHA1_80 inline:a", &c, &err));
  EXPECT_STREQ(err, "crypto tag is not 1-9 digits");
  EXPECT_FALSE(parse_crypto("1 AES_CM_128_HMAC_SHA1_80", &c, &err));
  EXPECT_STREQ(err, "crypto key-params missing");
  EXPECT_FALSE(parse_crypto("1 AES_CM_128_HMAC_SHA1_80 dtls:abc", &c, &err));
  EXPECT_STREQ(err, "crypto key method is not inline");
  EXPECT_FALSE(parse_crypto(
      "1 AES_CM_128_HMAC_SHA1_80 inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR|1:0", &c, &err));
  EXPECT_STREQ(err, "crypto MKI is not <value>:<length 1-128>");
  EXPECT_FALSE(
      parse_crypto("1 AES_CM_128_HMAC_SHA1_80 inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR;"
                   "inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR",
                   &c, &err));
  EXPECT_STREQ(err, "several crypto keys need an MKI each");
  // A suite not known here takes any base64 key.
  EXPECT_TRUE(parse_crypto("7 FUTURE_SUITE inline:YWJj", &c, &err));
}

TEST(SdpCrypto, Base64BothWays) {
  std::vector<std::uint8_t> bytes{0x00, 0xFF, 0x10, 0x20, 0x30};
  std::string text = encode_base64(bytes);
  EXPECT_EQ(text, "AP8QIDA=");
  std::vector<std::uint8_t> back;
  ASSERT_TRUE(decode_base64(text, &back));
  EXPECT_EQ(back, bytes);
  ASSERT_TRUE(decode_base64("AP8QIDA", &back));  // padding optional
  EXPECT_EQ(back, bytes);
  EXPECT_FALSE(decode_base64("A", &back));
}

TEST(SdpAttributes, SmallParsers) {
  RtpMap m;
  ASSERT_TRUE(parse_rtpmap("96 opus/48000/2", &m, nullptr));
  EXPECT_EQ(m.channels, 2);
  EXPECT_EQ(format_rtpmap(m), "96 opus/48000/2");
  EXPECT_FALSE(parse_rtpmap("128 X/8000", &m, nullptr));
  double ms = 0;
  ASSERT_TRUE(parse_packet_time("0.5", &ms, nullptr));
  EXPECT_DOUBLE_EQ(ms, 0.5);
  std::bitset<256> ev;
  ASSERT_TRUE(parse_event_list("", &ev, nullptr));
  EXPECT_EQ(ev.count(), 16u);
  EXPECT_FALSE(parse_event_list("5-3", &ev, nullptr));
  Connection c;
  EXPECT_FALSE(parse_connection("IN IP6 2001:db8::1/0", &c, nullptr));
  EXPECT_TRUE(parse_connection("IN IP4 media.example.com", &c, nullptr));
}

}  // namespace
}  // namespace trunkline::sdp
