#include "dataplane/media/commands.h"

namespace trunkline::media {

void send_report(MediaContext& m, unsigned shard, const Report& r) {
  ReportRing* ring = shard < m.shards ? m.reports[shard] : nullptr;
  if (ring == nullptr || !ring->q.push(r)) net::bump(m.counters->media_report_ring_full);
}

namespace {

Report report(const MediaContext& m, ReportKind kind, SessionId id, std::uint8_t leg) {
  Report r;
  r.kind = kind;
  r.id = id;
  r.leg = leg;
  r.worker = m.worker;
  return r;
}

// Keys the leg's SRTP (suite kNone: plain, nothing to do); false if refused.
bool key_srtp(MediaContext& m, Leg& l, const SrtpKeys& keys) {
  if (keys.suite == SrtpSuite::kNone) return true;
  if (!m.srtp.install(m.flows.leg_number(l), keys)) {
    l.flags = static_cast<std::uint8_t>(l.flags & ~Leg::kSrtp);
    return false;
  }
  l.flags |= Leg::kSrtp;
  return true;
}

void create(MediaContext& m, const Command& c) {
  switch (m.flows.insert(c.id, c.legs[0], c.legs[1], c.owner_shard)) {
    case InsertResult::kOk: {
      Leg* first = m.flows.session(c.id);
      Leg* legs[2] = {first, &m.flows.other(*first)};
      for (std::uint8_t k = 0; k < 2; ++k) {
        if (key_srtp(m, *legs[k], c.legs[k].srtp)) continue;
        for (Leg* l : legs) m.srtp.remove(m.flows.leg_number(*l));
        m.flows.erase(c.id);
        net::bump(m.counters->media_srtp_refused);
        send_report(m, c.owner_shard, report(m, ReportKind::kRefused, c.id, 0));
        return;
      }
      net::bump(m.counters->media_sessions_created);
      return;
    }
    case InsertResult::kFull:
      net::bump(m.counters->media_table_full);
      break;
    case InsertResult::kDuplicate:
    case InsertResult::kInvalid:
      net::bump(m.counters->media_command_rejected);
      break;
  }
  send_report(m, c.owner_shard, report(m, ReportKind::kRefused, c.id, 0));
}

// A new signalled address: a leg locked elsewhere unlocks and latches again
// (a re-INVITE moved the peer); locked to that very address, it stays locked
// (control echoing a latch, see MediaControl).
void update_remote(Leg& l, const LegSpec& spec) {
  l.remote = spec.remote;
  l.telephone_event_pt = spec.telephone_event_pt;
  if (l.has(Leg::kLocked) && l.peer == spec.remote) return;
  l.flags = static_cast<std::uint8_t>(l.flags & ~(Leg::kLocked | Leg::kCandidate));
  l.heard = 0;
  l.rtcp_port = 0;
}

void set_flag(Leg& l, std::uint8_t flag, bool on) {
  l.flags = static_cast<std::uint8_t>(on ? (l.flags | flag) : (l.flags & ~flag));
}

void play(MediaContext& m, const Command& c, Leg& l) {
  if (m.workers != 0 && c.id % m.workers != m.worker) return;  // another lcore's
  const std::uint32_t n = m.flows.leg_number(l);
  if (c.prompts[0] == 0 && c.prompts[1] == 0) {
    m.playout.stop(n);
    l.playing = 0;
    return;
  }
  const Prompt* first = m.prompts != nullptr ? m.prompts->find(c.prompts[0]) : nullptr;
  const Prompt* loop = m.prompts != nullptr ? m.prompts->find(c.prompts[1]) : nullptr;
  if ((c.prompts[0] != 0 && first == nullptr) || (c.prompts[1] != 0 && loop == nullptr) ||
      (c.payload_type != 0 && c.payload_type != 8) ||
      !m.playout.start(n, first, loop, c.payload_type, c.id * 2654435761u ^ n, m.now_ms)) {
    net::bump(m.counters->media_command_rejected);
    return;
  }
  l.playing = 1;
  net::bump(m.counters->media_playout_started);
}

}  // namespace

void apply_command(MediaContext& m, const Command& c) {
  if (c.verb == CommandVerb::kCreate) return create(m, c);
  Leg* first = m.flows.session(c.id);
  if (first == nullptr || c.leg > 1) {
    net::bump(m.counters->media_command_rejected);
    return;
  }
  Leg* legs[2] = {first, &m.flows.other(*first)};
  switch (c.verb) {
    case CommandVerb::kCreate:
      break;
    case CommandVerb::kUpdateRemote:
      update_remote(*legs[c.leg], c.legs[c.leg]);
      // The leg's SRTP as given: new keys (the peer's answer) re-key, the
      // same keys change nothing, none turns it off (a new target in plain RTP).
      if (c.legs[c.leg].srtp.suite == SrtpSuite::kNone) {
        m.srtp.remove(m.flows.leg_number(*legs[c.leg]));
        legs[c.leg]->flags = static_cast<std::uint8_t>(legs[c.leg]->flags & ~Leg::kSrtp);
      } else if (!key_srtp(m, *legs[c.leg], c.legs[c.leg].srtp)) {
        net::bump(m.counters->media_srtp_refused);
      }
      break;
    case CommandVerb::kHold:
      set_flag(*legs[c.leg], Leg::kHeld, c.flag != 0);
      break;
    case CommandVerb::kRecord:
      for (Leg* l : legs) {
        set_flag(*l, Leg::kRecord, c.flag != 0);
        l->recording = c.flag != 0 ? c.recording : 0;
      }
      break;
    case CommandVerb::kPlay:
      play(m, c, *legs[c.leg]);
      break;
    case CommandVerb::kDelete:
      for (Leg* l : legs) m.playout.stop(m.flows.leg_number(*l));
      for (std::uint8_t k = 0; k < 2; ++k) {
        Report r = report(m, ReportKind::kFinal, c.id, k);
        r.addr = legs[k]->has(Leg::kLocked) ? legs[k]->peer : legs[k]->remote;
        r.stats = snapshot(legs[k]->rx);
        send_report(m, legs[k]->owner_shard, r);
      }
      for (Leg* l : legs) m.srtp.remove(m.flows.leg_number(*l));
      m.flows.erase(c.id);
      net::bump(m.counters->media_sessions_deleted);
      break;
  }
}

unsigned process_commands(MediaContext& m, unsigned per_shard) {
  unsigned done = 0;
  for (unsigned s = 0; s < m.shards; ++s) {
    CommandRing* ring = m.commands[s];
    if (ring == nullptr) continue;
    Command c;
    for (unsigned n = 0; n < per_shard && ring->q.pop(c); ++n, ++done) apply_command(m, c);
  }
  if (done != 0) net::bump(m.counters->media_commands, done);
  return done;
}

}  // namespace trunkline::media
