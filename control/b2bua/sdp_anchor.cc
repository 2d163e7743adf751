#include "control/b2bua/sdp_anchor.h"

#include <vector>

#include "control/sdp/attributes.h"
#include "control/sdp/parser.h"
#include "control/sdp/writer.h"

namespace trunkline::b2bua {

namespace {

const sdp::Media* first_audio(const sdp::Session& s) {
  for (const sdp::Media& m : s.media)
    if (m.media == "audio" && m.port != 0) return &m;
  return nullptr;
}

}  // namespace

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
  if (!m->formats.empty()) {
    const std::string_view f = m->formats.front();
    out.codec = f == "0" ? "PCMU" : f == "8" ? "PCMA" : "PT" + std::string(f);
  }
  if (auto pt = sdp::telephone_event_payload(*m); pt && *pt > 0 && *pt < 128)
    out.telephone_event_pt = static_cast<std::uint8_t>(*pt);
  return out;
}

Result<std::string> anchor_sdp(std::string_view body, const net::IpKey& ip, std::uint16_t port,
                               std::uint64_t session_id, std::uint64_t version) {
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
  if (s.has_connection) s.connection = ours;
  bool anchored = false;
  for (sdp::Media& m : s.media) {
    if (!anchored && m.media == "audio" && m.port != 0) {
      anchored = true;
      m.port = port;
      m.port_count = 1;
      m.has_port_count = false;
      if (!m.connections.empty() || !s.has_connection) m.connections.assign(1, ours);
      std::erase_if(m.attributes, [](const sdp::Attribute& a) { return a.name == "rtcp"; });
    } else {
      m.port = 0;  // refused: only the first audio stream is anchored
    }
  }
  if (!anchored) return Error{"SDP has no audio m-line with a port"};
  std::string out;
  sdp::write_session(s, &out);
  return out;
}

}  // namespace trunkline::b2bua
