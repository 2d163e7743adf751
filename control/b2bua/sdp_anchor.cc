#include "control/b2bua/sdp_anchor.h"

#include <openssl/rand.h>

#include <cstring>
#include <vector>

#include "control/sdp/attributes.h"
#include "control/sdp/crypto.h"
#include "control/sdp/parser.h"
#include "control/sdp/writer.h"

namespace trunkline::b2bua {

namespace {

const sdp::Media* first_audio(const sdp::Session& s) {
  for (const sdp::Media& m : s.media)
    if (m.media == "audio" && m.port != 0) return &m;
  return nullptr;
}

std::string_view suite_name(media::SrtpSuite s) {
  return s == media::SrtpSuite::kAesCm128HmacSha1_32 ? "AES_CM_128_HMAC_SHA1_32"
                                                     : "AES_CM_128_HMAC_SHA1_80";
}

// The first a=crypto of `m` this appliance can key, or why there is none.
Result<SdesKey> usable_crypto(const sdp::Media& m) {
  std::string why = "RTP/SAVP audio without an a=crypto line (SDES, RFC 4568)";
  for (const sdp::Attribute& a : m.attributes) {
    if (a.name != "crypto") continue;
    sdp::Crypto c;
    const char* error = nullptr;
    if (!sdp::parse_crypto(a.value, &c, &error)) {
      why = std::string("a=crypto: ") + (error != nullptr ? error : "malformed");
      continue;
    }
    SdesKey k;
    k.tag = c.tag;
    if (c.suite == "AES_CM_128_HMAC_SHA1_80") {
      k.suite = media::SrtpSuite::kAesCm128HmacSha1_80;
    } else if (c.suite == "AES_CM_128_HMAC_SHA1_32") {
      k.suite = media::SrtpSuite::kAesCm128HmacSha1_32;
    } else {
      why = "a=crypto suite " + std::string(c.suite) +
            " is not supported (AES_CM_128_HMAC_SHA1_80 or _32)";
      continue;
    }
    if (c.keys.size() != 1 || c.keys[0].method != "inline" || !c.keys[0].mki_value.empty() ||
        !c.session_params.empty()) {
      why = "a=crypto with several keys, an MKI or session parameters is not supported";
      continue;
    }
    std::vector<std::uint8_t> bytes;
    if (!sdp::decode_base64(c.keys[0].key_salt, &bytes) || bytes.size() != sizeof k.key) {
      why = "a=crypto key is not 30 bytes of base64";
      continue;
    }
    std::memcpy(k.key, bytes.data(), sizeof k.key);
    return k;
  }
  return Error{why};
}

}  // namespace

Result<SdesKey> new_sdes_key(std::uint32_t tag, media::SrtpSuite suite) {
  SdesKey k;
  k.tag = tag;
  k.suite = suite;
  if (RAND_bytes(k.key, sizeof k.key) != 1) return Error{"no random bytes for an SRTP key"};
  return k;
}

Result<AudioOffer> read_audio(std::string_view body) {
  sdp::Session s;
  if (sdp::SdpError e = sdp::parse_session(body, &s); !e.ok()) return e.to_error();
  const sdp::Media* m = first_audio(s);
  if (m == nullptr) return Error{"SDP has no audio m-line with a port"};
  const sdp::Connection* c = s.connection_for(*m);
  if (c == nullptr) return Error{"SDP audio m-line has no connection address (c=)"};
  AudioOffer out;
  out.remote.port = m->port;
  if (c->addr_type == "IP4") {
    auto a = net::Ip4::parse(c->address);
    if (!a) return Error{"SDP c= address '" + std::string(c->address) + "' is not an IPv4 address"};
    out.remote.ip = net::IpKey::of(*a);
    if (c->address == "0.0.0.0") out.hold = true;  // RFC 2543 hold
  } else if (c->addr_type == "IP6") {
    auto a = net::Ip6::parse(c->address);
    if (!a) return Error{"SDP c= address '" + std::string(c->address) + "' is not an IPv6 address"};
    out.remote.ip = net::IpKey::of(*a);
  } else {
    return Error{"SDP c= address type '" + std::string(c->addr_type) + "' is not IP4 or IP6"};
  }
  const sdp::Direction d = s.direction_for(*m);
  if (d == sdp::Direction::kSendOnly || d == sdp::Direction::kInactive) out.hold = true;
  out.secure = m->proto == "RTP/SAVP" || m->proto == "RTP/SAVPF";
  if (out.secure) {
    auto k = usable_crypto(*m);
    if (!k) return k.error();
    out.crypto = *k;
  }
  if (!m->formats.empty()) {
    const std::string_view f = m->formats.front();
    out.codec = f == "0" ? "PCMU" : f == "8" ? "PCMA" : "PT" + std::string(f);
  }
  if (auto pt = sdp::telephone_event_payload(*m); pt && *pt > 0 && *pt < 128)
    out.telephone_event_pt = static_cast<std::uint8_t>(*pt);
  return out;
}

Result<std::string> anchor_sdp(std::string_view body, const net::IpKey& ip, std::uint16_t port,
                               std::uint64_t session_id, std::uint64_t version,
                               const SdesKey* srtp) {
  sdp::Session s;
  if (sdp::SdpError e = sdp::parse_session(body, &s); !e.ok()) return e.to_error();
  const std::string addr = ip.to_string();
  const std::string_view family = ip.is_v4() ? "IP4" : "IP6";
  const std::string id = std::to_string(session_id);
  const std::string ver = std::to_string(version);
  s.origin.username = "trunkline";
  s.origin.session_id = id;
  s.origin.session_version = ver;
  s.origin.net_type = "IN";
  s.origin.addr_type = family;
  s.origin.address = addr;
  const sdp::Connection ours{"IN", family, addr};
  std::string key_text, crypto_line;  // our a=crypto, alive until written
  if (s.has_connection) s.connection = ours;
  bool anchored = false;
  for (sdp::Media& m : s.media) {
    if (!anchored && m.media == "audio" && m.port != 0) {
      anchored = true;
      m.port = port;
      m.port_count = 1;
      m.has_port_count = false;
      if (!m.connections.empty() || !s.has_connection) m.connections.assign(1, ours);
      std::erase_if(m.attributes,
                    [](const sdp::Attribute& a) { return a.name == "rtcp" || a.name == "crypto"; });
      m.proto = srtp != nullptr ? "RTP/SAVP" : "RTP/AVP";
      if (srtp != nullptr) {
        sdp::Crypto c;
        c.tag = srtp->tag;
        c.suite = suite_name(srtp->suite);
        key_text = sdp::encode_base64(srtp->key);
        c.keys.push_back(sdp::CryptoKey{"inline", key_text, {}, {}, 0});
        crypto_line = sdp::format_crypto(c);
        m.attributes.push_back(sdp::Attribute{"crypto", crypto_line, true});
      }
    } else {
      m.port = 0;  // refused: only the first audio stream is anchored
    }
  }
  if (!anchored) return Error{"SDP has no audio m-line with a port"};
  std::string out;
  sdp::write_session(s, &out);
  return out;
}

Result<std::string> narrow_to_g711(std::string_view body, std::uint8_t* payload_type) {
  sdp::Session s;
  if (sdp::SdpError e = sdp::parse_session(body, &s); !e.ok()) return e.to_error();
  for (sdp::Media& m : s.media) {
    if (m.media != "audio" || m.port == 0) continue;
    std::string_view keep;
    for (std::string_view f : m.formats)
      if (keep.empty() && (f == "0" || f == "8")) keep = f;
    if (keep.empty()) return Error{"the audio offer has neither PCMU (0) nor PCMA (8)"};
    const auto events = sdp::telephone_event_payload(m);
    const std::string event_pt = events ? std::to_string(*events) : std::string();
    std::erase_if(m.formats, [&](std::string_view f) { return f != keep && f != event_pt; });
    // rtpmap/fmtp of the formats dropped go too.
    std::erase_if(m.attributes, [&](const sdp::Attribute& a) {
      if (a.name != "rtpmap" && a.name != "fmtp") return false;
      const std::string_view pt = a.value.substr(0, a.value.find(' '));
      return pt != keep && pt != event_pt;
    });
    *payload_type = keep == "0" ? 0 : 8;
    std::string out;
    sdp::write_session(s, &out);
    return out;
  }
  return Error{"SDP has no audio m-line with a port"};
}

}  // namespace trunkline::b2bua
