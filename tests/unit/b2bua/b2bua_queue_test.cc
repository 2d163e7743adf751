// Calls to a number with a queue: what the B2BUA reports to the ACD, and
// what it does with the ACD's orders (prompts as early media, offers,
// cancellation, overflow), with a fake ACD that keeps the reports.
#include <gtest/gtest.h>

#include "control/b2bua/sdp_anchor.h"
#include "tests/unit/b2bua/b2bua_harness.h"

namespace trunkline::b2bua::testing {
namespace {

using media::CommandVerb;

// The carrier offers PCMA, PCMU and telephone-event.
std::string two_codec_offer() {
  return "v=0\r\no=carrier 1 1 IN IP4 203.0.113.10\r\ns=-\r\nc=IN IP4 203.0.113.10\r\nt=0 0\r\n"
         "m=audio 30000 RTP/AVP 8 0 101\r\na=rtpmap:8 PCMA/8000\r\na=rtpmap:0 PCMU/8000\r\n"
         "a=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-15\r\na=sendrecv\r\n";
}

struct QueuedCall {
  Harness h;
  FakeQueue acd;
  media::SessionId session = 0;

  explicit QueuedCall(const std::string& offer = two_codec_offer(), std::uint16_t menu = 0) {
    h.routing.queued["+81312345678"] = "sales";
    if (menu != 0) h.routing.menus["+81312345678"] = menu;
    h.b2bua.set_queue(&acd);
    h.receive(carrier_invite("+81312345678", offer), kCarrier);
    if (!acd.reports.empty()) session = acd.reports[0].call;
  }
  void order(QueueOrderKind kind, const char* agent = "", std::uint16_t a = 0,
             std::uint16_t m = 0) {
    QueueOrder o;
    o.kind = kind;
    o.call = session;
    copy_name(o.agent, agent);
    o.announcement = a;
    o.music = m;
    h.b2bua.on_queue_order(o);
  }
};

TEST(B2buaQueue, ArrivalIsReportedWithQueueAndLineSkillAndMediaIsInstalled) {
  QueuedCall q;
  ASSERT_EQ(q.acd.reports.size(), 1u);
  const QueueReport& r = q.acd.reports[0];
  EXPECT_EQ(r.kind, QueueReportKind::kArrived);
  EXPECT_STREQ(r.queue, "sales");
  EXPECT_STREQ(r.line_skill, "sales");
  EXPECT_EQ(r.tenant, 7);
  // Nobody is rung yet, but the session exists for the prompts.
  EXPECT_EQ(q.h.last_request_to("198.51.100.20", "INVITE"), nullptr);
  ASSERT_EQ(q.h.media.commands.size(), 1u);
  EXPECT_EQ(q.h.media.commands[0].verb, CommandVerb::kCreate);
  EXPECT_EQ(q.h.b2bua.counters().queued, 1u);
}

TEST(B2buaQueue, PlayAnswers183WithOneG711CodecAndStartsThePrompts) {
  QueuedCall q;
  q.order(QueueOrderKind::kPlay, "", 1, 2);
  const Sent* early = q.h.last_response_to("203.0.113.10", 183);
  ASSERT_NE(early, nullptr);
  EXPECT_TRUE(early->msg.to().has_tag);
  const std::string body(early->msg.body());
  EXPECT_NE(body.find("m=audio " + std::to_string(q.h.media.commands[0].legs[0].local.port) +
                      " RTP/AVP 8 101"),
            std::string::npos)
      << body;
  EXPECT_EQ(body.find("PCMU"), std::string::npos) << body;
  const media::Command& play = q.h.media.commands.back();
  EXPECT_EQ(play.verb, CommandVerb::kPlay);
  EXPECT_EQ(play.leg, 0);
  EXPECT_EQ(play.prompts[0], 1);
  EXPECT_EQ(play.prompts[1], 2);
  EXPECT_EQ(play.payload_type, 8);

  // The agent is offered the same single codec, and its answer stops the
  // prompts; the carrier's 200 repeats the 183's SDP exactly.
  q.order(QueueOrderKind::kOffer, "alice");
  const Sent* inv = q.h.last_request_to("198.51.100.20", "INVITE");
  ASSERT_NE(inv, nullptr);
  EXPECT_NE(std::string(inv->msg.body()).find("RTP/AVP 8 101"), std::string::npos);
  q.h.receive(agent_response(inv->msg, 180, "a1"), peer("198.51.100.20", 5070));
  EXPECT_EQ(q.h.last_response_to("203.0.113.10", 180), nullptr);  // the music goes on
  q.h.receive(agent_response(inv->msg, 200, "a1", agent_sdp()), peer("198.51.100.20", 5070));
  const Sent* ok = q.h.last_response_to("203.0.113.10", 200);
  ASSERT_NE(ok, nullptr);
  EXPECT_EQ(ok->msg.body(), early->msg.body());
  bool stopped = false;
  for (const media::Command& c : q.h.media.commands)
    stopped = stopped || (c.verb == CommandVerb::kPlay && c.prompts[0] == 0 && c.prompts[1] == 0);
  EXPECT_TRUE(stopped);
  ASSERT_EQ(q.acd.reports.size(), 3u);
  EXPECT_EQ(q.acd.reports[1].kind, QueueReportKind::kRinging);
  EXPECT_STREQ(q.acd.reports[1].agent, "alice");
  EXPECT_EQ(q.acd.reports[2].kind, QueueReportKind::kAnswered);
}

TEST(B2buaQueue, AnOfferWithoutEarlyMediaRelaysRingingAndTheEndIsReported) {
  QueuedCall q;
  q.order(QueueOrderKind::kOffer, "alice");
  const Sent* inv = q.h.last_request_to("198.51.100.20", "INVITE");
  ASSERT_NE(inv, nullptr);
  q.h.receive(agent_response(inv->msg, 180, "a1"), peer("198.51.100.20", 5070));
  EXPECT_NE(q.h.last_response_to("203.0.113.10", 180), nullptr);
  q.h.receive(agent_response(inv->msg, 200, "a1", agent_sdp()), peer("198.51.100.20", 5070));
  // The agent hangs up: the ACD hears the call ended (alice to wrap-up).
  const Sent* ack = q.h.last_request_to("198.51.100.20", "ACK");
  ASSERT_NE(ack, nullptr);
  std::string bye =
      "BYE sip:trunkline@198.51.100.1:5060 SIP/2.0\r\n"
      "Via: SIP/2.0/UDP 198.51.100.20:5070;branch=z9hG4bKab1\r\n"
      "Max-Forwards: 70\r\nFrom: " +
      std::string(ack->msg.find(sip::HeaderId::kTo)->value) +
      "\r\nTo: " + std::string(ack->msg.find(sip::HeaderId::kFrom)->value) +
      "\r\nCall-ID: " + std::string(ack->msg.call_id()) +
      "\r\nCSeq: 9 BYE\r\nContent-Length: 0\r\n\r\n";
  q.h.receive(bye, peer("198.51.100.20", 5070));
  ASSERT_EQ(q.acd.reports.back().kind, QueueReportKind::kEnded);
  EXPECT_STREQ(q.acd.reports.back().agent, "alice");
}

TEST(B2buaQueue, BusyAgentIsReportedAndTheCallerWaitsForTheNextOffer) {
  QueuedCall q;
  q.order(QueueOrderKind::kOffer, "bob");
  const Sent* inv = q.h.last_request_to("198.51.100.21", "INVITE");
  ASSERT_NE(inv, nullptr);
  q.h.receive(agent_response(inv->msg, 486, "b1"), peer("198.51.100.21", 5070));
  ASSERT_EQ(q.acd.reports.back().kind, QueueReportKind::kOfferFailed);
  EXPECT_EQ(q.acd.reports.back().failure, OfferFailureKind::kBusy);
  EXPECT_STREQ(q.acd.reports.back().agent, "bob");
  // No final answer to the carrier: the caller is still queued.
  for (int code : {480, 486, 487}) EXPECT_EQ(q.h.last_response_to("203.0.113.10", code), nullptr);
  EXPECT_EQ(q.h.b2bua.calls(), 1u);
  // A declined offer is "rejected", an agent without a phone an error.
  q.order(QueueOrderKind::kOffer, "bob");
  q.h.receive(agent_response(q.h.last_request_to("198.51.100.21", "INVITE")->msg, 603, "b2"),
              peer("198.51.100.21", 5070));
  EXPECT_EQ(q.acd.reports.back().failure, OfferFailureKind::kRejected);
  q.order(QueueOrderKind::kOffer, "nobody");
  EXPECT_EQ(q.acd.reports.back().kind, QueueReportKind::kOfferFailed);
  EXPECT_EQ(q.acd.reports.back().failure, OfferFailureKind::kError);
  EXPECT_STREQ(q.acd.reports.back().agent, "nobody");
}

TEST(B2buaQueue, RingTimeoutOfTheQueueIsANoAnswer) {
  QueuedCall q;
  QueueOrder o;
  o.kind = QueueOrderKind::kOffer;
  o.call = q.session;
  o.ring_timeout_ms = 5000;
  copy_name(o.agent, "alice");
  q.h.b2bua.on_queue_order(o);
  ASSERT_NE(q.h.last_request_to("198.51.100.20", "INVITE"), nullptr);
  q.h.advance(4000);
  EXPECT_EQ(q.acd.reports.back().kind, QueueReportKind::kArrived);
  q.h.advance(1500);
  EXPECT_NE(q.h.last_request_to("198.51.100.20", "CANCEL"), nullptr);
  EXPECT_EQ(q.acd.reports.back().kind, QueueReportKind::kOfferFailed);
  EXPECT_EQ(q.acd.reports.back().failure, OfferFailureKind::kNoAnswer);
}

TEST(B2buaQueue, CallerCancelWhileWaitingIsAbandoned) {
  QueuedCall q;
  q.order(QueueOrderKind::kPlay, "", 0, 2);
  std::string cancel =
      "CANCEL sip:+81312345678@198.51.100.1 SIP/2.0\r\n"
      "Via: SIP/2.0/UDP 203.0.113.10:5060;branch=z9hG4bKc1\r\nMax-Forwards: 70\r\n"
      "From: <sip:0312340000@203.0.113.10>;tag=c1\r\nTo: <sip:+81312345678@198.51.100.1>\r\n"
      "Call-ID: carrier-call-1\r\nCSeq: 1 CANCEL\r\nContent-Length: 0\r\n\r\n";
  q.h.receive(cancel, kCarrier);
  EXPECT_NE(q.h.last_response_to("203.0.113.10", 487), nullptr);
  ASSERT_EQ(q.acd.reports.back().kind, QueueReportKind::kAbandoned);
  // An order for the gone caller changes nothing.
  const std::size_t sent = q.h.transport.sent.size();
  q.order(QueueOrderKind::kOffer, "alice");
  EXPECT_EQ(q.h.transport.sent.size(), sent);
}

TEST(B2buaQueue, RefusalReleasesTheCallerWithTheStatusAndRetryAfter) {
  QueuedCall q;
  QueueOrder o;
  o.kind = QueueOrderKind::kRefuse;
  o.call = q.session;
  o.sip_status = 503;
  q.h.b2bua.on_queue_order(o);
  const Sent* r = q.h.last_response_to("203.0.113.10", 503);
  ASSERT_NE(r, nullptr);
  EXPECT_NE(r->msg.find("Retry-After"), nullptr);
  EXPECT_EQ(q.acd.reports.size(), 1u);  // the ACD released it itself
  q.h.advance(2000);
  ASSERT_EQ(q.h.cdrs.size(), 1u);
  EXPECT_EQ(q.h.cdrs[0].cdr.outcome, Outcome::kRefused);
  EXPECT_EQ(q.h.cdrs[0].cdr.cause_code, 503);
}

TEST(B2buaQueue, TransferRingsTheExternalNumberThroughTheTrunk) {
  QueuedCall q;
  QueueOrder o;
  o.kind = QueueOrderKind::kTransfer;
  o.call = q.session;
  copy_name(o.number, "+81120000000");
  q.h.b2bua.on_queue_order(o);
  const Sent* inv = q.h.last_request_to("203.0.113.10", "INVITE");
  ASSERT_NE(inv, nullptr);
  EXPECT_EQ(inv->msg.request_line().uri.text, "sip:+81120000000@203.0.113.10:5060");
  EXPECT_EQ(q.acd.reports.size(), 1u);  // no longer the ACD's
}

TEST(B2buaQueue, WithoutAnAcdAQueuedNumberIsRefused480) {
  Harness h;
  h.routing.queued["+81312345678"] = "sales";
  h.receive(carrier_invite(), kCarrier);
  EXPECT_NE(h.last_response_to("203.0.113.10", 480), nullptr);
  EXPECT_EQ(h.b2bua.counters().queue_no_acd, 1u);
}

TEST(B2buaQueue, RingAllRingsEveryOfferedAgentAndTheFirstAnswerWins) {
  QueuedCall q;
  q.order(QueueOrderKind::kOffer, "alice");
  q.order(QueueOrderKind::kOffer, "bob");
  const Sent* to_alice = q.h.last_request_to("198.51.100.20", "INVITE");
  const Sent* to_bob = q.h.last_request_to("198.51.100.21", "INVITE");
  ASSERT_NE(to_alice, nullptr);
  ASSERT_NE(to_bob, nullptr);
  EXPECT_NE(to_alice->msg.call_id(), to_bob->msg.call_id());
  q.h.receive(agent_response(to_alice->msg, 180, "a1"), peer("198.51.100.20", 5070));
  q.h.receive(agent_response(to_bob->msg, 180, "b1"), peer("198.51.100.21", 5070));
  q.h.receive(agent_response(to_bob->msg, 200, "b1", agent_sdp(), "sip:bob@198.51.100.21:5070"),
              peer("198.51.100.21", 5070));
  // bob won: alice's phone is cancelled, the carrier answered, bob reported.
  EXPECT_NE(q.h.last_request_to("198.51.100.20", "CANCEL"), nullptr);
  EXPECT_NE(q.h.last_request_to("198.51.100.21", "ACK"), nullptr);
  EXPECT_NE(q.h.last_response_to("203.0.113.10", 200), nullptr);
  ASSERT_FALSE(q.acd.reports.empty());
  EXPECT_EQ(q.acd.reports.back().kind, QueueReportKind::kAnswered);
  EXPECT_STREQ(q.acd.reports.back().agent, "bob");
  int ringing = 0;
  for (const QueueReport& r : q.acd.reports) ringing += r.kind == QueueReportKind::kRinging;
  EXPECT_EQ(ringing, 2);  // once per offer
  // alice answers too late (her 200 crossed the CANCEL): acknowledged, hung up.
  const std::size_t before = q.h.transport.sent.size();
  q.h.receive(agent_response(to_alice->msg, 200, "a1", agent_sdp()), peer("198.51.100.20", 5070));
  bool ack = false, bye = false;
  for (std::size_t i = before; i < q.h.transport.sent.size(); ++i) {
    const Sent& m = *q.h.transport.sent[i];
    if (m.to.ip != ip("198.51.100.20") || !m.msg.is_request()) continue;
    ack = ack || m.msg.request_line().method == "ACK";
    bye = bye || m.msg.request_line().method == "BYE";
  }
  EXPECT_TRUE(ack && bye);
  EXPECT_EQ(q.h.b2bua.counters().calls_answered, 1u);
}

TEST(B2buaCallForking, EveryRegisteredPhoneOfTheAgentRingsAtOnce) {
  Harness h;
  h.routing.second_phones["alice"] = "198.51.100.22";
  h.receive(carrier_invite(), kCarrier);
  const Sent* desk = h.last_request_to("198.51.100.20", "INVITE");
  const Sent* mobile = h.last_request_to("198.51.100.22", "INVITE");
  ASSERT_NE(desk, nullptr);
  ASSERT_NE(mobile, nullptr);
  // The desk phone is busy: the mobile still rings, nobody else is tried yet.
  h.receive(agent_response(desk->msg, 486, "d1"), peer("198.51.100.20", 5070));
  EXPECT_EQ(h.last_request_to("198.51.100.21", "INVITE"), nullptr);
  EXPECT_EQ(h.last_response_to("203.0.113.10", 486), nullptr);
  h.receive(agent_response(mobile->msg, 200, "m1", agent_sdp()), peer("198.51.100.22", 5070));
  EXPECT_NE(h.last_response_to("203.0.113.10", 200), nullptr);
  EXPECT_EQ(h.b2bua.counters().calls_answered, 1u);
}

TEST(B2buaCallForking, WhenEveryPhoneOfTheAgentFailsTheNextAgentRings) {
  Harness h;
  h.routing.second_phones["alice"] = "198.51.100.22";
  h.receive(carrier_invite(), kCarrier);
  const Sent* desk = h.last_request_to("198.51.100.20", "INVITE");
  const Sent* mobile = h.last_request_to("198.51.100.22", "INVITE");
  ASSERT_NE(desk, nullptr);
  ASSERT_NE(mobile, nullptr);
  h.receive(agent_response(desk->msg, 486, "d1"), peer("198.51.100.20", 5070));
  h.receive(agent_response(mobile->msg, 480, "m1"), peer("198.51.100.22", 5070));
  EXPECT_NE(h.last_request_to("198.51.100.21", "INVITE"), nullptr);  // bob, next in the list
}

TEST(B2buaQueue, MenuKeyChoosesTheIncomingSkillBeforeTheCallerQueues) {
  QueuedCall q(two_codec_offer(), 9);
  // The menu plays as early media; the ACD hears nothing yet.
  EXPECT_TRUE(q.acd.reports.empty());
  ASSERT_NE(q.h.last_response_to("203.0.113.10", 183), nullptr);
  const media::Command& menu = q.h.media.commands.back();
  EXPECT_EQ(menu.verb, CommandVerb::kPlay);
  EXPECT_EQ(menu.prompts[0], 9);
  EXPECT_EQ(menu.prompts[1], 0);
  // Key 2 (RFC 4733 event 2) from the caller's leg.
  media::Report r;
  r.kind = media::ReportKind::kDtmf;
  r.id = q.h.media.commands[0].id;
  r.leg = 0;
  r.dtmf_event = 2;
  q.h.b2bua.on_media_report(r);
  ASSERT_EQ(q.acd.reports.size(), 1u);
  EXPECT_EQ(q.acd.reports[0].kind, QueueReportKind::kArrived);
  EXPECT_STREQ(q.acd.reports[0].incoming_skill, "support");
  EXPECT_EQ(q.h.b2bua.counters().queue_menu_choices, 1u);
  // Later keys are the agent's business, not the menu's.
  r.dtmf_event = 1;
  q.h.b2bua.on_media_report(r);
  EXPECT_EQ(q.acd.reports.size(), 1u);
}

TEST(B2buaQueue, NoKeyBeforeTheMenuTimeoutQueuesWithoutAnIncomingSkill) {
  QueuedCall q(two_codec_offer(), 9);
  q.h.advance(4000);
  EXPECT_TRUE(q.acd.reports.empty());
  q.h.advance(1500);
  ASSERT_EQ(q.acd.reports.size(), 1u);
  EXPECT_STREQ(q.acd.reports[0].incoming_skill, "");
  EXPECT_EQ(q.h.b2bua.counters().queue_menus, 1u);
  EXPECT_EQ(q.h.b2bua.counters().queue_menu_choices, 0u);
}

TEST(B2buaQueue, NarrowToG711KeepsTheFirstG711AndTelephoneEvent) {
  std::uint8_t pt = 99;
  auto s = narrow_to_g711(two_codec_offer(), &pt);
  ASSERT_TRUE(s.ok()) << s.error().message;
  EXPECT_EQ(pt, 8);
  EXPECT_NE(s->find("m=audio 30000 RTP/AVP 8 101\r\n"), std::string::npos) << *s;
  EXPECT_EQ(s->find("a=rtpmap:0"), std::string::npos);
  EXPECT_NE(s->find("a=fmtp:101 0-15"), std::string::npos);
  auto none = narrow_to_g711(
      "v=0\r\no=x 1 1 IN IP4 203.0.113.10\r\ns=-\r\nc=IN IP4 203.0.113.10\r\nt=0 0\r\n"
      "m=audio 30000 RTP/AVP 9\r\na=rtpmap:9 G722/8000\r\n",
      &pt);
  ASSERT_FALSE(none.ok());
  EXPECT_NE(none.error().message.find("PCMU"), std::string::npos);
}

}  // namespace
}  // namespace trunkline::b2bua::testing
