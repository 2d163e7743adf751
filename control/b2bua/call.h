// One call as the B2BUA keeps it: the carrier leg and the agent leg (each a
// dialog and a media leg), the targets still to try, and what the CDR will say.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "control/b2bua/b2bua.h"
#include "control/b2bua/sdp_anchor.h"

namespace trunkline::b2bua {

// Shared by the two halves of the B2BUA (b2bua.cc: setting a call up;
// b2bua_in_call.cc: the call once it exists).
inline constexpr std::string_view kAllow = "INVITE, ACK, BYE, CANCEL, OPTIONS, UPDATE, REGISTER";
inline constexpr std::string_view kSdp = "application/sdp";
std::string_view reason_of(int code);  // the reason phrase we send with `code`
bool has_sdp(const sip::Message& m);
// The offer the agent gets when the carrier's INVITE had none (late offer):
// G.711 both laws and telephone-event (anchor_sdp puts in our address/port).
std::string late_offer_sdp(const net::IpKey& ours);
struct CallLeg;
// `peer_sdp` as `leg`'s peer sees it: our address and that leg's port.
std::string anchored_for(const CallLeg& leg, std::string_view peer_sdp, media::SessionId id,
                         std::uint64_t version);
// The media command's SRTP of a leg: our key, and the peer's once known.
media::SrtpKeys srtp_keys(const struct SdesKey& ours, const struct SdesKey* theirs);

enum class CallState : std::uint8_t {
  kRouting,   // INVITE to a target outstanding, nothing answered
  kAnswered,  // both dialogs confirmed, media flowing
  kEnded,     // hung up; waiting for the media reports to write the CDR
};

struct CallLeg {
  Dialog dialog;
  bool established = false;  // a dialog exists (a tagged 1xx/2xx sent or received)
  media::LegSpec media;
  std::uint64_t sdp_version = 0;  // o= version of the SDP we send on this leg
  std::optional<SdesKey> sdes;    // SRTP on this leg: our key, sent in our a=crypto
};

// Ringing one agent (or, for a transfer, one number): its phones in waves
// that ring in parallel (every registered contact, or the static address),
// then the next wave (the alternate number) when the whole wave failed or
// rang out. Several offers ring at once for a ring-all queue.
struct Offer {
  std::string agent;
  std::vector<std::vector<Target>> waves;  // still to ring, in order
  std::uint32_t ring_ms = 0;               // per wave; 0: B2buaConfig::ring_timeout_s
  std::uint64_t deadline_ms = 0;           // the current wave rings out then
  bool rang = false;                       // ringing reported to the ACD
  Outcome failure = Outcome::kUnreachable;
  int last_failure = 0;  // SIP code of the last phone that failed
};

// One INVITE towards one phone. A branch that lost (the caller left, another
// phone answered, its wave rang out) is CANCELled and kept until its final
// response, so a 2xx that crossed the CANCEL is acknowledged and hung up.
struct Branch {
  std::string agent;  // the Offer it belongs to
  Dialog dialog;      // its own Call-ID, tags and, once a 1xx/2xx came, the phone's
  sip::TxId tx = 0;
  bool srtp = false;  // offered RTP/SAVP
  bool established = false;
  bool cancelled = false;
};

// What a call needs only until it is answered (or ends unanswered): the
// route, the carrier's INVITE (to answer it), its SDP (to offer phones) and
// our early-media SDP. Freed at the answer: an answered call keeps its two
// dialogs, media legs and CDR, and nothing of its setup.
struct CallSetup {
  InboundRoute route;
  std::string invite;              // the carrier's INVITE as received (for responses and re-tries)
  std::string offer;               // its SDP
  std::string carrier_answer_sdp;  // our 183's SDP (early_answered), sent again in the 200
};

struct B2bua::Call {
  media::SessionId id = 0;
  CallState state = CallState::kRouting;
  std::unique_ptr<CallSetup> setup;  // null once answered
  sip::TxId inbound_tx = 0;          // until its final response
  CallLeg carrier;
  CallLeg agent;  // the phone that answered (its dialog, whose Call-ID hashes here, once answered)
  std::vector<Offer> offers;
  std::vector<Branch> branches;
  std::size_t next_agent = 0;               // index into setup->route.agents: the next to try
  std::string current_agent;                // the agent answering (or last offered), for the CDR
  Outcome failure = Outcome::kUnreachable;  // of the last offer, for the final answer
  bool media_installed = false;
  bool pending_reinvite = false;
  std::uint32_t recording = 0;  // the recorder's handle; 0: not recorded
  std::uint32_t finals_seen = 0;
  std::uint64_t cdr_due_ms = 0;  // kEnded: write the CDR by then even without reports
  CallRecord record;
  // Distributed by the ACD (b2bua_queue.cc): the ACD knows this caller until
  // it is released (answered-and-ended, abandoned, overflowed out).
  // The carrier's INVITE had no SDP: our 200 carries the offer, its ACK the
  // answer (RFC 3261 §13.2.1); until then its leg has no remote address.
  bool late_offer = false;
  bool late_answered = false;
  bool queued = false;
  bool in_menu = false;  // hearing the number's DTMF menu, not yet queued
  std::uint64_t menu_deadline_ms = 0;
  bool early_answered = false;        // 183 with our SDP sent: prompts can play
  std::uint8_t prompt_pt = 0;         // 0 PCMU / 8 PCMA, of the narrowed offer
  std::uint64_t release_at_ms = 0;    // announcement-then-release: when to release
  std::uint64_t progress_due_ms = 0;  // next 183 refresh (keeps proxies' Timer C off)

  Offer* find_offer(std::string_view agent_name) {
    for (Offer& o : offers)
      if (o.agent == agent_name) return &o;
    return nullptr;
  }
  Branch* find_branch(sip::TxId tx) {
    for (Branch& b : branches)
      if (b.tx == tx) return &b;
    return nullptr;
  }
  bool ringing() const {
    for (const Branch& b : branches)
      if (!b.cancelled) return true;
    return false;
  }
};

}  // namespace trunkline::b2bua
