// SRTP on one leg of a call, keyed by SDES (RFC 4568): a carrier's RTP/SAVP
// offer is answered with our own key while the agent gets plain RTP; an agent
// whose phone takes SRTP only is offered RTP/SAVP with our key, and its
// answer's key reaches the dataplane. What cannot be keyed is refused.
#include <gtest/gtest.h>

#include <cstring>

#include "control/b2bua/sdp_anchor.h"
#include "control/sdp/crypto.h"
#include "tests/unit/b2bua/b2bua_harness.h"

namespace trunkline::b2bua::testing {
namespace {

using media::CommandVerb;

// `length` bytes counting up from `base`, as base64.
std::string key_b64(std::uint8_t base, std::size_t length = 30) {
  std::vector<std::uint8_t> k(length);
  for (std::size_t i = 0; i < length; ++i) k[i] = static_cast<std::uint8_t>(base + i);
  return sdp::encode_base64(k);
}

std::string savp(const std::string& sdp, const std::string& crypto_line) {
  std::string s = sdp;
  s.replace(s.find("RTP/AVP"), 7, "RTP/SAVP");
  return s + crypto_line;
}

// The a=crypto of the first audio line of `sdp`, with its key decoded.
struct CryptoSeen {
  std::uint32_t tag = 0;
  std::string suite;
  std::vector<std::uint8_t> key;
};
std::optional<CryptoSeen> crypto_of(std::string_view sdp) {
  const auto at = sdp.find("a=crypto:");
  if (at == std::string_view::npos) return std::nullopt;
  const auto end = sdp.find("\r\n", at);
  sdp::Crypto c;
  const char* error = nullptr;
  if (!sdp::parse_crypto(sdp.substr(at + 9, end - at - 9), &c, &error)) return std::nullopt;
  CryptoSeen out;
  out.tag = c.tag;
  out.suite = std::string(c.suite);
  if (!sdp::decode_base64(c.keys.at(0).key_salt, &out.key)) return std::nullopt;
  return out;
}

std::vector<media::Command> commands_of(const Harness& h, CommandVerb verb) {
  std::vector<media::Command> out;
  for (const auto& c : h.media.commands)
    if (c.verb == verb) out.push_back(c);
  return out;
}

TEST(B2buaSrtp, ACarriersSrtpOfferIsAnsweredWithOurKeyAndTheAgentGetsPlainRtp) {
  Harness h;
  const std::string carrier_key = key_b64(0x01);
  h.receive(
      carrier_invite(
          "+81312345678",
          savp(carrier_sdp(), "a=crypto:7 AES_CM_128_HMAC_SHA1_80 inline:" + carrier_key + "\r\n")),
      kCarrier);
  const Sent* inv = h.last_request_to("198.51.100.20", "INVITE");
  ASSERT_NE(inv, nullptr);
  const std::string_view agent_offer = inv->msg.body();
  EXPECT_NE(agent_offer.find("RTP/AVP"), std::string_view::npos) << agent_offer;
  EXPECT_EQ(agent_offer.find("RTP/SAVP"), std::string_view::npos) << agent_offer;
  EXPECT_EQ(agent_offer.find("a=crypto"), std::string_view::npos) << "the carrier's key stays here";

  const auto create = commands_of(h, CommandVerb::kCreate);
  ASSERT_EQ(create.size(), 1u);
  const media::SrtpKeys& k = create[0].legs[0].srtp;
  EXPECT_EQ(k.suite, media::SrtpSuite::kAesCm128HmacSha1_80);
  ASSERT_TRUE(k.has_rx);
  EXPECT_EQ(k.rx[0], 0x01);
  EXPECT_EQ(k.rx[29], 0x1e);
  EXPECT_EQ(create[0].legs[1].srtp.suite, media::SrtpSuite::kNone);

  h.receive(agent_response(inv->msg, 200, "a1", agent_sdp()), peer("198.51.100.20", 5070));
  const Sent* ok = h.last_response_to("203.0.113.10", 200);
  ASSERT_NE(ok, nullptr);
  const std::string_view answer = ok->msg.body();
  EXPECT_NE(answer.find("m=audio " + std::to_string(create[0].legs[0].local.port) + " RTP/SAVP"),
            std::string_view::npos)
      << answer;
  auto ours = crypto_of(answer);
  ASSERT_TRUE(ours) << answer;
  EXPECT_EQ(ours->tag, 7u) << "RFC 4568 §5.1.2: the answer keeps the offer's tag";
  EXPECT_EQ(ours->suite, "AES_CM_128_HMAC_SHA1_80");
  ASSERT_EQ(ours->key.size(), 30u);
  EXPECT_EQ(std::memcmp(ours->key.data(), k.tx, 30), 0) << "the key we protect with";
  EXPECT_NE(std::memcmp(k.tx, k.rx, 30), 0) << "ours, not the carrier's";
}

TEST(B2buaSrtp, AnSrtpAgentIsOfferedRtpSavpAndItsAnswerKeysTheLeg) {
  Harness h;
  h.routing.srtp_agents.insert("alice");
  h.receive(carrier_invite(), kCarrier);
  const Sent* inv = h.last_request_to("198.51.100.20", "INVITE");
  ASSERT_NE(inv, nullptr);
  auto offered = crypto_of(inv->msg.body());
  ASSERT_TRUE(offered) << inv->msg.body();
  EXPECT_NE(inv->msg.body().find("RTP/SAVP"), std::string_view::npos);
  const auto create = commands_of(h, CommandVerb::kCreate);
  ASSERT_EQ(create.size(), 1u);
  const media::SrtpKeys& k = create[0].legs[1].srtp;
  EXPECT_EQ(k.suite, media::SrtpSuite::kAesCm128HmacSha1_80);
  EXPECT_FALSE(k.has_rx) << "the agent's key comes with its answer";
  EXPECT_EQ(std::memcmp(offered->key.data(), k.tx, 30), 0);
  EXPECT_EQ(create[0].legs[0].srtp.suite, media::SrtpSuite::kNone);

  const std::string agent_key = key_b64(0x41);
  h.receive(agent_response(
                inv->msg, 200, "a1",
                savp(agent_sdp(), "a=crypto:" + std::to_string(offered->tag) +
                                      " AES_CM_128_HMAC_SHA1_80 inline:" + agent_key + "\r\n")),
            peer("198.51.100.20", 5070));
  const auto updates = commands_of(h, CommandVerb::kUpdateRemote);
  ASSERT_FALSE(updates.empty());
  const media::SrtpKeys& u = updates.back().legs[1].srtp;
  ASSERT_TRUE(u.has_rx);
  EXPECT_EQ(u.rx[0], 0x41);
  EXPECT_EQ(std::memcmp(u.tx, k.tx, 30), 0) << "our key is unchanged";
  const Sent* ok = h.last_response_to("203.0.113.10", 200);
  ASSERT_NE(ok, nullptr);
  EXPECT_EQ(ok->msg.body().find("a=crypto"), std::string_view::npos) << "the carrier stays plain";
  EXPECT_EQ(ok->msg.body().find("RTP/SAVP"), std::string_view::npos);
  EXPECT_EQ(h.b2bua.counters().calls_answered, 1u);
}

TEST(B2buaSrtp, AnSrtpAgentAnsweringPlainRtpDoesNotGetTheCall) {
  Harness h;
  h.routing.srtp_agents.insert("alice");
  h.routing.dids["+81312345678"] = {"alice"};
  h.receive(carrier_invite(), kCarrier);
  const Sent* inv = h.last_request_to("198.51.100.20", "INVITE");
  ASSERT_NE(inv, nullptr);
  h.receive(agent_response(inv->msg, 200, "a1", agent_sdp()), peer("198.51.100.20", 5070));
  EXPECT_NE(h.last_request_to("198.51.100.20", "BYE"), nullptr) << "its leg is hung up";
  EXPECT_EQ(h.last_response_to("203.0.113.10", 200), nullptr);
  EXPECT_EQ(h.b2bua.counters().calls_answered, 0u);
}

TEST(B2buaSrtp, SrtpOffersThatCannotBeKeyedAre488WithTheReason) {
  struct Case {
    std::string crypto;
    std::string why;
  };
  const Case cases[] = {
      {"", "without an a=crypto"},
      {"a=crypto:1 AEAD_AES_256_GCM inline:" + key_b64(1, 44) + "\r\n", "AEAD_AES_256_GCM"},
      {"a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:" + key_b64(1) + "|2^20|1:4\r\n", "MKI"},
  };
  int n = 0;
  for (const Case& c : cases) {
    Harness h;
    h.receive(carrier_invite("+81312345678", savp(carrier_sdp(), c.crypto),
                             "srtp-" + std::to_string(n), "z9hG4bKs" + std::to_string(n)),
              kCarrier);
    ++n;
    const Sent* refused = h.last_response_to("203.0.113.10", 488);
    ASSERT_NE(refused, nullptr) << c.crypto;
    const sip::HeaderField* w = refused->msg.find(sip::HeaderId::kWarning);
    ASSERT_NE(w, nullptr);
    EXPECT_NE(w->value.find(c.why), std::string_view::npos) << c.why << " in " << w->value;
    EXPECT_TRUE(h.media.commands.empty());
    EXPECT_EQ(h.b2bua.counters().refused_sdp, 1u);
  }
}

}  // namespace
}  // namespace trunkline::b2bua::testing
