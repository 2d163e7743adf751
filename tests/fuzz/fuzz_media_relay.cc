// libFuzzer target: the media relay (dataplane/media/relay.h) on datagrams an
// attacker controls, towards three anchored sessions: plain RTP, SRTP on one
// leg, and a recorded session that forks to a queue. The first input byte
// picks the session, leg, RTP/RTCP port and source; the rest is the UDP
// payload, wrapped in a valid Ethernet/IPv4/UDP frame (checksum right), so
// inputs reach RTP parsing, latching, statistics, RFC 4733, SRTP
// authentication, the fork and the rewrite. Whatever the bytes, the relay
// must not read or write outside the frame, and a forwarded frame must have
// a consistent length.
#include <arpa/inet.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>

#include "dataplane/media/commands.h"
#include "dataplane/media/relay.h"
#include "dataplane/net/checksum.h"

namespace md = trunkline::media;
namespace tn = trunkline::net;

namespace {

md::Endpoint ep(std::uint8_t a, std::uint8_t b, std::uint8_t c, std::uint8_t d,
                std::uint16_t port) {
  md::Endpoint e;
  e.ip = tn::IpKey::of(tn::Ip4{htonl(std::uint32_t{a} << 24 | b << 16 | c << 8 | d)});
  e.port = port;
  return e;
}

struct World {
  tn::Counters counters;
  md::CommandRing commands{64};
  md::ReportRing reports{4096};
  trunkline::recorder::BoundedQueue<trunkline::recorder::RtpRecord> fork{64};
  md::MediaContext m;

  World() {
    md::srtp_library_init();
    m.flows = md::FlowTable(16);
    m.srtp = md::SrtpTable(32);
    m.playout = md::Playout(32);
    m.counters = &counters;
    m.port_min = 20000;
    m.port_max = 20999;
    m.shards = 1;
    m.commands[0] = &commands;
    m.reports[0] = &reports;
    m.fork[0] = &fork;
    for (std::uint32_t s = 0; s < 3; ++s) {
      md::Command c;
      c.verb = md::CommandVerb::kCreate;
      c.id = s + 1;
      c.legs[0].local = ep(198, 51, 100, 1, static_cast<std::uint16_t>(20000 + 4 * s));
      c.legs[0].remote = ep(198, 51, 100, 10, 4000);
      c.legs[0].telephone_event_pt = 101;
      c.legs[1].local = ep(203, 0, 113, 1, static_cast<std::uint16_t>(20002 + 4 * s));
      c.legs[1].remote = ep(203, 0, 113, 20, 5000);
      c.legs[1].dpdk_port = 1;
      if (s == 1) {  // SRTP towards the agent
        c.legs[1].srtp.suite = md::SrtpSuite::kAesCm128HmacSha1_80;
        c.legs[1].srtp.has_rx = true;
        for (std::size_t i = 0; i < md::kSrtpMasterKeyLength; ++i) {
          c.legs[1].srtp.tx[i] = static_cast<std::uint8_t>(i);
          c.legs[1].srtp.rx[i] = static_cast<std::uint8_t>(0x80 + i);
        }
      }
      md::apply_command(m, c);
    }
    md::Command rec;
    rec.verb = md::CommandVerb::kRecord;
    rec.id = 3;
    rec.flag = 1;
    rec.recording = 9;
    md::apply_command(m, rec);
  }
  void drain() {
    md::Report r;
    while (reports.q.pop(r)) {
    }
    trunkline::recorder::RtpRecord x;
    while (fork.pop(x)) {
      if (x.payload_size > trunkline::recorder::kMaxRecordedPayload) std::abort();
    }
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static World* w = new World();
  if (size < 1 || size > 1400) return 0;
  const std::uint8_t sel = data[0];
  const std::uint32_t session = sel % 3;
  const bool agent_side = (sel >> 2) & 1;
  const bool rtcp = (sel >> 3) & 1;
  const bool stranger = (sel >> 4) & 1;
  const md::Endpoint local =
      agent_side ? ep(203, 0, 113, 1, static_cast<std::uint16_t>(20002 + 4 * session + rtcp))
                 : ep(198, 51, 100, 1, static_cast<std::uint16_t>(20000 + 4 * session + rtcp));
  const md::Endpoint src = stranger ? ep(198, 51, 100, 66, 4000)
                           : agent_side
                               ? ep(203, 0, 113, 20, static_cast<std::uint16_t>(5000 + rtcp))
                               : ep(198, 51, 100, 10, static_cast<std::uint16_t>(4000 + rtcp));
  const std::size_t payload = size - 1;

  // 14 Ethernet + 20 IPv4 + 8 UDP + payload, with room for SRTP to grow.
  alignas(8) static std::uint8_t frame[2048];
  std::memset(frame, 0, 42);
  frame[12] = 0x08;
  std::uint8_t* ip = frame + 14;
  ip[0] = 0x45;
  const auto udp_len = static_cast<std::uint16_t>(8 + payload);
  const std::uint16_t tl = htons(static_cast<std::uint16_t>(20 + udp_len));
  std::memcpy(ip + 2, &tl, 2);
  ip[8] = 64;
  ip[9] = 17;
  std::memcpy(ip + 12, src.ip.b.data() + 12, 4);
  std::memcpy(ip + 16, local.ip.b.data() + 12, 4);
  const std::uint16_t hc = tn::ipv4_header_checksum(ip, 20);
  std::memcpy(ip + 10, &hc, 2);
  std::uint8_t* udp = frame + 34;
  const std::uint16_t sp = htons(src.port), dp = htons(local.port), ul = htons(udp_len);
  std::memcpy(udp, &sp, 2);
  std::memcpy(udp + 2, &dp, 2);
  std::memcpy(udp + 4, &ul, 2);
  std::memcpy(udp + 8, data + 1, payload);
  std::uint16_t uc = tn::ipv4_l4_checksum(ip, udp, udp_len, 17);
  if (uc == 0) uc = 0xffff;  // 0 would mean "no checksum"
  std::memcpy(udp + 6, &uc, 2);

  tn::PacketBuf pkt{frame, static_cast<std::uint16_t>(42 + payload), sizeof frame};
  md::RelayOut out;
  const tn::Verdict v = md::relay(w->m, pkt, 34, false, 1000 * (sel + 1), &out);
  if (v == tn::Verdict::kForward) {
    std::uint16_t len;
    std::memcpy(&len, frame + 16, 2);
    if (ntohs(len) + 14u != pkt.len || pkt.len > sizeof frame) std::abort();
  }
  w->drain();
  return 0;
}
