// RTP/RTCP frames and a one-lcore media context for the media unit tests.
#pragma once

#include <arpa/inet.h>

#include <cstdint>
#include <cstring>
#include <vector>

#include "dataplane/media/media_context.h"
#include "dataplane/media/relay.h"
#include "tests/unit/dataplane/frames.h"

namespace trunkline::media::testing {

using net::testing::Frame;

inline Endpoint ep(const char* ip, std::uint16_t port) {
  if (auto a4 = net::Ip4::parse(ip)) return Endpoint{net::IpKey::of(*a4), port};
  return Endpoint{net::IpKey::of(*net::Ip6::parse(ip)), port};
}

inline LegSpec leg(const Endpoint& local, const Endpoint& remote, std::uint16_t dpdk_port,
                   std::uint8_t te_pt = 0, bool latch = true) {
  LegSpec l;
  l.local = local;
  l.remote = remote;
  l.dpdk_port = dpdk_port;
  l.telephone_event_pt = te_pt;
  l.latch = latch;
  return l;
}

struct Rtp {
  std::uint8_t pt = 0;  // PCMU
  std::uint16_t seq = 1;
  std::uint32_t ts = 160;
  std::uint32_t ssrc = 0x11223344;
  std::size_t payload = 160;  // G.711 20 ms: 172-byte RTP packets
  std::uint8_t fill = 0x55;
};

inline std::vector<std::uint8_t> rtp_bytes(const Rtp& r) {
  std::vector<std::uint8_t> v(12 + r.payload, r.fill);
  v[0] = 0x80;
  v[1] = r.pt;
  v[2] = static_cast<std::uint8_t>(r.seq >> 8);
  v[3] = static_cast<std::uint8_t>(r.seq);
  for (int i = 0; i < 4; ++i) v[4 + i] = static_cast<std::uint8_t>(r.ts >> (24 - 8 * i));
  for (int i = 0; i < 4; ++i) v[8 + i] = static_cast<std::uint8_t>(r.ssrc >> (24 - 8 * i));
  return v;
}

// RFC 4733 event packet payload after a 12-byte header.
inline std::vector<std::uint8_t> dtmf_bytes(Rtp r, std::uint8_t event, bool end,
                                            std::uint16_t duration) {
  r.payload = 4;
  std::vector<std::uint8_t> v = rtp_bytes(r);
  v[12] = event;
  v[13] = static_cast<std::uint8_t>((end ? 0x80 : 0) | 10);
  v[14] = static_cast<std::uint8_t>(duration >> 8);
  v[15] = static_cast<std::uint8_t>(duration);
  return v;
}

// A UDP datagram from `src` to `dst` carrying `payload`, in an Ethernet frame
// to us, with valid IP and UDP checksums.
inline Frame udp_frame(const Endpoint& src, const Endpoint& dst,
                       const std::vector<std::uint8_t>& payload) {
  std::vector<std::uint8_t> udp(8 + payload.size());
  udp[0] = static_cast<std::uint8_t>(src.port >> 8);
  udp[1] = static_cast<std::uint8_t>(src.port);
  udp[2] = static_cast<std::uint8_t>(dst.port >> 8);
  udp[3] = static_cast<std::uint8_t>(dst.port);
  udp[4] = static_cast<std::uint8_t>(udp.size() >> 8);
  udp[5] = static_cast<std::uint8_t>(udp.size());
  std::memcpy(udp.data() + 8, payload.data(), payload.size());
  Frame f;
  std::uint16_t l4;
  if (src.ip.is_v4()) {
    net::Ip4 s, d;
    std::memcpy(&s.be, src.ip.b.data() + 12, 4);
    std::memcpy(&d.be, dst.ip.b.data() + 12, 4);
    f = net::testing::ipv4(s, d, net::kIpProtoUdp, udp);
    l4 = 34;
    const std::uint16_t sum =
        net::ipv4_l4_checksum(f.bytes + 14, f.bytes + l4, udp.size(), net::kIpProtoUdp);
    f.put(l4 + 6, sum == 0 ? std::uint16_t{0xffff} : sum);
  } else {
    net::Ip6 s, d;
    s.b = src.ip.b;
    d.b = dst.ip.b;
    f = net::testing::ipv6(s, d, net::kIpProtoUdp, udp);
    l4 = 54;
    const std::uint16_t sum =
        net::ipv6_l4_checksum(f.bytes + 14, f.bytes + l4, udp.size(), net::kIpProtoUdp);
    f.put(l4 + 6, sum == 0 ? std::uint16_t{0xffff} : sum);
  }
  f.len = static_cast<std::uint16_t>(l4 + udp.size());  // no Ethernet padding: as process_rx trims
  return f;
}

// One lcore's media state with one control shard.
struct Lcore {
  explicit Lcore(std::uint32_t max_sessions = 64, std::uint16_t worker = 0)
      : commands(64), reports(256) {
    m.flows = FlowTable(max_sessions);
    m.srtp = SrtpTable(2 * max_sessions);
    m.counters = &counters;
    m.worker = worker;
    m.port_min = 20000;
    m.port_max = 29999;
    m.shards = 1;
    m.commands[0] = &commands;
    m.reports[0] = &reports;
  }
  // Relays `f`; on kForward `out` says where to.
  net::Verdict relay(Frame& f, std::uint64_t now_us = 0) {
    net::PacketBuf b{f.bytes, f.len, sizeof f.bytes};
    const bool v6 = (f.bytes[14] >> 4) == 6;
    const net::Verdict v = media::relay(m, b, v6 ? 54 : 34, v6, now_us, &out);
    f.len = b.len;
    return v;
  }
  std::vector<Report> drain() {
    std::vector<Report> v;
    Report r;
    while (reports.q.pop(r)) v.push_back(r);
    return v;
  }

  net::Counters counters;
  CommandRing commands;
  ReportRing reports;
  MediaContext m;
  RelayOut out;
};

}  // namespace trunkline::media::testing
