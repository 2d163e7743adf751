#include "control/b2bua/b2bua.h"

#include <cstdio>
#include <cstring>
#include <random>

#include "common/log.h"
#include "control/b2bua/call.h"
#include "control/b2bua/sdp_anchor.h"
#include "control/sip/message_writer.h"
#include "control/sip/preparse.h"

namespace trunkline::b2bua {

std::string_view reason_of(int code) {
  switch (code) {
    case 180:
      return "Ringing";
    case 183:
      return "Session Progress";
    case 200:
      return "OK";
    case 400:
      return "Bad Request";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 408:
      return "Request Timeout";
    case 480:
      return "Temporarily Unavailable";
    case 481:
      return "Call/Transaction Does Not Exist";
    case 486:
      return "Busy Here";
    case 487:
      return "Request Terminated";
    case 488:
      return "Not Acceptable Here";
    case 491:
      return "Request Pending";
    case 500:
      return "Server Internal Error";
    case 501:
      return "Not Implemented";
    case 503:
      return "Service Unavailable";
    default:
      return code < 300 ? "OK" : "Error";
  }
}

bool has_sdp(const sip::Message& m) { return !m.body().empty(); }

std::string late_offer_sdp(const net::IpKey& ours) {
  const std::string ip = ours.to_string();
  const char* family = ours.is_v4() ? "IP4" : "IP6";
  return "v=0\r\no=trunkline 1 1 IN " + std::string(family) + " " + ip + "\r\ns=-\r\nc=IN " +
         family + " " + ip +
         "\r\nt=0 0\r\nm=audio 9 RTP/AVP 0 8 101\r\na=rtpmap:0 PCMU/8000\r\n"
         "a=rtpmap:8 PCMA/8000\r\na=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-15\r\n"
         "a=sendrecv\r\n";
}

namespace {

// The user part of the Request-URI (sip: user or tel: number), else To's.
std::string dialled_number(const sip::Message& invite) {
  const sip::Uri& ru = invite.request_line().uri;
  if (ru.kind == sip::UriScheme::kTel) return std::string(ru.number);
  if (ru.is_sip() && ru.has_user) return std::string(ru.user);
  const sip::Uri& to = invite.to().addr.uri;
  if (to.kind == sip::UriScheme::kTel) return std::string(to.number);
  return std::string(to.user);
}

std::string caller_number(const sip::Message& invite) {
  const sip::Uri& from = invite.from().addr.uri;
  if (from.kind == sip::UriScheme::kTel) return std::string(from.number);
  return std::string(from.user);
}

}  // namespace

std::string_view target_kind_name(Target::Kind k) {
  switch (k) {
    case Target::Kind::kRegistered:
      return "registered";
    case Target::Kind::kStatic:
      return "static";
    case Target::Kind::kAlternate:
      return "alternate";
  }
  return "?";
}

store::LegStats leg_summary(const media::StreamStats& s) {
  store::LegStats l;
  l.packets = s.packets;
  l.lost = s.lost;
  l.jitter_ms = s.jitter_us / 1000.0;
  l.mos = s.mos_x100 / 100.0;
  return l;
}

B2bua::B2bua(B2buaConfig cfg, Routing& routing, MediaSink& media, sip::Transport& transport,
             CallRecordSink cdrs, std::function<std::uint64_t()> now_ms,
             std::function<std::uint64_t()> wall_ms)
    : cfg_(cfg),
      routing_(routing),
      media_(media),
      transport_(transport),
      cdrs_(std::move(cdrs)),
      now_ms_(std::move(now_ms)),
      wall_ms_(std::move(wall_ms)),
      ports_(cfg.media_port_min, cfg.media_port_max, cfg.shard, cfg.shards),
      random_state_(std::random_device{}() ^ (std::uint64_t{std::random_device{}()} << 32)) {}

B2bua::~B2bua() = default;

std::string B2bua::new_tag() {
  char buf[40];
  std::snprintf(buf, sizeof buf, "tl%x-%llx-%llx", cfg_.shard,
                static_cast<unsigned long long>(random_state_ ^ (random_state_ >> 29)),
                static_cast<unsigned long long>(++tag_counter_));
  return buf;
}

// A Call-ID that the dataplane steers to this shard, so both legs' SIP
// lands on the thread that owns the call.
std::string B2bua::new_call_id() {
  for (;;) {
    random_state_ = random_state_ * 6364136223846793005ULL + 1442695040888963407ULL;
    char buf[48];
    std::snprintf(buf, sizeof buf, "%016llx@trunkline",
                  static_cast<unsigned long long>(random_state_));
    if (cfg_.shards <= 1 || sip::call_id_hash(buf) % cfg_.shards == cfg_.shard) return buf;
  }
}

std::string B2bua::contact_for(const sip::Peer& local_side, bool sips) const {
  const std::string ip = local_side.local.to_string();
  const std::string host_port = (local_side.local.is_v4() ? ip : "[" + ip + "]") + ":" +
                                std::to_string(local_side.local_port);
  // A SIPS URI means TLS already; RFC 5630 §3.1.1 deprecates transport=tls with it.
  if (sips) return "<sips:trunkline@" + host_port + ">";
  return "<sip:trunkline@" + host_port +
         std::string(sip::uri_transport_param(local_side.transport)) + ">";
}

void B2bua::media(const media::Command& c) {
  if (!media_.send(c)) {
    ++counters_.media_command_failed;
    TL_LOG(kWarn, "media_command_failed", "session=%u verb=%d", c.id, static_cast<int>(c.verb));
  }
}

void B2bua::respond(sip::TxId tx, const sip::Message& req, int code, std::string_view reason,
                    std::string_view to_tag, std::string_view extra, std::string_view content_type,
                    std::string_view body) {
  std::string out;
  sip::MessageWriter w(&out);
  sip::write_response_head(req, code, reason, code == 100 ? std::string_view{} : to_tag, w);
  if (!extra.empty()) out.append(extra);
  w.header("Server", "Trunkline");
  w.finish(content_type, body);
  if (Status s = layer_->respond(tx, std::move(out), code, now_ms_()); !s)
    TL_LOG(kDebug, "b2bua_respond_failed", "code=%d error=\"%s\"", code, s.error().message.c_str());
}

B2bua::Call* B2bua::find(std::string_view call_id, Side* side) {
  auto it = by_call_id_.find(std::string(call_id));
  if (it == by_call_id_.end()) return nullptr;
  auto c = calls_.find(it->second);
  if (c == calls_.end()) return nullptr;
  *side = c->second->carrier.dialog.call_id == call_id ? Side::kCarrier : Side::kAgent;
  return c->second.get();
}

void B2bua::on_request(sip::TxId tx, const sip::Message& req, const sip::Peer& from) {
  if (req.method() == sip::Method::kRegister && register_) {
    int code = 0;
    std::string response = register_(req, from, now_ms_(), &code);
    (void)layer_->respond(tx, std::move(response), code, now_ms_());
    return;
  }
  if (req.to().has_tag) {
    Side side;
    if (Call* call = find(req.call_id(), &side)) return in_dialog(tx, req, from, *call, side);
  } else if (req.method() == sip::Method::kInvite && !cfg_.test_responder) {
    return start_call(tx, req, from);
  }
  if (fallback_ != nullptr) return fallback_->on_request(tx, req, from);
  respond(tx, req, 501, "Not Implemented", new_tag(), "Allow: " + std::string(kAllow) + "\r\n");
}

void B2bua::start_call(sip::TxId tx, const sip::Message& invite, const sip::Peer& from) {
  const std::string did = dialled_number(invite);
  // A SIPS Request-URI asks for TLS up to us, the entity that serves it
  // (RFC 3261 §26.2.2): one that came in clear is refused, not served.
  const bool sips = invite.request_line().uri.kind == sip::UriScheme::kSips;
  if (sips && from.transport != sip::TransportKind::kTls) {
    ++counters_.refused_transport;
    TL_LOG(kInfo, "call_refused", "code=403 reason=\"SIPS Requires TLS\" source=%s did=%s",
           from.to_string().c_str(), did.c_str());
    respond(tx, invite, 403, "SIPS Requires TLS", new_tag());
    return;
  }
  InboundRoute route = routing_.route(from, did);
  if (route.refuse_code != 0) {
    (route.refused_transport    ? counters_.refused_transport
     : route.refuse_code == 403 ? counters_.refused_trunk
                                : counters_.refused_number)++;
    TL_LOG(kInfo, "call_refused", "code=%d reason=\"%s\" source=%s did=%s", route.refuse_code,
           route.refuse_reason.c_str(), from.to_string().c_str(), did.c_str());
    respond(tx, invite, route.refuse_code, route.refuse_reason, new_tag());
    return;
  }
  const std::string retry = "Retry-After: " + std::to_string(cfg_.retry_after_s) + "\r\n";
  if (calls_.size() >= cfg_.max_calls || ports_.available() < 2) {
    ++counters_.refused_overload;
    TL_LOG(kWarn, "call_refused_overload", "calls=%zu ports=%zu", calls_.size(),
           ports_.available());
    respond(tx, invite, 503, "Service Unavailable", new_tag(), retry);
    return;
  }
  // A late offer (no SDP): the agent is offered G.711 from us, the agent's
  // answer becomes our offer in the 200, and the carrier answers in its ACK.
  const bool late = invite.body().empty();
  const std::string sdp_text = late ? late_offer_sdp(from.local) : std::string(invite.body());
  auto offer = read_audio(sdp_text);
  std::optional<SdesKey> carrier_key;
  if (offer && offer->secure) {
    // SRTP from the carrier: answered with our own key, same tag and suite.
    auto k = new_sdes_key(offer->crypto.tag, offer->crypto.suite);
    if (!k) offer = k.error();
    if (k) carrier_key = *k;
  }
  if (!offer) {
    ++counters_.refused_sdp;
    respond(tx, invite, 488, "Not Acceptable Here", new_tag(),
            "Warning: 399 trunkline \"" + offer.error().message + "\"\r\n");
    return;
  }
  auto call = std::make_unique<Call>();
  const std::string tag = new_tag();
  // §12.1.1: a dialog a SIPS request started has a SIPS Contact.
  auto dialog = Dialog::from_request(invite, from, tag, contact_for(from, sips));
  if (!dialog) {
    respond(tx, invite, 400, "Bad Request", tag,
            "Warning: 399 trunkline \"" + dialog.error().message + "\"\r\n");
    return;
  }
  call->id = (next_session_++ << 4) | (cfg_.shard & 0xf);
  call->setup = std::make_unique<CallSetup>();
  call->setup->route = std::move(route);
  call->setup->invite = std::string(invite.bytes());
  call->setup->offer = sdp_text;
  call->late_offer = late;
  if (late) ++counters_.late_offers;
  call->inbound_tx = tx;
  call->carrier.dialog = std::move(*dialog);
  call->carrier.established = true;  // answered with our tag from the first 18x/2xx on
  call->carrier.media.local = {from.local, *ports_.allocate()};
  call->carrier.media.remote = late ? media::Endpoint{} : offer->remote;
  call->carrier.media.dpdk_port = from.dpdk_port;
  call->carrier.media.telephone_event_pt = offer->telephone_event_pt;
  if (carrier_key) {
    call->carrier.sdes = carrier_key;
    call->carrier.media.srtp = srtp_keys(*carrier_key, &offer->crypto);
  }
  call->agent.media.local.port = *ports_.allocate();
  call->agent.media.local.ip = from.local;  // until a phone's side is known
  call->agent.media.dpdk_port = from.dpdk_port;
  CallRecord& r = call->record;
  r.tenant = call->setup->route.tenant;
  r.cdr.caller = caller_number(invite);  // its call_id is the carrier dialog's, set at the end
  r.cdr.did = call->setup->route.did;
  r.cdr.trunk = call->setup->route.trunk;
  r.cdr.started_at_ms = wall_ms_();
  ++counters_.calls_offered;
  TL_LOG(kInfo, "call_offered", "session=%u tenant=%lld did=%s caller=%s trunk=%s", call->id,
         static_cast<long long>(r.tenant), r.cdr.did.c_str(), r.cdr.caller.c_str(),
         r.cdr.trunk.c_str());
  Call& c = *call;
  by_call_id_[c.carrier.dialog.call_id] = c.id;
  by_server_tx_[tx] = c.id;
  calls_.emplace(c.id, std::move(call));
  if (!c.setup->route.queue.empty()) return enqueue(c);
  hunt(c);
}

void B2bua::answer_carrier(Call& call, int code, std::string_view reason, std::string_view extra,
                           std::string_view sdp) {
  if (call.inbound_tx == 0 || call.setup == nullptr) return;
  sip::Message invite;
  if (!sip::parse_message(call.setup->invite, &invite).ok()) return;
  std::string headers(extra);
  if (code > 100 && code < 300) {
    headers += "Contact: " + call.carrier.dialog.contact + "\r\n";
    for (const sip::HeaderField& h : invite)
      if (h.id == sip::HeaderId::kRecordRoute)
        headers += "Record-Route: " + std::string(h.value) + "\r\n";
    headers += "Allow: " + std::string(kAllow) + "\r\n";
  }
  respond(call.inbound_tx, invite, code, reason, call.carrier.dialog.local_tag, headers,
          sdp.empty() ? std::string_view{} : kSdp, sdp);
  if (code >= 200) {
    if (code >= 300) by_server_tx_.erase(call.inbound_tx);
    call.inbound_tx = 0;
  }
}

media::SrtpKeys srtp_keys(const SdesKey& ours, const SdesKey* theirs) {
  media::SrtpKeys k;
  k.suite = ours.suite;
  std::memcpy(k.tx, ours.key, sizeof k.tx);
  if (theirs != nullptr) {
    k.has_rx = true;
    std::memcpy(k.rx, theirs->key, sizeof k.rx);
  }
  return k;
}

std::string anchored_for(const CallLeg& leg, std::string_view peer_sdp, media::SessionId id,
                         std::uint64_t version) {
  auto sdp = anchor_sdp(peer_sdp, leg.media.local.ip, leg.media.local.port, id, version,
                        leg.sdes ? &*leg.sdes : nullptr);
  return sdp ? std::move(*sdp) : std::string();
}

void B2bua::send_in_dialog(Call& call, Side side, std::string_view method, std::string_view extra,
                           std::string_view content_type, std::string_view body, Relay* relay) {
  CallLeg& leg = side == Side::kCarrier ? call.carrier : call.agent;
  std::string bytes = leg.dialog.request(method, layer_->new_branch(), extra, content_type, body);
  const std::string& hop =
      leg.dialog.route_set.empty() ? leg.dialog.remote_target : leg.dialog.route_set.front();
  auto peer = peer_of_uri(hop, leg.dialog.peer);
  auto tx = layer_->request(std::move(bytes), peer ? *peer : leg.dialog.peer, now_ms_());
  if (!tx) {
    TL_LOG(kWarn, "in_dialog_request_failed", "session=%u method=%.*s error=\"%s\"", call.id,
           static_cast<int>(method.size()), method.data(), tx.error().message.c_str());
    return;
  }
  if (relay != nullptr) {
    relay->cseq = leg.dialog.local_cseq;
    relays_[*tx] = *relay;
  }
}

void B2bua::send_ack(Call& call, std::uint32_t cseq) {
  Dialog& d = call.agent.dialog;
  const std::string bytes = d.request("ACK", layer_->new_branch(), {}, {}, {}, cseq);
  const std::string& hop = d.route_set.empty() ? d.remote_target : d.route_set.front();
  auto peer = peer_of_uri(hop, d.peer);
  transport_.send(peer ? *peer : d.peer, bytes);
}

}  // namespace trunkline::b2bua
