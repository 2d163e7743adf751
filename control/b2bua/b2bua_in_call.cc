// The B2BUA once a call exists: requests within its dialogs (BYE,
// re-INVITE/UPDATE relayed to the other leg), CANCEL, responses to what we
// relayed, timeouts, the end of the call and its CDR, media reports.
#include <algorithm>

#include "common/log.h"
#include "control/b2bua/b2bua.h"
#include "control/b2bua/call.h"
#include "control/b2bua/sdp_anchor.h"
#include "dataplane/media/rtp_stats.h"
#include "recorder/format/recording_id.h"

namespace trunkline::b2bua {

// A leg's remote (address, telephone-event, SRTP keys) changed: every lcore hears it.
void B2bua::update_leg(Call& call, Side side) {
  const std::uint8_t index = side == Side::kCarrier ? 0 : 1;
  media::Command cmd;
  cmd.verb = media::CommandVerb::kUpdateRemote;
  cmd.id = call.id;
  cmd.leg = index;
  cmd.owner_shard = static_cast<std::uint8_t>(cfg_.shard);
  cmd.legs[index] = side == Side::kCarrier ? call.carrier.media : call.agent.media;
  media(cmd);
}

void B2bua::update_media(Call& call, Side side, const AudioOffer& a) {
  CallLeg& leg = side == Side::kCarrier ? call.carrier : call.agent;
  const std::uint8_t index = side == Side::kCarrier ? 0 : 1;
  media::Command cmd;
  cmd.id = call.id;
  cmd.leg = index;
  cmd.owner_shard = static_cast<std::uint8_t>(cfg_.shard);
  if (!(a.remote.port == 0 || (a.hold && a.remote.ip == net::IpKey{}))) {
    leg.media.remote = a.remote;
    leg.media.telephone_event_pt = a.telephone_event_pt;
    update_leg(call, side);
  }
  // A leg that sends only (or nothing) receives nothing from us.
  cmd.verb = media::CommandVerb::kHold;
  cmd.flag = a.hold ? 1 : 0;
  media(cmd);
}

void B2bua::in_dialog(sip::TxId tx, const sip::Message& req, const sip::Peer& from, Call& call,
                      Side side) {
  (void)from;
  CallLeg& leg = side == Side::kCarrier ? call.carrier : call.agent;
  const Side other = side == Side::kCarrier ? Side::kAgent : Side::kCarrier;
  CallLeg& other_leg = other == Side::kCarrier ? call.carrier : call.agent;
  if (!leg.established || req.to().tag != leg.dialog.local_tag ||
      req.from().tag != leg.dialog.remote_tag || call.state == CallState::kEnded) {
    respond(tx, req, 481, reason_of(481), leg.dialog.local_tag);
    return;
  }
  if (!leg.dialog.accept_remote_cseq(req.cseq().number)) {
    respond(tx, req, 500, "CSeq Out Of Order", leg.dialog.local_tag);
    return;
  }
  switch (req.method()) {
    case sip::Method::kBye:
      ++counters_.byes;
      respond(tx, req, 200, "OK", leg.dialog.local_tag);
      hang_up(call, side, 200, side == Side::kCarrier ? "caller hung up" : "agent hung up");
      return;
    case sip::Method::kInvite:
    case sip::Method::kUpdate: {
      if (call.state != CallState::kAnswered || call.pending_reinvite) {
        respond(tx, req, 491, reason_of(491), leg.dialog.local_tag, "Retry-After: 1\r\n");
        return;
      }
      std::string sdp;
      if (has_sdp(req)) {
        auto a = read_audio(req.body());
        if (!a || a->secure != leg.sdes.has_value()) {
          respond(tx, req, 488, reason_of(488), leg.dialog.local_tag,
                  "Warning: 399 trunkline \"" +
                      (a ? std::string("this leg stays ") + (leg.sdes ? "SRTP" : "plain RTP")
                         : a.error().message) +
                      "\"\r\n");
          return;
        }
        if (leg.sdes) leg.media.srtp = srtp_keys(*leg.sdes, &a->crypto);  // the peer may re-key
        update_media(call, side, *a);
        sdp = anchored_for(other_leg, req.body(), call.id, ++other_leg.sdp_version);
      }
      leg.dialog.refresh_target(req);
      ++counters_.reinvites;
      call.pending_reinvite = true;
      Relay relay{call.id, tx, side, std::string(req.bytes()), 0};
      send_in_dialog(call, other, req.method() == sip::Method::kInvite ? "INVITE" : "UPDATE", {},
                     sdp.empty() ? std::string_view{} : kSdp, sdp, &relay);
      return;
    }
    default:
      respond(tx, req, 501, reason_of(501), leg.dialog.local_tag,
              "Allow: " + std::string(kAllow) + "\r\n");
      return;
  }
}

void B2bua::on_ack(const sip::Message& ack, const sip::Peer& from) {
  // ACKs for our 2xx need nothing more (the layer stopped retransmitting),
  // except a late offer's: it carries the carrier's answer.
  Side side;
  Call* call = find(ack.call_id(), &side);
  if (call != nullptr && side == Side::kCarrier && call->late_offer && !call->late_answered &&
      call->state == CallState::kAnswered) {
    call->late_answered = true;
    auto a = has_sdp(ack) ? read_audio(ack.body()) : Result<AudioOffer>(Error{"no SDP"});
    if (!a || a->secure) {
      ++counters_.late_answer_missing;
      TL_LOG(kWarn, "late_answer_missing", "session=%u reason=\"%s\"", call->id,
             a ? "SRTP answer to a plain offer" : a.error().message.c_str());
      send_in_dialog(*call, Side::kCarrier, "BYE");
      send_in_dialog(*call, Side::kAgent, "BYE");
      end_call(*call, Outcome::kFailed, 488, "late offer: the ACK had no usable answer");
      return;
    }
    call->carrier.media.remote = a->remote;
    call->carrier.media.telephone_event_pt = a->telephone_event_pt;
    update_leg(*call, Side::kCarrier);
    return;
  }
  if (fallback_ != nullptr) fallback_->on_ack(ack, from);
}

void B2bua::on_cancel(sip::TxId invite_tx) {
  auto it = by_server_tx_.find(invite_tx);
  if (it == by_server_tx_.end()) {
    if (fallback_ != nullptr) fallback_->on_cancel(invite_tx);
    return;
  }
  auto c = calls_.find(it->second);
  if (c == calls_.end() || c->second->inbound_tx != invite_tx) return;
  Call& call = *c->second;
  answer_carrier(call, 487, reason_of(487));
  cancel_branches(call);
  ++counters_.abandoned;
  end_call(call, Outcome::kAbandoned, 487, "caller cancelled");
}

void B2bua::on_response(sip::TxId client_tx, const sip::Message& response) {
  if (auto r = relays_.find(client_tx); r != relays_.end()) {
    const int code = response.status_line().code;
    if (code < 200) return;
    Relay relay = std::move(r->second);
    relays_.erase(r);
    auto c = calls_.find(relay.call);
    if (c == calls_.end()) return;
    Call& call = *c->second;
    call.pending_reinvite = false;
    const Side other = relay.from == Side::kCarrier ? Side::kAgent : Side::kCarrier;
    CallLeg& from_leg = relay.from == Side::kCarrier ? call.carrier : call.agent;
    CallLeg& other_leg = relay.from == Side::kCarrier ? call.agent : call.carrier;
    std::string sdp;
    if (code < 300) {
      if (response.cseq().method_id == sip::Method::kInvite) {
        other_leg.dialog.refresh_target(response);
        // The other leg's 2xx is ours to acknowledge.
        const std::string ack =
            other_leg.dialog.request("ACK", layer_->new_branch(), {}, {}, {}, relay.cseq);
        const std::string& hop = other_leg.dialog.route_set.empty()
                                     ? other_leg.dialog.remote_target
                                     : other_leg.dialog.route_set.front();
        auto peer = peer_of_uri(hop, other_leg.dialog.peer);
        transport_.send(peer ? *peer : other_leg.dialog.peer, ack);
      }
      if (has_sdp(response)) {
        if (auto a = read_audio(response.body())) {
          update_media(call, other, *a);
          sdp = anchored_for(from_leg, response.body(), call.id, ++from_leg.sdp_version);
        }
      }
    }
    sip::Message req;
    if (!sip::parse_message(relay.request, &req).ok()) return;
    std::string extra;
    if (code < 300) extra = "Contact: " + from_leg.dialog.contact + "\r\n";
    respond(relay.server_tx, req, code, response.status_line().reason, from_leg.dialog.local_tag,
            extra, sdp.empty() ? std::string_view{} : kSdp, sdp);
    return;
  }
  auto it = by_invite_tx_.find(client_tx);
  if (it == by_invite_tx_.end()) return;  // a BYE's answer: nothing depends on it
  auto c = calls_.find(it->second);
  if (c == calls_.end()) return;
  on_branch_response(*c->second, client_tx, response);
}

void B2bua::on_client_timeout(sip::TxId client_tx) {
  if (auto r = relays_.find(client_tx); r != relays_.end()) {
    Relay relay = std::move(r->second);
    relays_.erase(r);
    auto c = calls_.find(relay.call);
    if (c == calls_.end()) return;
    c->second->pending_reinvite = false;
    sip::Message req;
    if (sip::parse_message(relay.request, &req).ok())
      respond(
          relay.server_tx, req, 408, reason_of(408),
          (relay.from == Side::kCarrier ? c->second->carrier : c->second->agent).dialog.local_tag);
    return;
  }
  auto it = by_invite_tx_.find(client_tx);
  if (it == by_invite_tx_.end()) return;
  auto c = calls_.find(it->second);
  if (c == calls_.end()) {
    by_invite_tx_.erase(it);
    return;
  }
  Call& call = *c->second;
  const Branch* b = call.find_branch(client_tx);
  if (b == nullptr || b->cancelled || call.state != CallState::kRouting) {
    forget_branch(call, client_tx);
    by_invite_tx_.erase(client_tx);
    return;
  }
  branch_failed(call, client_tx, 408, "no response");
}

void B2bua::on_server_timeout(sip::TxId server_tx) {
  // Our 2xx to the carrier was never acknowledged (RFC 3261 §13.3.1.4).
  auto it = by_server_tx_.find(server_tx);
  if (it == by_server_tx_.end()) return;
  auto c = calls_.find(it->second);
  if (c == calls_.end() || c->second->state != CallState::kAnswered) return;
  Call& call = *c->second;
  send_in_dialog(call, Side::kCarrier, "BYE");
  send_in_dialog(call, Side::kAgent, "BYE");
  end_call(call, Outcome::kFailed, 408, "carrier never acknowledged the answer");
}

void B2bua::on_stray_response(const sip::Message& response, const sip::Peer& from) {
  // A retransmitted 2xx to our INVITE on an agent leg: our ACK was lost, and
  // the 2xx is acknowledged again (RFC 3261 section 13.2.2.4).
  const int code = response.status_line().code;
  Side side;
  if (code >= 200 && code < 300 && response.cseq().method_id == sip::Method::kInvite) {
    if (Call* call = find(response.call_id(), &side);
        call != nullptr && side == Side::kAgent && call->agent.established &&
        response.to().tag == call->agent.dialog.remote_tag) {
      send_ack(*call, response.cseq().number);
      return;
    }
  }
  if (fallback_ != nullptr) fallback_->on_stray_response(response, from);
}

void B2bua::hang_up(Call& call, Side from_side, int code, std::string_view text) {
  const Side other = from_side == Side::kCarrier ? Side::kAgent : Side::kCarrier;
  if (call.state == CallState::kAnswered) {
    send_in_dialog(call, other, "BYE");
    end_call(call, Outcome::kAnswered, code, text);
  } else {
    // A BYE on an early dialog: the call never got going.
    cancel_branches(call);
    answer_carrier(call, 487, reason_of(487));
    end_call(call, Outcome::kAbandoned, 487, text);
  }
}

// The agent answered a call to a recorded number: a recording starts, and
// the media session's lcores fork both directions to the shard's recorder.
// The call goes on unrecorded if the recorder cannot take it (counted and
// logged: a compliance gap someone must see).
void B2bua::start_recording(Call& call, std::string_view answer_sdp) {
  auto id = recorder::new_recording_id();
  if (recorder_ == nullptr || !id) {
    ++counters_.recordings_failed;
    TL_LOG(kWarn, "call_not_recorded", "session=%u did=%s reason=\"%s\"", call.id,
           call.record.cdr.did.c_str(), recorder_ == nullptr ? "recorder off" : "no random id");
    return;
  }
  auto details = std::make_shared<recorder::CallDetails>();
  // The store's tenant ID, in decimal: names the tenant's key, spool and
  // mirror directories and its rows in the recording index (nas/).
  details->tenant_id = std::to_string(call.record.tenant);
  details->recording_id = recorder::recording_id_to_hex(*id);
  details->call_id = call.carrier.dialog.call_id;
  details->caller_number = call.record.cdr.caller;
  details->did = call.record.cdr.did;
  if (call.setup != nullptr) details->skill = call.setup->route.line_skill;
  details->agent = call.current_agent;
  if (auto a = read_audio(answer_sdp)) details->codec = a->codec;
  const auto now_us = static_cast<std::int64_t>(wall_ms_()) * 1000;
  const std::string recording_id = details->recording_id;
  auto handle = recorder_->start(std::move(details), now_us);
  if (!handle) {
    ++counters_.recordings_failed;
    TL_LOG(kWarn, "call_not_recorded", "session=%u did=%s reason=\"recorder full\"", call.id,
           call.record.cdr.did.c_str());
    return;
  }
  media::Command cmd;
  cmd.verb = media::CommandVerb::kRecord;
  cmd.id = call.id;
  cmd.flag = 1;
  cmd.recording = *handle;
  cmd.owner_shard = static_cast<std::uint8_t>(cfg_.shard);
  if (!media_.send(cmd)) {
    // Some lcore will not fork: the recording would miss audio silently.
    ++counters_.media_command_failed;
    ++counters_.recordings_failed;
    (void)recorder_->stop(*handle, now_us);
    TL_LOG(kWarn, "call_not_recorded", "session=%u did=%s reason=\"media command ring full\"",
           call.id, call.record.cdr.did.c_str());
    return;
  }
  call.recording = *handle;
  ++counters_.recordings_started;
  TL_LOG(kInfo, "call_recording", "session=%u recording=%s tenant=%s", call.id,
         recording_id.c_str(), call.setup != nullptr ? call.setup->route.tenant_name.c_str() : "");
}

void B2bua::end_call(Call& call, Outcome outcome, int code, std::string_view text) {
  if (call.state == CallState::kEnded) return;
  if (call.queued) {
    // The ACD forgets the caller: the agent goes to wrap-up, or the caller
    // counts as abandoned.
    report(call, call.state == CallState::kAnswered ? QueueReportKind::kEnded
                                                    : QueueReportKind::kAbandoned);
    call.queued = false;
  }
  if (call.state == CallState::kAnswered && counters_.calls_active > 0) --counters_.calls_active;
  call.state = CallState::kEnded;
  call.record.cdr.outcome = outcome;
  call.record.cdr.cause_code = code;
  call.record.cdr.cause_text = std::string(text);
  call.record.cdr.ended_at_ms = wall_ms_();
  TL_LOG(kInfo, "call_ended", "session=%u outcome=%s code=%d cause=\"%s\"", call.id,
         store::to_string(outcome), code, call.record.cdr.cause_text.c_str());
  if (call.recording != 0 && recorder_ != nullptr) {
    // The worker waits out its jitter delay before it seals, so the last
    // packets the lcores fork before the kDelete below still make it in.
    (void)recorder_->stop(call.recording, static_cast<std::int64_t>(wall_ms_()) * 1000);
    call.recording = 0;
  }
  if (call.media_installed) {
    media::Command cmd;
    cmd.verb = media::CommandVerb::kDelete;
    cmd.id = call.id;
    cmd.owner_shard = static_cast<std::uint8_t>(cfg_.shard);
    media(cmd);
    call.cdr_due_ms = now_ms_() + cfg_.cdr_wait_ms;
  } else {
    call.cdr_due_ms = now_ms_();
  }
}

void B2bua::finish(Call& call) {
  ++counters_.cdrs_written;
  call.record.cdr.caller_leg = leg_summary(call.record.caller_stats);
  call.record.cdr.agent_leg = leg_summary(call.record.agent_stats);
  count_stream(call.record.cdr.caller_leg);
  count_stream(call.record.cdr.agent_leg);
  call.record.cdr.call_id = call.carrier.dialog.call_id;
  if (cdrs_) cdrs_(call.record);
  ports_.release(call.carrier.media.local.port);
  ports_.release(call.agent.media.local.port);
  by_call_id_.erase(call.carrier.dialog.call_id);
  if (!call.agent.dialog.call_id.empty()) by_call_id_.erase(call.agent.dialog.call_id);
  for (const Branch& b : call.branches) by_call_id_.erase(b.dialog.call_id);
  std::erase_if(by_server_tx_, [&](const auto& e) { return e.second == call.id; });
  std::erase_if(by_invite_tx_, [&](const auto& e) { return e.second == call.id; });
  std::erase_if(relays_, [&](const auto& e) { return e.second.call == call.id; });
  calls_.erase(call.id);  // `call` is gone after this
}

// The quality of every measured stream, summed for `trunkline stats`
// (each call's own figures are in its CDR).
void B2bua::count_stream(const store::LegStats& leg) {
  if (leg.packets == 0) return;
  ++counters_.streams_measured;
  counters_.stream_packets += leg.packets;
  counters_.stream_packets_lost += leg.lost;
  if (leg.mos >= 4.0) {
    ++counters_.streams_mos_good;
  } else if (leg.mos >= 3.6) {
    ++counters_.streams_mos_fair;
  } else {
    ++counters_.streams_mos_poor;
  }
  if (leg.jitter_ms > 30.0) ++counters_.streams_jitter_over_30ms;
  if (leg.lost * 100 > leg.packets + leg.lost) ++counters_.streams_loss_over_1pct;
}

void B2bua::on_media_report(const media::Report& r) {
  auto c = calls_.find(r.id);
  if (c == calls_.end()) return;
  Call& call = *c->second;
  switch (r.kind) {
    case media::ReportKind::kFinal:
      media::accumulate(r.leg == 0 ? call.record.caller_stats : call.record.agent_stats, r.stats);
      if (++call.finals_seen >= 2 * cfg_.media_workers && call.state == CallState::kEnded)
        finish(call);
      return;
    case media::ReportKind::kDtmf:
      TL_LOG(kInfo, "dtmf", "session=%u leg=%s event=%u duration=%u", call.id,
             r.leg == 0 ? "caller" : "agent", r.dtmf_event, r.dtmf_duration);
      if (r.leg == 0) menu_key(call, r.dtmf_event);
      return;
    case media::ReportKind::kRefused:
      // An lcore could not install the session (table full, port in use):
      // the call cannot carry media, so it ends rather than stay silent.
      ++counters_.media_command_failed;
      TL_LOG(kWarn, "media_refused", "session=%u worker=%u", call.id, r.worker);
      if (call.state != CallState::kEnded) {
        cancel_branches(call);
        if (call.state == CallState::kAnswered) {
          send_in_dialog(call, Side::kCarrier, "BYE");
          send_in_dialog(call, Side::kAgent, "BYE");
        } else {
          answer_carrier(call, 503, reason_of(503),
                         "Retry-After: " + std::to_string(cfg_.retry_after_s) + "\r\n");
        }
        end_call(call, Outcome::kFailed, 503, "media session refused by the dataplane");
      }
      return;
    case media::ReportKind::kLatched:
      TL_LOG(kDebug, "media_latched", "session=%u leg=%u addr=%s:%u", call.id, r.leg,
             r.addr.ip.to_string().c_str(), r.addr.port);
      return;
  }
}

void B2bua::tick() {
  const std::uint64_t now = now_ms_();
  std::vector<media::SessionId> due;
  for (auto& [id, call] : calls_) {
    if (call->state == CallState::kEnded) {
      if (now >= call->cdr_due_ms) due.push_back(id);
    } else if (call->state == CallState::kRouting) {
      tick_offers(*call, now);  // may end the call: its CDR is due on a later tick
      if (call->state == CallState::kRouting) queue_tick(*call, now);
    }
  }
  for (media::SessionId id : due) {
    auto c = calls_.find(id);
    if (c != calls_.end()) finish(*c->second);
  }
}

}  // namespace trunkline::b2bua
