// Calls through the B2BUA, from the carrier's INVITE to the CDR: what each
// side receives, the media commands, and the record written.
#include <gtest/gtest.h>

#include "control/b2bua/sdp_anchor.h"
#include "dataplane/media/rtp_stats.h"
#include "tests/unit/b2bua/b2bua_harness.h"

namespace trunkline::b2bua::testing {
namespace {

using media::CommandVerb;

// A carrier INVITE answered by alice: returns the INVITE alice got.
const Sent* ring_alice(Harness& h) {
  h.receive(carrier_invite(), kCarrier);
  const Sent* inv = h.last_request_to("198.51.100.20", "INVITE");
  EXPECT_NE(inv, nullptr);
  return inv;
}

void answer(Harness& h, const Sent* inv, const std::string& tag = "a1") {
  h.receive(agent_response(inv->msg, 180, tag), peer("198.51.100.20", 5070));
  h.receive(agent_response(inv->msg, 200, tag, agent_sdp()), peer("198.51.100.20", 5070));
}

TEST(B2buaCall, AnsweredCallAnchorsMediaOnBothLegsAndWritesTheCdr) {
  Harness h;
  const Sent* inv = ring_alice(h);
  ASSERT_NE(inv, nullptr);
  // The carrier got 100 Trying; alice an INVITE whose SDP points at us.
  ASSERT_NE(h.last_response_to("203.0.113.10", 100), nullptr);
  auto offer = read_audio(inv->msg.body());
  ASSERT_TRUE(offer.ok());
  EXPECT_EQ(offer->remote.ip, ip("198.51.100.1"));
  EXPECT_EQ(offer->remote.port % 2, 0);
  EXPECT_GE(offer->remote.port, 20000);
  EXPECT_EQ(offer->telephone_event_pt, 101);
  EXPECT_EQ(inv->msg.request_line().uri.text, "sip:alice@198.51.100.20:5070");
  EXPECT_NE(inv->msg.call_id(), "carrier-call-1");  // its own dialog

  ASSERT_EQ(h.media.commands.size(), 1u);
  const media::Command create = h.media.commands[0];  // a copy: the vector grows
  EXPECT_EQ(create.verb, CommandVerb::kCreate);
  EXPECT_EQ(create.legs[0].remote.ip, ip("203.0.113.10"));
  EXPECT_EQ(create.legs[0].remote.port, 30000);
  EXPECT_EQ(create.legs[1].local.port, offer->remote.port);
  EXPECT_EQ(create.legs[1].remote.port, 0);  // not known before the answer

  answer(h, inv);
  // 180 then 200 to the carrier, the 200 with our address and leg-0 port.
  ASSERT_NE(h.last_response_to("203.0.113.10", 180), nullptr);
  const Sent* ok = h.last_response_to("203.0.113.10", 200);
  ASSERT_NE(ok, nullptr);
  EXPECT_TRUE(ok->msg.to().has_tag);
  EXPECT_NE(ok->msg.find(sip::HeaderId::kRecordRoute), nullptr);  // copied (RFC 3261 §12.1.1)
  auto answer_sdp = read_audio(ok->msg.body());
  ASSERT_TRUE(answer_sdp.ok());
  EXPECT_EQ(answer_sdp->remote.ip, ip("198.51.100.1"));
  EXPECT_EQ(answer_sdp->remote.port, create.legs[0].local.port);
  // alice's 200 was acknowledged, and the agent leg's remote updated.
  const Sent* ack = h.last_request_to("198.51.100.20", "ACK");
  ASSERT_NE(ack, nullptr);
  EXPECT_EQ(ack->msg.to().tag, "a1");
  ASSERT_EQ(h.media.commands.size(), 2u);
  EXPECT_EQ(h.media.commands[1].verb, CommandVerb::kUpdateRemote);
  EXPECT_EQ(h.media.commands[1].leg, 1);
  EXPECT_EQ(h.media.commands[1].legs[1].remote.port, 40000);
  EXPECT_EQ(h.b2bua.counters().calls_answered, 1u);
  EXPECT_EQ(h.b2bua.counters().calls_active, 1u);

  // The carrier hangs up: 200 to it, BYE to alice, the session deleted.
  const std::string tag(ok->msg.to().tag);
  std::string bye =
      "BYE sip:trunkline@198.51.100.1:5060 SIP/2.0\r\n"
      "Via: SIP/2.0/UDP 203.0.113.10:5060;branch=z9hG4bKbye1\r\n"
      "Max-Forwards: 70\r\nFrom: <sip:0312340000@203.0.113.10>;tag=c1\r\n"
      "To: <sip:+81312345678@198.51.100.1>;tag=" +
      tag + "\r\nCall-ID: carrier-call-1\r\nCSeq: 2 BYE\r\nContent-Length: 0\r\n\r\n";
  h.receive(bye, kCarrier);
  const Sent* agent_bye = h.last_request_to("198.51.100.20", "BYE");
  ASSERT_NE(agent_bye, nullptr);
  EXPECT_EQ(agent_bye->msg.call_id(), inv->msg.call_id());
  EXPECT_EQ(agent_bye->msg.cseq().number, 2u);
  ASSERT_EQ(h.media.commands.back().verb, CommandVerb::kDelete);
  EXPECT_TRUE(h.cdrs.empty());  // waits for the media reports

  media::Report r;
  r.kind = media::ReportKind::kFinal;
  r.id = create.id;
  r.leg = 0;
  r.stats.packets = 500;
  r.stats.mos_x100 = 441;
  h.b2bua.on_media_report(r);
  r.leg = 1;
  r.stats.packets = 499;
  r.stats.lost = 1;
  h.b2bua.on_media_report(r);
  ASSERT_EQ(h.cdrs.size(), 1u);
  const CallRecord& cdr = h.cdrs[0];
  EXPECT_EQ(cdr.cdr.outcome, Outcome::kAnswered);
  EXPECT_EQ(cdr.tenant, 7);
  EXPECT_EQ(cdr.cdr.caller_leg.packets, 500u);
  // The per-leg MOS is re-estimated from the lcores' summed counts.
  EXPECT_DOUBLE_EQ(cdr.cdr.caller_leg.mos, media::estimate_mos_x100(500, 0, 0) / 100.0);
  EXPECT_GT(cdr.cdr.caller_leg.mos, 4.0);
  EXPECT_EQ(cdr.cdr.caller, "0312340000");
  EXPECT_EQ(cdr.cdr.did, "+81312345678");
  EXPECT_EQ(cdr.cdr.agent, "alice");
  EXPECT_EQ(cdr.cdr.cause_text, "caller hung up");
  EXPECT_NE(cdr.cdr.answered_at_ms, 0);
  EXPECT_EQ(cdr.caller_stats.packets, 500u);
  EXPECT_EQ(cdr.agent_stats.lost, 1u);
  EXPECT_EQ(h.b2bua.calls(), 0u);
  EXPECT_EQ(h.b2bua.counters().calls_active, 0u);
}

TEST(B2buaCall, RefusesUnknownTrunkUnknownNumberAndUnusableSdp) {
  Harness h;
  h.receive(carrier_invite(), peer("203.0.113.99", 5060));
  EXPECT_NE(h.last_response_to("203.0.113.99", 403), nullptr);
  h.receive(carrier_invite("+810000", carrier_sdp(), "c2", "z9hG4bKc2"), kCarrier);
  EXPECT_NE(h.last_response_to("203.0.113.10", 404), nullptr);
  // (No SDP at all is a late offer, accepted; an offer without audio is not.)
  h.receive(carrier_invite("+81312345678",
                           "v=0\r\no=c 1 1 IN IP4 203.0.113.10\r\ns=-\r\nc=IN IP4 203.0.113.10\r\n"
                           "t=0 0\r\nm=video 30000 RTP/AVP 96\r\n",
                           "c3", "z9hG4bKc3"),
            kCarrier);
  const Sent* r488 = h.last_response_to("203.0.113.10", 488);
  ASSERT_NE(r488, nullptr);
  EXPECT_NE(r488->msg.find("Warning"), nullptr);
  EXPECT_TRUE(h.media.commands.empty());
  EXPECT_EQ(h.b2bua.counters().refused_trunk, 1u);
  EXPECT_EQ(h.b2bua.counters().refused_number, 1u);
  EXPECT_EQ(h.b2bua.counters().refused_sdp, 1u);
  EXPECT_EQ(h.b2bua.calls(), 0u);
}

// RFC 3261 §26.2.2: a SIPS Request-URI wants TLS up to us. In clear it is
// refused; over TLS the dialog's Contact is a SIPS URI (§12.1.1).
TEST(B2buaCall, SipsInviteIsRefusedInClearAndGetsASipsContactOverTls) {
  Harness h;
  std::string sips = carrier_invite("+81312345678", carrier_sdp(), "sips-1", "z9hG4bKs1");
  sips.replace(sips.find("INVITE sip:"), 11, "INVITE sips:");
  h.receive(sips, kCarrier);
  const Sent* refused = h.last_response_to("203.0.113.10", 403);
  ASSERT_NE(refused, nullptr);
  EXPECT_EQ(refused->msg.status_line().reason, "SIPS Requires TLS");
  EXPECT_EQ(h.b2bua.counters().refused_transport, 1u);
  EXPECT_EQ(h.b2bua.calls(), 0u);

  sip::Peer tls = kCarrier;
  tls.transport = sip::TransportKind::kTls;
  tls.local_port = 5061;
  std::string over_tls = carrier_invite("+81312345678", carrier_sdp(), "sips-2", "z9hG4bKs2");
  over_tls.replace(over_tls.find("INVITE sip:"), 11, "INVITE sips:");
  h.receive(over_tls, tls);
  EXPECT_EQ(h.b2bua.calls(), 1u);
  const Sent* inv = h.last_request_to("198.51.100.20", "INVITE");
  ASSERT_NE(inv, nullptr);
  answer(h, inv);
  const Sent* ok = h.last_response_to("203.0.113.10", 200);
  ASSERT_NE(ok, nullptr);
  const sip::HeaderField* contact = ok->msg.find(sip::HeaderId::kContact);
  ASSERT_NE(contact, nullptr);
  EXPECT_EQ(contact->value.substr(0, 7), "<sips:t") << contact->value;
  EXPECT_EQ(contact->value.find("transport="), std::string_view::npos) << contact->value;
}

TEST(B2buaCall, OverloadAnswers503WithRetryAfter) {
  B2buaConfig cfg;
  cfg.max_calls = 1;
  cfg.retry_after_s = 17;
  Harness h(cfg);
  h.receive(carrier_invite(), kCarrier);
  h.receive(carrier_invite("+81312345678", carrier_sdp(), "c2", "z9hG4bKc2"), kCarrier);
  const Sent* busy = h.last_response_to("203.0.113.10", 503);
  ASSERT_NE(busy, nullptr);
  const sip::HeaderField* ra = busy->msg.find("Retry-After");
  ASSERT_NE(ra, nullptr);
  EXPECT_EQ(ra->value, "17");
  EXPECT_EQ(h.b2bua.counters().refused_overload, 1u);
}

TEST(B2buaCall, MediaRingFullRefusesTheCallWith503) {
  Harness h;
  h.media.full = true;
  h.receive(carrier_invite(), kCarrier);
  EXPECT_NE(h.last_response_to("203.0.113.10", 503), nullptr);
  EXPECT_EQ(h.last_request_to("198.51.100.20", "INVITE"), nullptr);
  h.advance(100);
  ASSERT_EQ(h.cdrs.size(), 1u);
  EXPECT_EQ(h.cdrs[0].cdr.outcome, Outcome::kFailed);
}

TEST(B2buaCall, BusyAgentFallsThroughToTheNextAgent) {
  Harness h;
  const Sent* inv = ring_alice(h);
  h.receive(agent_response(inv->msg, 486, "a1"), peer("198.51.100.20", 5070));
  // The 486 is acknowledged by the transaction layer, and bob is rung.
  EXPECT_NE(h.last_request_to("198.51.100.20", "ACK"), nullptr);
  const Sent* bob = h.last_request_to("198.51.100.21", "INVITE");
  ASSERT_NE(bob, nullptr);
  h.receive(agent_response(bob->msg, 200, "b1", agent_sdp(), "sip:bob@198.51.100.21:5070"),
            peer("198.51.100.21", 5070));
  EXPECT_NE(h.last_response_to("203.0.113.10", 200), nullptr);
  EXPECT_EQ(h.b2bua.counters().agent_busy, 1u);
  EXPECT_EQ(h.media.commands[0].verb, CommandVerb::kCreate);  // once, reused for bob
  EXPECT_EQ(std::count_if(h.media.commands.begin(), h.media.commands.end(),
                          [](const media::Command& c) { return c.verb == CommandVerb::kCreate; }),
            1);
}

TEST(B2buaCall, EveryAgentBusyAnswers486AndRecordsBusy) {
  Harness h;
  const Sent* inv = ring_alice(h);
  h.receive(agent_response(inv->msg, 486, "a1"), peer("198.51.100.20", 5070));
  const Sent* bob = h.last_request_to("198.51.100.21", "INVITE");
  ASSERT_NE(bob, nullptr);
  h.receive(agent_response(bob->msg, 486, "b1"), peer("198.51.100.21", 5070));
  EXPECT_NE(h.last_response_to("203.0.113.10", 486), nullptr);
  h.advance(1500);
  ASSERT_EQ(h.cdrs.size(), 1u);
  EXPECT_EQ(h.cdrs[0].cdr.outcome, Outcome::kBusy);
  EXPECT_EQ(h.cdrs[0].cdr.cause_code, 486);
  EXPECT_EQ(h.media.commands.back().verb, CommandVerb::kDelete);
}

TEST(B2buaCall, RingTimeoutCancelsAndTriesTheNextThenAnswers480) {
  B2buaConfig cfg;
  cfg.ring_timeout_s = 5;
  Harness h(cfg);
  ring_alice(h);
  h.advance(5100);
  EXPECT_NE(h.last_request_to("198.51.100.20", "CANCEL"), nullptr);
  ASSERT_NE(h.last_request_to("198.51.100.21", "INVITE"), nullptr);
  h.advance(5100);
  EXPECT_NE(h.last_request_to("198.51.100.21", "CANCEL"), nullptr);
  EXPECT_NE(h.last_response_to("203.0.113.10", 480), nullptr);
  h.advance(1500);
  ASSERT_EQ(h.cdrs.size(), 1u);
  EXPECT_EQ(h.cdrs[0].cdr.outcome, Outcome::kNoAnswer);
  EXPECT_EQ(h.b2bua.counters().agent_no_answer, 2u);
}

TEST(B2buaCall, UnreachableAgentTimesOutToTheNext) {
  B2buaConfig cfg;
  cfg.ring_timeout_s = 60;  // longer than Timer B, so the transaction times out first
  Harness h(cfg);
  ring_alice(h);
  h.advance(33000);  // Timer B = 64*T1
  EXPECT_NE(h.last_request_to("198.51.100.21", "INVITE"), nullptr);
  EXPECT_EQ(h.b2bua.counters().agent_unreachable, 1u);
}

TEST(B2buaCall, CallerCancelBeforeAnswerCancelsTheAgentAndIsAbandoned) {
  Harness h;
  const Sent* inv = ring_alice(h);
  h.receive(agent_response(inv->msg, 180, "a1"), peer("198.51.100.20", 5070));
  std::string cancel =
      "CANCEL sip:+81312345678@198.51.100.1 SIP/2.0\r\n"
      "Via: SIP/2.0/UDP 203.0.113.10:5060;branch=z9hG4bKc1\r\n"
      "Max-Forwards: 70\r\nFrom: <sip:0312340000@203.0.113.10>;tag=c1\r\n"
      "To: <sip:+81312345678@198.51.100.1>\r\nCall-ID: carrier-call-1\r\n"
      "CSeq: 1 CANCEL\r\nContent-Length: 0\r\n\r\n";
  h.receive(cancel, kCarrier);
  EXPECT_NE(h.last_response_to("203.0.113.10", 487), nullptr);
  const Sent* agent_cancel = h.last_request_to("198.51.100.20", "CANCEL");
  ASSERT_NE(agent_cancel, nullptr);
  EXPECT_EQ(agent_cancel->msg.call_id(), inv->msg.call_id());
  h.advance(1500);
  ASSERT_EQ(h.cdrs.size(), 1u);
  EXPECT_EQ(h.cdrs[0].cdr.outcome, Outcome::kAbandoned);
  EXPECT_EQ(h.b2bua.counters().abandoned, 1u);
}

TEST(B2buaCall, AgentHangsUpAndTheCarrierGetsBye) {
  Harness h;
  const Sent* inv = ring_alice(h);
  answer(h, inv);
  const Sent* ok = h.last_response_to("203.0.113.10", 200);
  ASSERT_NE(ok, nullptr);
  std::string bye =
      "BYE sip:trunkline@198.51.100.1:5060 SIP/2.0\r\n"
      "Via: SIP/2.0/UDP 198.51.100.20:5070;branch=z9hG4bKab1\r\n"
      "Max-Forwards: 70\r\nFrom: " +
      std::string(inv->msg.find(sip::HeaderId::kTo)->value) +
      ";tag=a1\r\nTo: " + std::string(inv->msg.find(sip::HeaderId::kFrom)->value) +
      "\r\nCall-ID: " + std::string(inv->msg.call_id()) +
      "\r\nCSeq: 1 BYE\r\nContent-Length: 0\r\n\r\n";
  h.receive(bye, peer("198.51.100.20", 5070));
  EXPECT_NE(h.last_response_to("198.51.100.20", 200), nullptr);
  const Sent* carrier_bye = h.last_request_to("203.0.113.10", "BYE");
  ASSERT_NE(carrier_bye, nullptr);
  // Within the carrier's dialog: its Contact as target, its Record-Route as Route.
  EXPECT_EQ(carrier_bye->msg.request_line().uri.text, "sip:carrier@203.0.113.10:5060");
  ASSERT_NE(carrier_bye->msg.find(sip::HeaderId::kRoute), nullptr);
  EXPECT_EQ(carrier_bye->msg.find(sip::HeaderId::kRoute)->value, "<sip:203.0.113.10;lr>");
  EXPECT_EQ(carrier_bye->msg.from().tag, ok->msg.to().tag);
  EXPECT_EQ(carrier_bye->msg.to().tag, "c1");
  h.advance(1500);
  ASSERT_EQ(h.cdrs.size(), 1u);
  EXPECT_EQ(h.cdrs[0].cdr.cause_text, "agent hung up");
}

TEST(B2buaCall, ReInviteForHoldIsRelayedAndHoldsTheLeg) {
  Harness h;
  const Sent* inv = ring_alice(h);
  answer(h, inv);
  const Sent* ok = h.last_response_to("203.0.113.10", 200);
  ASSERT_NE(ok, nullptr);
  const std::string sdp = carrier_sdp("203.0.113.10", 30000, "sendonly");
  std::string reinvite =
      "INVITE sip:trunkline@198.51.100.1:5060 SIP/2.0\r\n"
      "Via: SIP/2.0/UDP 203.0.113.10:5060;branch=z9hG4bKre1\r\n"
      "Max-Forwards: 70\r\nFrom: <sip:0312340000@203.0.113.10>;tag=c1\r\n"
      "To: <sip:+81312345678@198.51.100.1>;tag=" +
      std::string(ok->msg.to().tag) +
      "\r\nCall-ID: carrier-call-1\r\nCSeq: 2 INVITE\r\n"
      "Contact: <sip:carrier@203.0.113.10:5060>\r\n"
      "Content-Type: application/sdp\r\nContent-Length: " +
      std::to_string(sdp.size()) + "\r\n\r\n" + sdp;
  const std::size_t before = h.media.commands.size();
  h.receive(reinvite, kCarrier);
  const Sent* agent_re = h.last_request_to("198.51.100.20", "INVITE");
  ASSERT_NE(agent_re, nullptr);
  ASSERT_NE(agent_re, inv);
  EXPECT_EQ(agent_re->msg.cseq().number, 2u);
  EXPECT_NE(agent_re->msg.body().find("a=sendonly"), std::string_view::npos);
  // The carrier leg is held: nothing is sent towards a sendonly peer.
  bool held = false;
  for (std::size_t i = before; i < h.media.commands.size(); ++i)
    if (h.media.commands[i].verb == CommandVerb::kHold && h.media.commands[i].leg == 0 &&
        h.media.commands[i].flag == 1)
      held = true;
  EXPECT_TRUE(held);
  // A second re-INVITE while this one is pending gets 491.
  std::string glare = reinvite;
  glare.replace(glare.find("z9hG4bKre1"), 10, "z9hG4bKre2");
  glare.replace(glare.find("CSeq: 2"), 7, "CSeq: 3");
  h.receive(glare, kCarrier);
  EXPECT_NE(h.last_response_to("203.0.113.10", 491), nullptr);

  std::string held_sdp = agent_sdp();
  held_sdp.replace(held_sdp.find("sendrecv"), 8, "recvonly");
  h.receive(agent_response(agent_re->msg, 200, "", held_sdp), peer("198.51.100.20", 5070));
  // The agent's 2xx is acknowledged with the re-INVITE's CSeq; the carrier gets 200.
  const Sent* ack = h.last_request_to("198.51.100.20", "ACK");
  ASSERT_NE(ack, nullptr);
  EXPECT_EQ(ack->msg.cseq().number, 2u);
  std::size_t oks = 0;
  for (auto& s : h.transport.sent)
    if (s->to.ip == ip("203.0.113.10") && !s->msg.is_request() &&
        s->msg.status_line().code == 200 && s->msg.cseq().number == 2)
      ++oks;
  EXPECT_GE(oks, 1u);
  EXPECT_EQ(h.b2bua.counters().reinvites, 1u);
}

TEST(B2buaCall, ARetransmittedAnswerIsAcknowledgedAgain) {
  Harness h;
  const Sent* inv = ring_alice(h);
  answer(h, inv);
  auto acks = [&] {
    int n = 0;
    for (auto& s : h.transport.sent)
      if (s->to.ip == ip("198.51.100.20") && s->msg.is_request() &&
          s->msg.request_line().method == "ACK")
        ++n;
    return n;
  };
  ASSERT_EQ(acks(), 1);
  // alice did not get our ACK and sends her 200 again (the INVITE client
  // transaction ended with the first 2xx: it is the TU's to acknowledge).
  h.advance(500);
  h.receive(agent_response(inv->msg, 200, "a1", agent_sdp()), peer("198.51.100.20", 5070));
  EXPECT_EQ(acks(), 2);
  EXPECT_EQ(h.b2bua.counters().calls_answered, 1u);
}

TEST(B2buaCall, InDialogRequestWithAWrongTagGets481) {
  Harness h;
  const Sent* inv = ring_alice(h);
  answer(h, inv);
  std::string bye =
      "BYE sip:trunkline@198.51.100.1:5060 SIP/2.0\r\n"
      "Via: SIP/2.0/UDP 203.0.113.10:5060;branch=z9hG4bKbye9\r\n"
      "Max-Forwards: 70\r\nFrom: <sip:0312340000@203.0.113.10>;tag=c1\r\n"
      "To: <sip:+81312345678@198.51.100.1>;tag=not-ours\r\n"
      "Call-ID: carrier-call-1\r\nCSeq: 2 BYE\r\nContent-Length: 0\r\n\r\n";
  h.receive(bye, kCarrier);
  EXPECT_NE(h.last_response_to("203.0.113.10", 481), nullptr);
  EXPECT_EQ(h.b2bua.counters().calls_active, 1u);
}

TEST(B2buaCall, CdrIsWrittenEvenWhenMediaReportsNeverCome) {
  Harness h;
  const Sent* inv = ring_alice(h);
  h.receive(agent_response(inv->msg, 486, "a1"), peer("198.51.100.20", 5070));
  const Sent* bob = h.last_request_to("198.51.100.21", "INVITE");
  h.receive(agent_response(bob->msg, 603, "b1"), peer("198.51.100.21", 5070));
  EXPECT_TRUE(h.cdrs.empty());
  h.advance(1100);
  EXPECT_EQ(h.cdrs.size(), 1u);
}

}  // namespace
}  // namespace trunkline::b2bua::testing

namespace trunkline::b2bua::testing {
namespace {

TEST(B2buaCall, StreamQualityIsSummedForStats) {
  Harness h;
  const Sent* inv = ring_alice(h);
  ASSERT_NE(inv, nullptr);
  answer(h, inv);
  media::SessionId id = 0;
  for (const auto& c : h.media.commands)
    if (c.verb == media::CommandVerb::kCreate) id = c.id;
  // The agent hangs up.
  h.receive(
      "BYE sip:trunkline@198.51.100.1:5060 SIP/2.0\r\n"
      "Via: SIP/2.0/UDP 198.51.100.20:5070;branch=z9hG4bKq1\r\nMax-Forwards: 70\r\nFrom: " +
          std::string(inv->msg.find(sip::HeaderId::kTo)->value) +
          ";tag=a1\r\nTo: " + std::string(inv->msg.find(sip::HeaderId::kFrom)->value) +
          "\r\nCall-ID: " + std::string(inv->msg.call_id()) +
          "\r\nCSeq: 1 BYE\r\nContent-Length: 0\r\n\r\n",
      peer("198.51.100.20", 5070));
  media::Report r;
  r.kind = media::ReportKind::kFinal;
  r.id = id;
  r.leg = 0;  // the caller's stream: clean
  r.stats.packets = 500;
  r.stats.jitter_us = 1000;
  h.b2bua.on_media_report(r);
  r.leg = 1;  // the agent's: 10% lost, 40 ms of jitter
  r.stats.packets = 450;
  r.stats.lost = 50;
  r.stats.jitter_us = 40000;
  h.b2bua.on_media_report(r);
  ASSERT_EQ(h.cdrs.size(), 1u);
  ASSERT_GE(h.cdrs[0].cdr.caller_leg.mos, 4.0);
  ASSERT_LT(h.cdrs[0].cdr.agent_leg.mos, 3.6);
  const B2buaCounters& c = h.b2bua.counters();
  EXPECT_EQ(c.streams_measured, 2u);
  EXPECT_EQ(c.stream_packets, 950u);
  EXPECT_EQ(c.stream_packets_lost, 50u);
  EXPECT_EQ(c.streams_mos_good, 1u);
  EXPECT_EQ(c.streams_mos_fair, 0u);
  EXPECT_EQ(c.streams_mos_poor, 1u);
  EXPECT_EQ(c.streams_jitter_over_30ms, 1u);
  EXPECT_EQ(c.streams_loss_over_1pct, 1u);
}

// A late offer: the carrier's INVITE has no SDP. The agent is offered G.711
// by us, its answer becomes our offer in the 200, the ACK carries the answer.
std::string carrier_ack(const Sent& ok, const std::string& sdp) {
  std::string s =
      "ACK sip:trunkline@198.51.100.1:5060 SIP/2.0\r\n"
      "Via: SIP/2.0/UDP 203.0.113.10:5060;branch=z9hG4bKack1\r\n"
      "Max-Forwards: 70\r\nFrom: <sip:0312340000@203.0.113.10>;tag=c1\r\n"
      "To: <sip:+81312345678@198.51.100.1>;tag=" +
      std::string(ok.msg.to().tag) + "\r\nCall-ID: carrier-call-1\r\nCSeq: 1 ACK\r\n";
  if (!sdp.empty()) s += "Content-Type: application/sdp\r\n";
  return s + "Content-Length: " + std::to_string(sdp.size()) + "\r\n\r\n" + sdp;
}

TEST(B2buaLateOffer, OurOfferGoesInThe200AndTheAckAnswerSetsTheCarrierLeg) {
  Harness h;
  h.receive(carrier_invite("+81312345678", ""), kCarrier);
  const Sent* inv = h.last_request_to("198.51.100.20", "INVITE");
  ASSERT_NE(inv, nullptr);
  const std::string offer(inv->msg.body());
  EXPECT_NE(offer.find("RTP/AVP 0 8 101"), std::string::npos) << offer;
  EXPECT_EQ(h.b2bua.counters().late_offers, 1u);
  ASSERT_EQ(h.media.commands[0].verb, CommandVerb::kCreate);
  EXPECT_EQ(h.media.commands[0].legs[0].remote.port, 0);  // unknown until the ACK
  answer(h, inv);
  const Sent* ok = h.last_response_to("203.0.113.10", 200);
  ASSERT_NE(ok, nullptr);
  auto ours = read_audio(ok->msg.body());
  ASSERT_TRUE(ours.ok());
  EXPECT_EQ(ours->remote.ip, ip("198.51.100.1"));
  h.receive(carrier_ack(*ok, carrier_sdp("203.0.113.10", 31000)), kCarrier);
  const media::Command& update = h.media.commands.back();
  EXPECT_EQ(update.verb, CommandVerb::kUpdateRemote);
  EXPECT_EQ(update.leg, 0);
  EXPECT_EQ(update.legs[0].remote.port, 31000);
  EXPECT_EQ(update.legs[0].remote.ip, ip("203.0.113.10"));
  EXPECT_EQ(h.b2bua.counters().late_answer_missing, 0u);
}

TEST(B2buaLateOffer, AnAckWithoutAnAnswerEndsTheCall) {
  Harness h;
  h.receive(carrier_invite("+81312345678", ""), kCarrier);
  const Sent* inv = h.last_request_to("198.51.100.20", "INVITE");
  ASSERT_NE(inv, nullptr);
  answer(h, inv);
  const Sent* ok = h.last_response_to("203.0.113.10", 200);
  ASSERT_NE(ok, nullptr);
  h.receive(carrier_ack(*ok, ""), kCarrier);
  EXPECT_EQ(h.b2bua.counters().late_answer_missing, 1u);
  EXPECT_NE(h.last_request_to("198.51.100.20", "BYE"), nullptr);
  EXPECT_NE(h.last_request_to("203.0.113.10", "BYE"), nullptr);
}

}  // namespace
}  // namespace trunkline::b2bua::testing
