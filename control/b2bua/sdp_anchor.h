// Anchoring a call's media in the appliance (RFC 3264 offer/answer as a
// B2BUA does it): read where a peer's SDP says it receives audio, and write
// the SDP the other leg sees, with every address and the audio port replaced
// by the appliance's own, so both legs send their RTP to the fast path.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/result.h"
#include "dataplane/media/media_types.h"

namespace trunkline::b2bua {

// SDES keying of one direction (RFC 4568): the a=crypto line's tag, suite
// and inline key||salt.
struct SdesKey {
  std::uint32_t tag = 1;
  media::SrtpSuite suite = media::SrtpSuite::kAesCm128HmacSha1_80;
  std::uint8_t key[media::kSrtpMasterKeyLength] = {};
};

// A fresh random key of `suite` for a=crypto tag `tag` (OpenSSL's DRBG).
Result<SdesKey> new_sdes_key(std::uint32_t tag, media::SrtpSuite suite);

struct AudioOffer {
  media::Endpoint remote;               // c= and port of the first audio m-line
  std::uint8_t telephone_event_pt = 0;  // RFC 4733 payload type; 0: none
  bool hold = false;                    // sendonly / inactive / c=0.0.0.0 (RFC 3264 §8.4)
  bool secure = false;                  // RTP/SAVP (SRTP) offered
  SdesKey crypto;                       // secure: the first a=crypto usable here
  std::string codec;                    // of the first format: "PCMU", "PCMA" or "PT<n>"
};

// The first audio m-line of `body`, or an error naming the SDP line at fault
// (no audio, a host name instead of an address, no connection address, an
// RTP/SAVP line without an a=crypto this appliance can key: suites
// AES_CM_128_HMAC_SHA1_80 or _32, one inline key, no MKI ...).
Result<AudioOffer> read_audio(std::string_view body);

// `body` as the other leg sees it: o= and every c= set to `ip`, the first
// audio m-line's port set to `port` (RTCP: port + 1, so a=rtcp lines are
// dropped), any other m-line refused with port 0 (only audio is anchored).
// `version` is the o= session version of this leg's SDP (RFC 3264 §8: it
// grows with every new offer or answer the appliance sends on the leg).
// The peer's a=crypto lines never pass through: with `srtp` the audio line
// becomes RTP/SAVP with that one a=crypto (our key for this leg), without it
// plain RTP/AVP.
Result<std::string> anchor_sdp(std::string_view body, const net::IpKey& ip, std::uint16_t port,
                               std::uint64_t session_id, std::uint64_t version,
                               const SdesKey* srtp = nullptr);

// `body` with its first audio m-line narrowed to one G.711 format (the first
// of PCMU/PCMA offered) plus telephone-event, so that the appliance can play
// prompts to the offerer before any agent answers (early media), and the
// agent is offered the same codec. `payload_type` gets 0 or 8. An offer
// without G.711 is refused with the reason.
Result<std::string> narrow_to_g711(std::string_view body, std::uint8_t* payload_type);

}  // namespace trunkline::b2bua
