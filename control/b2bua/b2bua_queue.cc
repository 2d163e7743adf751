// The B2BUA's half of ACD distribution: a call to a number with a queue is
// handed to the ACD, which answers with orders (call_queue.h). While the
// caller waits it hears the queue's announcement then music, played by the
// dataplane as early media (183 with our SDP); an offer rings one agent's
// phones like the per-number hunting does; what became of the offer and of
// the caller goes back to the ACD.
#include "common/log.h"
#include "control/b2bua/b2bua.h"
#include "control/b2bua/call.h"
#include "control/b2bua/sdp_anchor.h"

namespace trunkline::b2bua {

namespace {

// A 183 is repeated this often while a caller waits: a proxy that hears
// nothing for 3 minutes (RFC 3261 Timer C) would cancel the call.
constexpr std::uint64_t kProgressRefreshMs = 60'000;

}  // namespace

bool B2bua::install_media(Call& call) {
  if (call.media_installed) return true;
  media::Command cmd;
  cmd.verb = media::CommandVerb::kCreate;
  cmd.id = call.id;
  cmd.owner_shard = static_cast<std::uint8_t>(cfg_.shard);
  cmd.legs[0] = call.carrier.media;
  cmd.legs[1] = call.agent.media;
  if (!media_.send(cmd)) {
    ++counters_.media_command_failed;
    ++counters_.refused_overload;
    if (call.queued) report(call, QueueReportKind::kAbandoned);
    call.queued = false;
    cancel_branches(call);
    answer_carrier(call, 503, "Service Unavailable",
                   "Retry-After: " + std::to_string(cfg_.retry_after_s) + "\r\n");
    end_call(call, Outcome::kFailed, 503, "media command ring full");
    return false;
  }
  call.media_installed = true;
  return true;
}

void B2bua::enqueue(Call& call) {
  if (queue_ == nullptr) {
    ++counters_.queue_no_acd;
    TL_LOG(kWarn, "call_refused_no_acd", "session=%u did=%s queue=%s", call.id,
           call.record.cdr.did.c_str(), call.setup->route.queue.c_str());
    answer_carrier(call, 480, reason_of(480));
    end_call(call, Outcome::kRefused, 480, "number has a queue but the ACD is not running");
    return;
  }
  // The media session exists from the start: prompts play on its carrier leg.
  if (!install_media(call)) return;
  if (call.setup->route.menu_prompt != 0) {
    play(call, call.setup->route.menu_prompt, 0);
    if (call.early_answered) {  // else no G.711: the caller queues without a choice
      call.in_menu = true;
      call.menu_deadline_ms = now_ms_() + call.setup->route.menu_timeout_ms;
      ++counters_.queue_menus;
      return;
    }
  }
  arrive(call, {});
}

// The caller joins the ACD, with the incoming skill its menu key chose.
void B2bua::arrive(Call& call, std::string_view incoming_skill) {
  call.in_menu = false;
  call.queued = true;
  ++counters_.queued;
  QueueReport r;
  r.kind = QueueReportKind::kArrived;
  r.shard = static_cast<std::uint8_t>(cfg_.shard);
  r.call = call.id;
  r.tenant = call.record.tenant;
  copy_name(r.queue, call.setup->route.queue);
  copy_name(r.line_skill, call.setup->route.line_skill);
  copy_name(r.incoming_skill, incoming_skill);
  queue_->report(r);
  TL_LOG(kInfo, "call_queued", "session=%u queue=%s incoming_skill=%.*s", call.id,
         call.setup->route.queue.c_str(), static_cast<int>(incoming_skill.size()),
         incoming_skill.data());
}

void B2bua::report(Call& call, QueueReportKind kind, OfferFailureKind failure,
                   std::string_view agent) {
  if (queue_ == nullptr) return;
  QueueReport r;
  r.kind = kind;
  r.failure = failure;
  r.shard = static_cast<std::uint8_t>(cfg_.shard);
  r.call = call.id;
  r.tenant = call.record.tenant;
  copy_name(r.agent, agent.empty() ? std::string_view(call.current_agent) : agent);
  queue_->report(r);
}

// Every phone of the offered agent failed or rang out.
void B2bua::offer_failed(Call& call, const Offer& offer) {
  OfferFailureKind kind = OfferFailureKind::kError;
  if (offer.failure == Outcome::kNoAnswer) {
    kind = OfferFailureKind::kNoAnswer;
  } else if (offer.last_failure == 603) {
    kind = OfferFailureKind::kRejected;
  } else if (offer.failure == Outcome::kBusy) {
    kind = OfferFailureKind::kBusy;
  }
  TL_LOG(kInfo, "call_offer_failed", "session=%u agent=%s code=%d", call.id, offer.agent.c_str(),
         offer.last_failure);
  report(call, QueueReportKind::kOfferFailed, kind, offer.agent);
}

// Early media towards the carrier: a 183 with our SDP (G.711 only, so the
// lcore can play its prompts in that law), then kPlay on the carrier leg.
// Both prompts 0 stop the playout.
void B2bua::play(Call& call, std::uint16_t announcement, std::uint16_t music) {
  if (announcement != 0 || music != 0) {
    if (call.late_offer) return;  // no offer to answer in a 183: the carrier's ringback
    if (!call.early_answered && call.setup != nullptr) {
      CallSetup& s = *call.setup;
      auto narrowed = narrow_to_g711(s.offer, &call.prompt_pt);
      if (!narrowed) {
        // The caller waits with the carrier's own ringback instead.
        TL_LOG(kInfo, "queue_prompt_skipped", "session=%u reason=\"%s\"", call.id,
               narrowed.error().message.c_str());
        return;
      }
      s.offer = std::move(*narrowed);  // agents are offered the same codec
      s.carrier_answer_sdp = anchored_for(call.carrier, s.offer, call.id, 1);
      call.carrier.sdp_version = 1;
      if (s.carrier_answer_sdp.empty()) return;
      call.early_answered = true;
      answer_carrier(call, 183, reason_of(183), {}, s.carrier_answer_sdp);
      call.progress_due_ms = now_ms_() + kProgressRefreshMs;
    }
    ++counters_.queue_prompts;
  } else if (!call.early_answered) {
    return;  // nothing plays
  }
  media::Command cmd;
  cmd.verb = media::CommandVerb::kPlay;
  cmd.id = call.id;
  cmd.leg = 0;
  cmd.owner_shard = static_cast<std::uint8_t>(cfg_.shard);
  cmd.prompts[0] = announcement;
  cmd.prompts[1] = music;
  cmd.payload_type = call.prompt_pt;
  media(cmd);
}

void B2bua::offer(Call& call, const QueueOrder& order) {
  const std::string agent = order.agent;
  if (call.find_offer(agent) != nullptr) return;  // already ringing that agent
  ++counters_.queue_offers;
  auto targets = routing_.targets(call.record.tenant, call.record.cdr.trunk, agent,
                                  call.carrier.dialog.peer, now_ms_());
  if (targets.empty())
    TL_LOG(kInfo, "queue_agent_unreachable", "session=%u agent=%s reason=\"no phone\"", call.id,
           agent.c_str());
  // Ring-all queues offer several agents at once: each rings in parallel.
  offer_agent(call, agent, std::move(targets), order.ring_timeout_ms);  // none: failed at once
}

void B2bua::release_queued(Call& call, int code, std::string_view cause) {
  ++counters_.queue_released;
  call.queued = false;  // the ACD has let the caller go already
  cancel_branches(call);
  call.offers.clear();
  answer_carrier(
      call, code, reason_of(code),
      code == 503 ? "Retry-After: " + std::to_string(cfg_.retry_after_s) + "\r\n" : std::string());
  end_call(call, Outcome::kRefused, code, cause);
}

void B2bua::on_queue_order(const QueueOrder& order) {
  auto it = calls_.find(order.call);
  // A caller gone meanwhile was reported abandoned; the ACD catches up.
  if (it == calls_.end() || it->second->state != CallState::kRouting) return;
  Call& call = *it->second;
  switch (order.kind) {
    case QueueOrderKind::kOffer:
      if (call.queued) offer(call, order);
      return;
    case QueueOrderKind::kCancelOffer:
      if (call.find_offer(order.agent) != nullptr) {
        const std::string agent = order.agent;
        cancel_branches(call, &agent);
        std::erase_if(call.offers, [&](const Offer& o) { return o.agent == agent; });
      }
      return;
    case QueueOrderKind::kPlay:
      play(call, order.announcement, order.music);
      return;
    case QueueOrderKind::kAnnounceThenRelease:
      call.queued = false;
      ++counters_.queue_released;
      play(call, order.announcement, 0);
      call.release_at_ms = now_ms_() + (call.early_answered ? order.release_after_ms : 0);
      if (call.release_at_ms == now_ms_()) release_queued(call, 480, "queue overflow: closed");
      return;
    case QueueOrderKind::kTransfer: {
      call.queued = false;
      ++counters_.queue_released;
      play(call, 0, 0);
      cancel_branches(call);
      call.offers.clear();
      auto targets = routing_.external(call.record.tenant, call.record.cdr.trunk, order.number,
                                       call.carrier.dialog.peer);
      TL_LOG(kInfo, "queue_transfer", "session=%u number=%s targets=%zu", call.id, order.number,
             targets.size());
      call.setup->route.agents.clear();
      call.next_agent = 0;
      if (targets.empty()) return hunt(call);  // 480 to the carrier
      offer_agent(call, order.number, std::move(targets), 0);
      return;
    }
    case QueueOrderKind::kRefuse:
      release_queued(call, order.sip_status != 0 ? order.sip_status : 503,
                     "queue overflow: refused");
      return;
  }
}

void B2bua::menu_key(Call& call, std::uint8_t event) {
  if (!call.in_menu || call.state != CallState::kRouting) return;
  const std::string skill =
      event < call.setup->route.menu_skill.size() ? call.setup->route.menu_skill[event] : "";
  if (!skill.empty()) ++counters_.queue_menu_choices;
  TL_LOG(kInfo, "call_menu_key", "session=%u event=%u skill=%s", call.id, event, skill.c_str());
  arrive(call, skill);
}

void B2bua::queue_tick(Call& call, std::uint64_t now) {
  if (call.in_menu && now >= call.menu_deadline_ms) {
    TL_LOG(kInfo, "call_menu_timeout", "session=%u", call.id);
    arrive(call, {});  // no key: the queue without an incoming skill
    return;
  }
  if (call.release_at_ms != 0 && now >= call.release_at_ms) {
    call.release_at_ms = 0;
    release_queued(call, 480, "queue overflow: announcement played");
    return;
  }
  if (call.early_answered && call.inbound_tx != 0 && call.setup != nullptr &&
      now >= call.progress_due_ms) {
    call.progress_due_ms = now + kProgressRefreshMs;
    answer_carrier(call, 183, reason_of(183), {}, call.setup->carrier_answer_sdp);
  }
}

}  // namespace trunkline::b2bua
