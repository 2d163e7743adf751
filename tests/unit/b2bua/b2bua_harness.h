// A B2BUA on a real TransactionLayer with a recording transport, a fake
// routing table and a media sink that records commands, on a clock the test
// moves. Carrier at 203.0.113.10, agents at 198.51.100.20/21, the appliance
// at 198.51.100.1 (one port, as in the test bed).
#pragma once

#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>
#include <vector>

#include "control/b2bua/b2bua.h"
#include "control/sip/message.h"

namespace trunkline::b2bua::testing {

inline net::IpKey ip(const char* s) {
  if (auto a = net::Ip4::parse(s)) return net::IpKey::of(*a);
  return net::IpKey::of(*net::Ip6::parse(s));
}

inline sip::Peer peer(const char* addr, std::uint16_t port) {
  sip::Peer p;
  p.ip = ip(addr);
  p.port = port;
  p.local = ip("198.51.100.1");
  p.local_port = 5060;
  return p;
}

struct Sent {
  sip::Peer to;
  std::string bytes;
  sip::Message msg;  // over `bytes`
};

class RecordingTransport : public sip::Transport {
 public:
  void send(const sip::Peer& to, std::string_view bytes) override {
    sent.push_back(std::make_unique<Sent>());
    Sent& s = *sent.back();
    s.to = to;
    s.bytes = std::string(bytes);
    EXPECT_TRUE(sip::parse_message(s.bytes, &s.msg).ok()) << s.bytes;
  }
  std::vector<std::unique_ptr<Sent>> sent;
};

class FakeRouting : public Routing {
 public:
  InboundRoute route(const sip::Peer& source, std::string_view did) override {
    InboundRoute r;
    if (source.ip != ip("203.0.113.10")) {
      r.refuse_code = 403;
      r.refuse_reason = "Forbidden";
      return r;
    }
    auto it = dids.find(std::string(did));
    if (it == dids.end()) {
      r.refuse_code = 404;
      r.refuse_reason = "Not Found";
      return r;
    }
    r.tenant = 7;
    r.tenant_name = "acme";
    r.trunk = "carrier-a";
    r.did = std::string(did);
    r.line_skill = "sales";
    r.agents = it->second;
    r.record = recorded.count(r.did) != 0;
    if (auto q = queued.find(r.did); q != queued.end()) {
      r.queue = q->second;
      r.agents.clear();
    }
    if (auto m = menus.find(r.did); m != menus.end()) {
      r.menu_prompt = m->second;
      r.menu_timeout_ms = 5000;
      r.menu_skill[1] = "billing";
      r.menu_skill[2] = "support";
    }
    return r;
  }
  std::vector<Target> external(std::int64_t, std::string_view, std::string_view number,
                               const sip::Peer& inbound) override {
    Target t;
    t.kind = Target::Kind::kAlternate;
    t.peer = inbound;
    t.peer.ip = ip("203.0.113.10");
    t.peer.port = 5060;
    t.request_uri = "sip:" + std::string(number) + "@203.0.113.10:5060";
    return {t};
  }
  std::vector<Target> targets(std::int64_t, std::string_view, std::string_view agent,
                              const sip::Peer& inbound, std::uint64_t) override {
    std::vector<Target> out;
    auto it = phones.find(std::string(agent));
    if (it == phones.end()) return out;
    Target t;
    t.kind = Target::Kind::kStatic;
    t.peer = inbound;
    t.peer.ip = ip(it->second.first.c_str());
    t.peer.port = it->second.second;
    t.request_uri = "sip:" + std::string(agent) + "@" + it->second.first + ":" +
                    std::to_string(it->second.second);
    t.srtp = srtp_agents.count(std::string(agent)) != 0;
    out.push_back(t);
    // A second registered phone rings at the same time.
    if (auto second = second_phones.find(std::string(agent)); second != second_phones.end()) {
      out.back().kind = Target::Kind::kRegistered;
      t.kind = Target::Kind::kRegistered;
      t.peer.ip = ip(second->second.c_str());
      t.request_uri = "sip:" + std::string(agent) + "@" + second->second + ":5070";
      out.push_back(t);
    }
    return out;
  }
  std::map<std::string, std::vector<std::string>> dids{{"+81312345678", {"alice", "bob"}}};
  std::set<std::string> recorded;                    // numbers provisioned with record = true
  std::map<std::string, std::string> queued;         // numbers provisioned with a queue
  std::map<std::string, std::string> second_phones;  // agent -> address of another phone
  std::map<std::string, std::uint16_t> menus;        // number -> its DTMF menu's prompt
  std::set<std::string> srtp_agents;                 // agents whose phones take SRTP only
  std::map<std::string, std::pair<std::string, std::uint16_t>> phones{
      {"alice", {"198.51.100.20", 5070}}, {"bob", {"198.51.100.21", 5070}}};
};

class RecordingMedia : public MediaSink {
 public:
  bool send(const media::Command& c) override {
    if (full) return false;
    commands.push_back(c);
    return true;
  }
  std::vector<media::Command> commands;
  bool full = false;
};

// The ACD's side as a test sees it: every report kept, orders fed by hand.
class FakeQueue : public CallQueue {
 public:
  void report(const QueueReport& r) override { reports.push_back(r); }
  unsigned poll(const std::function<void(const QueueOrder&)>&) override { return 0; }
  std::vector<QueueReport> reports;
};

class Harness {
 public:
  explicit Harness(B2buaConfig cfg = {})
      : b2bua(
            cfg, routing, media, transport, [this](const CallRecord& r) { cdrs.push_back(r); },
            [this] { return now; }, [this] { return 1'700'000'000'000ull + now; }),
        layer(transport, b2bua) {
    b2bua.attach(&layer);
  }

  // Feeds `text` as if it came from `from`.
  void receive(const std::string& text, const sip::Peer& from) {
    inputs.push_back(std::make_unique<std::string>(text));
    sip::Message m;
    ASSERT_TRUE(sip::parse_message(*inputs.back(), &m).ok()) << text;
    layer.receive(m, from, now);
  }
  void advance(std::uint64_t ms) {
    for (std::uint64_t t = 0; t < ms; t += 50) {
      now += 50;
      layer.advance(now);
      b2bua.tick();
    }
  }
  // Messages sent since index `from`, to `to` (any port), requests with
  // `method` or responses with `code` (0: any).
  std::vector<const Sent*> sent_to(const char* addr, std::size_t from_index = 0) const {
    std::vector<const Sent*> out;
    for (std::size_t i = from_index; i < transport.sent.size(); ++i)
      if (transport.sent[i]->to.ip == ip(addr)) out.push_back(transport.sent[i].get());
    return out;
  }
  const Sent* last_request_to(const char* addr, std::string_view method) const {
    const Sent* found = nullptr;
    for (auto& s : transport.sent)
      if (s->to.ip == ip(addr) && s->msg.is_request() && s->msg.request_line().method == method)
        found = s.get();
    return found;
  }
  const Sent* last_response_to(const char* addr, int code) const {
    const Sent* found = nullptr;
    for (auto& s : transport.sent)
      if (s->to.ip == ip(addr) && !s->msg.is_request() && s->msg.status_line().code == code)
        found = s.get();
    return found;
  }

  std::uint64_t now = 1000;
  FakeRouting routing;
  RecordingMedia media;
  RecordingTransport transport;
  std::vector<CallRecord> cdrs;
  B2bua b2bua;
  sip::TransactionLayer layer;
  std::vector<std::unique_ptr<std::string>> inputs;
};

inline const sip::Peer kCarrier = peer("203.0.113.10", 5060);

inline std::string carrier_sdp(const char* ip_addr = "203.0.113.10", int port = 30000,
                               const char* dir = "sendrecv") {
  return std::string("v=0\r\no=carrier 1 1 IN IP4 ") + ip_addr + "\r\ns=-\r\nc=IN IP4 " + ip_addr +
         "\r\nt=0 0\r\nm=audio " + std::to_string(port) +
         " RTP/AVP 0 101\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:101 telephone-event/8000\r\na=" + dir +
         "\r\n";
}

inline std::string carrier_invite(const std::string& did = "+81312345678",
                                  const std::string& sdp = carrier_sdp(),
                                  const std::string& call_id = "carrier-call-1",
                                  const std::string& branch = "z9hG4bKc1") {
  std::string s = "INVITE sip:" + did + "@198.51.100.1 SIP/2.0\r\n";
  s += "Via: SIP/2.0/UDP 203.0.113.10:5060;branch=" + branch + "\r\n";
  s += "Max-Forwards: 70\r\n";
  s += "Record-Route: <sip:203.0.113.10;lr>\r\n";
  s += "From: <sip:0312340000@203.0.113.10>;tag=c1\r\n";
  s += "To: <sip:" + did + "@198.51.100.1>\r\n";
  s += "Call-ID: " + call_id + "\r\n";
  s += "CSeq: 1 INVITE\r\n";
  s += "Contact: <sip:carrier@203.0.113.10:5060>\r\n";
  if (!sdp.empty()) s += "Content-Type: application/sdp\r\n";
  s += "Content-Length: " + std::to_string(sdp.size()) + "\r\n\r\n" + sdp;
  return s;
}

// A response from an agent to request `req` (an INVITE we sent).
inline std::string agent_response(const sip::Message& req, int code, const std::string& to_tag,
                                  const std::string& sdp = {},
                                  const char* contact = "sip:alice@198.51.100.20:5070") {
  std::string s = "SIP/2.0 " + std::to_string(code) + " X\r\n";
  for (const sip::HeaderField& h : req)
    if (h.id == sip::HeaderId::kVia) s += "Via: " + std::string(h.value) + "\r\n";
  s += "From: " + std::string(req.find(sip::HeaderId::kFrom)->value) + "\r\n";
  s += "To: " + std::string(req.find(sip::HeaderId::kTo)->value) +
       (to_tag.empty() ? "" : ";tag=" + to_tag) + "\r\n";
  s += "Call-ID: " + std::string(req.call_id()) + "\r\n";
  s += "CSeq: " + std::string(req.find(sip::HeaderId::kCSeq)->value) + "\r\n";
  if (code > 100 && code < 300) s += std::string("Contact: <") + contact + ">\r\n";
  if (!sdp.empty()) s += "Content-Type: application/sdp\r\n";
  s += "Content-Length: " + std::to_string(sdp.size()) + "\r\n\r\n" + sdp;
  return s;
}

inline std::string agent_sdp() {
  return "v=0\r\no=alice 5 5 IN IP4 198.51.100.20\r\ns=-\r\nc=IN IP4 198.51.100.20\r\nt=0 0\r\n"
         "m=audio 40000 RTP/AVP 0 101\r\na=rtpmap:0 PCMU/8000\r\n"
         "a=rtpmap:101 telephone-event/8000\r\na=sendrecv\r\n";
}

}  // namespace trunkline::b2bua::testing
