// Ringing agents' phones: an offer rings every phone of one agent at once
// (all its registered contacts, or its static address), then its alternate
// number when that wave failed or rang out; several offers ring at once for
// a ring-all queue. The first 2xx wins; every other branch is CANCELled, and
// a 2xx that crossed a CANCEL is acknowledged and hung up.
#include <algorithm>

#include "common/log.h"
#include "control/b2bua/b2bua.h"
#include "control/b2bua/call.h"
#include "control/b2bua/sdp_anchor.h"

namespace trunkline::b2bua {

namespace {

// Registered contacts (or the static address) ring together; an alternate
// number is a wave of its own, after them.
std::vector<std::vector<Target>> waves_of(std::vector<Target> targets) {
  std::vector<std::vector<Target>> out;
  for (Target& t : targets) {
    if (out.empty() || t.kind == Target::Kind::kAlternate ||
        out.back().front().kind == Target::Kind::kAlternate)
      out.emplace_back();
    out.back().push_back(std::move(t));
  }
  return out;
}

}  // namespace

// The number's next agent (per-number hunting), or the final refusal.
void B2bua::hunt(Call& call) {
  if (call.setup == nullptr) return;  // answered
  const InboundRoute& route = call.setup->route;
  while (call.state == CallState::kRouting && call.next_agent < route.agents.size()) {
    std::string agent = route.agents[call.next_agent++];
    auto targets =
        routing_.targets(route.tenant, route.trunk, agent, call.carrier.dialog.peer, now_ms_());
    if (targets.empty()) continue;
    return offer_agent(call, std::move(agent), std::move(targets), 0);
  }
  if (call.state != CallState::kRouting) return;
  const int code = call.failure == Outcome::kBusy ? 486 : 480;
  answer_carrier(call, code, reason_of(code));
  end_call(call, call.failure, code,
           route.agents.empty() ? "no agent for this number" : "no agent answered");
}

void B2bua::offer_agent(Call& call, std::string agent, std::vector<Target> targets,
                        std::uint32_t ring_ms) {
  call.current_agent = agent;
  Offer o;
  o.agent = std::move(agent);
  o.waves = waves_of(std::move(targets));
  o.ring_ms = ring_ms;
  call.offers.push_back(std::move(o));
  const std::string name = call.offers.back().agent;
  if (!ring_wave(call, call.offers.back())) offer_over(call, name);
}

// Rings the offer's next wave that can be sent; false when none is left.
bool B2bua::ring_wave(Call& call, Offer& offer) {
  while (!offer.waves.empty()) {
    std::vector<Target> wave = std::move(offer.waves.front());
    offer.waves.erase(offer.waves.begin());
    if (!call.ringing()) {
      // The agent leg starts afresh: no remote until an answer (or early media).
      call.agent.media.local.ip = wave.front().peer.local;
      call.agent.media.dpdk_port = wave.front().peer.dpdk_port;
      call.agent.media.remote = {};
      call.agent.media.srtp = {};
      if (wave.front().srtp && agent_key(call))
        call.agent.media.srtp = srtp_keys(*call.agent.sdes, nullptr);  // ours; theirs at answer
      if (call.media_installed) {
        update_leg(call, Side::kAgent);
      } else if (!install_media(call)) {
        return true;  // the call ended (503)
      }
    }
    bool sent = false;
    for (const Target& t : wave) sent = send_invite(call, offer, t) || sent;
    if (sent) {
      offer.deadline_ms =
          now_ms_() + (offer.ring_ms != 0 ? offer.ring_ms : cfg_.ring_timeout_s * 1000ull);
      return true;
    }
  }
  return false;
}

// One key of ours for the agent leg, whichever SRTP phone answers.
bool B2bua::agent_key(Call& call) {
  if (call.agent.sdes) return true;
  auto k = new_sdes_key(1, media::SrtpSuite::kAesCm128HmacSha1_80);
  if (!k) {
    TL_LOG(kWarn, "srtp_key_failed", "session=%u reason=\"%s\"", call.id,
           k.error().message.c_str());
    return false;
  }
  call.agent.sdes = *k;
  return true;
}

bool B2bua::send_invite(Call& call, Offer& offer, const Target& t) {
  Branch b;
  b.agent = offer.agent;
  b.srtp = t.srtp;
  Dialog& d = b.dialog;
  d.call_id = new_call_id();
  d.local_tag = new_tag();
  const std::string local = t.peer.local.to_string();
  d.local_uri = "<sip:" + call.record.cdr.caller + "@" +
                (t.peer.local.is_v4() ? local : "[" + local + "]") + ">";
  d.remote_uri = "<" + t.request_uri + ">";
  d.remote_target = t.request_uri;
  d.peer = t.peer;
  // §8.1.1.8: a SIPS Request-URI (a phone that registered one) needs a SIPS Contact.
  d.contact =
      contact_for(t.peer, t.request_uri.size() > 5 && (t.request_uri.compare(0, 5, "sips:") == 0 ||
                                                       t.request_uri.compare(0, 5, "SIPS:") == 0));
  if (t.srtp && !agent_key(call)) return false;
  if (call.setup == nullptr) return false;  // answered meanwhile
  auto sdp = anchor_sdp(call.setup->offer, call.agent.media.local.ip, call.agent.media.local.port,
                        call.id, ++call.agent.sdp_version, t.srtp ? &*call.agent.sdes : nullptr);
  if (!sdp) return false;  // cannot happen: the offer was read before
  const std::string extra = "Allow: " + std::string(kAllow) + "\r\n";
  std::string bytes = d.request("INVITE", layer_->new_branch(), extra, kSdp, *sdp);
  auto tx = layer_->request(std::move(bytes), t.peer, now_ms_());
  if (!tx) {
    offer.last_failure = 500;
    return false;
  }
  TL_LOG(kInfo, "call_target", "session=%u agent=%s kind=%s uri=%s", call.id, offer.agent.c_str(),
         std::string(target_kind_name(t.kind)).c_str(), t.request_uri.c_str());
  by_call_id_[d.call_id] = call.id;
  by_invite_tx_[*tx] = call.id;
  b.tx = *tx;
  call.record.cdr.agent = offer.agent;
  call.branches.push_back(std::move(b));
  return true;
}

void B2bua::forget_branch(Call& call, sip::TxId tx) {
  auto it = std::find_if(call.branches.begin(), call.branches.end(),
                         [tx](const Branch& b) { return b.tx == tx; });
  if (it == call.branches.end()) return;
  by_invite_tx_.erase(tx);
  if (it->dialog.call_id != call.agent.dialog.call_id) by_call_id_.erase(it->dialog.call_id);
  call.branches.erase(it);
  // The last lost branch of an answered call answered: nothing rings any more.
  if (call.branches.empty() && call.state != CallState::kRouting)
    std::vector<Branch>().swap(call.branches);
}

void B2bua::cancel_branches(Call& call, const std::string* only_agent) {
  for (Branch& b : call.branches) {
    if (b.cancelled || (only_agent != nullptr && b.agent != *only_agent)) continue;
    b.cancelled = true;
    (void)layer_->cancel(b.tx, now_ms_());
  }
}

void B2bua::on_branch_response(Call& call, sip::TxId tx, const sip::Message& resp) {
  Branch* b = call.find_branch(tx);
  const int code = resp.status_line().code;
  if (b == nullptr || code == 100) return;
  if (b->cancelled || call.state != CallState::kRouting) {
    // Lost: a 2xx that crossed our CANCEL (or came after the caller left or
    // another phone answered) is acknowledged and hung up at once.
    if (code >= 200 && code < 300) {
      if (auto d = Dialog::from_response(resp, b->dialog, b->dialog.peer)) {
        const std::string& hop = d->route_set.empty() ? d->remote_target : d->route_set.front();
        auto peer = peer_of_uri(hop, d->peer);
        transport_.send(peer ? *peer : d->peer,
                        d->request("ACK", layer_->new_branch(), {}, {}, {}, resp.cseq().number));
        std::string bye = d->request("BYE", layer_->new_branch(), {}, {}, {});
        (void)layer_->request(std::move(bye), peer ? *peer : d->peer, now_ms_());
      }
    }
    if (code >= 200) forget_branch(call, tx);
    return;
  }
  if (code >= 300) return branch_failed(call, tx, code, resp.status_line().reason);
  if (resp.to().has_tag) {
    if (auto d = Dialog::from_response(resp, b->dialog, b->dialog.peer)) {
      b->dialog = std::move(*d);
      b->established = true;
    } else if (code >= 200) {
      TL_LOG(kWarn, "agent_answer_bad", "session=%u error=\"%s\"", call.id,
             d.error().message.c_str());
    }
  }
  if (code >= 200) return answered_by(call, tx, resp);
  Offer* o = call.find_offer(b->agent);
  if (o != nullptr && call.queued && !o->rang) {
    o->rang = true;
    report(call, QueueReportKind::kRinging, OfferFailureKind::kError, o->agent);
  }
  // A caller hearing our prompts keeps hearing them until the answer.
  if (call.early_answered) return;
  std::string sdp;
  // Early media is taken from a phone only while it is the one ringing.
  // (Never towards a late offer: its offer goes in the 200, RFC 3261 §13.2.1.)
  if (has_sdp(resp) && call.branches.size() == 1 && !call.late_offer) {
    auto a = read_audio(resp.body());
    if (a && a->secure == b->srtp) {
      call.agent.media.remote = a->remote;
      call.agent.media.telephone_event_pt = a->telephone_event_pt;
      if (b->srtp) call.agent.media.srtp = srtp_keys(*call.agent.sdes, &a->crypto);
      update_leg(call, Side::kAgent);
      sdp = anchored_for(call.carrier, resp.body(), call.id, ++call.carrier.sdp_version);
    }
  }
  answer_carrier(call, code == 183 && sdp.empty() ? 180 : code, reason_of(code), {}, sdp);
}

void B2bua::branch_failed(Call& call, sip::TxId tx, int code, std::string_view reason) {
  Branch* b = call.find_branch(tx);
  if (b == nullptr) return;
  const std::string agent = b->agent;
  if (Offer* o = call.find_offer(agent)) {
    o->last_failure = code;
    if (code == 486 || code == 600 || code == 603) {
      ++counters_.agent_busy;
      o->failure = Outcome::kBusy;
    } else if (code != 487) {  // 487: our own CANCEL at the ring timeout, counted there
      ++counters_.agent_unreachable;
      if (o->failure != Outcome::kBusy) o->failure = Outcome::kUnreachable;
    }
  }
  TL_LOG(kInfo, "call_target_failed", "session=%u agent=%s code=%d reason=\"%.*s\"", call.id,
         agent.c_str(), code, static_cast<int>(reason.size()), reason.data());
  forget_branch(call, tx);
  for (const Branch& other : call.branches)
    if (other.agent == agent && !other.cancelled) return;  // the agent's other phones still ring
  wave_over(call, agent);
}

void B2bua::wave_over(Call& call, const std::string& agent) {
  Offer* o = call.find_offer(agent);
  if (o == nullptr) return;
  // A queued caller's offer ends with its first wave: the ACD decides next.
  if (call.queued || !ring_wave(call, *o)) offer_over(call, agent);
}

void B2bua::offer_over(Call& call, const std::string& agent) {
  auto it = std::find_if(call.offers.begin(), call.offers.end(),
                         [&](const Offer& o) { return o.agent == agent; });
  if (it == call.offers.end()) return;
  const Offer o = std::move(*it);
  call.offers.erase(it);
  call.failure = o.failure;
  if (call.state != CallState::kRouting) return;
  if (call.queued) return offer_failed(call, o);
  if (call.offers.empty() && !call.ringing()) hunt(call);
}

void B2bua::answered_by(Call& call, sip::TxId tx, const sip::Message& resp) {
  Branch won = std::move(*call.find_branch(tx));
  call.agent.dialog = std::move(won.dialog);  // before forget_branch: its Call-ID stays known
  forget_branch(call, tx);
  call.agent.established = won.established;
  call.current_agent = won.agent;
  if (!won.srtp) call.agent.sdes.reset();  // plain RTP phone: the leg stays plain
  cancel_branches(call);                   // every other phone stops ringing
  call.offers.clear();
  send_ack(call, resp.cseq().number);
  std::string sdp;
  if (has_sdp(resp)) {
    auto a = read_audio(resp.body());
    if (a && a->secure != won.srtp) {
      TL_LOG(kWarn, "agent_answer_srtp_mismatch", "session=%u offered=%s answered=%s", call.id,
             won.srtp ? "RTP/SAVP" : "RTP/AVP", a->secure ? "RTP/SAVP" : "RTP/AVP");
      a = Error{"SRTP answer does not match the offer"};
    }
    if (a) {
      call.agent.media.remote = a->remote;
      call.agent.media.telephone_event_pt = a->telephone_event_pt;
      call.agent.media.srtp = {};
      if (won.srtp) call.agent.media.srtp = srtp_keys(*call.agent.sdes, &a->crypto);
      update_leg(call, Side::kAgent);
      sdp = anchored_for(call.carrier, resp.body(), call.id, ++call.carrier.sdp_version);
    }
  }
  if (sdp.empty() || !call.agent.established) {
    send_in_dialog(call, Side::kAgent, "BYE");
    if (call.queued) report(call, QueueReportKind::kOfferFailed, OfferFailureKind::kError);
    call.queued = false;
    answer_carrier(call, 500, "Server Internal Error");
    end_call(call, Outcome::kFailed, 500, "agent answered without a usable SDP answer");
    return;
  }
  if (call.early_answered) {
    play(call, 0, 0);  // the prompts stop; the carrier keeps the SDP of our 183
    answer_carrier(call, 200, "OK", {}, call.setup->carrier_answer_sdp);
  } else {
    answer_carrier(call, 200, "OK", {}, sdp);
  }
  if (call.queued) report(call, QueueReportKind::kAnswered);
  call.state = CallState::kAnswered;
  call.record.cdr.answered_at_ms = wall_ms_();
  call.record.cdr.agent = call.current_agent;
  ++counters_.calls_answered;
  ++counters_.calls_active;
  TL_LOG(kInfo, "call_answered", "session=%u agent=%s", call.id, call.current_agent.c_str());
  if (call.setup->route.record) start_recording(call, resp.body());
  // Answered: what routing needed goes (the transaction layer keeps its own
  // copy of the INVITE and our 200 until the ACK).
  call.setup.reset();
  std::vector<Offer>().swap(call.offers);
  if (call.branches.empty()) std::vector<Branch>().swap(call.branches);
}

// Waves that rang out: cancelled, and the offer moves on (next wave, next
// agent, or the ACD's decision).
void B2bua::tick_offers(Call& call, std::uint64_t now) {
  std::vector<std::string> due;
  for (const Offer& o : call.offers)
    if (o.deadline_ms != 0 && now >= o.deadline_ms) due.push_back(o.agent);
  for (const std::string& agent : due) {
    Offer* o = call.find_offer(agent);
    if (o == nullptr || call.state != CallState::kRouting) continue;
    ++counters_.agent_no_answer;
    o->failure = Outcome::kNoAnswer;
    o->last_failure = 408;
    o->deadline_ms = 0;
    cancel_branches(call, &agent);
    wave_over(call, agent);
  }
}

}  // namespace trunkline::b2bua
