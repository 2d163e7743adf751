#include "dataplane/media/playout.h"

#include <arpa/inet.h>

#include <cstring>

#include "dataplane/media/fast_checksum.h"

namespace trunkline::media {

bool Playout::start(std::uint32_t leg, const Prompt* first, const Prompt* loop, std::uint8_t pt,
                    std::uint32_t ssrc, std::uint64_t now_ms) {
  if (leg >= entries_.size() || (first == nullptr && loop == nullptr)) return false;
  stop(leg);
  PlayoutEntry& e = entries_[leg];
  e.first = first;
  e.loop = loop;
  e.now = first != nullptr ? first : loop;
  e.frame = 0;
  e.payload_type = pt;
  e.ssrc = ssrc;
  e.sequence = static_cast<std::uint16_t>(ssrc >> 7);  // RFC 3550: a random start
  e.timestamp = ssrc * 2654435761u;
  e.marker = true;
  link(leg, static_cast<std::uint8_t>(now_ms % kPlayoutPtimeMs));
  ++active_;
  return true;
}

void Playout::stop(std::uint32_t leg) {
  if (!playing(leg)) return;
  entries_[leg].now = nullptr;
  unlink(leg);
}

void Playout::link(std::uint32_t leg, std::uint8_t bucket) {
  PlayoutEntry& e = entries_[leg];
  e.bucket = bucket;
  e.prev = 0xffffffffu;
  e.next = heads_[bucket];
  if (e.next != 0xffffffffu) entries_[e.next].prev = leg;
  heads_[bucket] = leg;
}

void Playout::unlink(std::uint32_t leg) {
  PlayoutEntry& e = entries_[leg];
  if (e.prev == 0xffffffffu && heads_[e.bucket] != leg) return;  // not linked
  if (e.prev != 0xffffffffu) {
    entries_[e.prev].next = e.next;
  } else {
    heads_[e.bucket] = e.next;
  }
  if (e.next != 0xffffffffu) entries_[e.next].prev = e.prev;
  e.next = e.prev = 0xffffffffu;
  e.now = nullptr;
  --active_;
}

bool Playout::next_packet(PlayoutEntry& e, std::uint8_t* out) {
  if (e.now != nullptr && e.frame >= e.now->frames()) {
    e.now = e.now == e.first && e.loop != nullptr ? e.loop : (e.now == e.loop ? e.loop : nullptr);
    e.frame = 0;
  }
  if (e.now == nullptr) return false;
  out[0] = 0x80;
  out[1] = static_cast<std::uint8_t>((e.marker ? 0x80 : 0) | e.payload_type);
  const std::uint16_t seq = htons(e.sequence);
  const std::uint32_t ts = htonl(e.timestamp);
  const std::uint32_t ssrc = htonl(e.ssrc);
  std::memcpy(out + 2, &seq, 2);
  std::memcpy(out + 4, &ts, 4);
  std::memcpy(out + 8, &ssrc, 4);
  std::memcpy(out + 12, e.now->frame(e.frame, e.payload_type), kPromptFrame);
  ++e.frame;
  ++e.sequence;
  e.timestamp += kPromptFrame;
  e.marker = false;
  return true;
}

std::uint16_t write_udp_headers(const Endpoint& src, const Endpoint& dst, std::uint8_t* frame,
                                std::uint16_t payload_len) {
  const bool v6 = !src.ip.is_v4();
  std::uint8_t* ip = frame + 14;
  const std::uint16_t ip_len = v6 ? 40 : 20;
  std::uint8_t* udp = ip + ip_len;
  const auto udp_len = static_cast<std::uint16_t>(8 + payload_len);
  frame[12] = v6 ? 0x86 : 0x08;
  frame[13] = v6 ? 0xdd : 0x00;
  std::uint64_t pseudo;
  if (v6) {
    std::memset(ip, 0, 40);
    ip[0] = 0x60;
    const std::uint16_t pl = htons(udp_len);
    std::memcpy(ip + 4, &pl, 2);
    ip[6] = 17;  // UDP
    ip[7] = 64;
    std::memcpy(ip + 8, src.ip.b.data(), 16);
    std::memcpy(ip + 24, dst.ip.b.data(), 16);
    pseudo = sum_bytes(ip + 8, 32);
  } else {
    std::memset(ip, 0, 20);
    ip[0] = 0x45;
    const std::uint16_t tl = htons(static_cast<std::uint16_t>(20 + udp_len));
    std::memcpy(ip + 2, &tl, 2);
    ip[6] = 0x40;  // don't fragment
    ip[8] = 64;
    ip[9] = 17;
    std::memcpy(ip + 12, src.ip.b.data() + 12, 4);
    std::memcpy(ip + 16, dst.ip.b.data() + 12, 4);
    const std::uint16_t hc = static_cast<std::uint16_t>(~fold(sum_bytes(ip, 20)));
    std::memcpy(ip + 10, &hc, 2);
    pseudo = sum_bytes(ip + 12, 8);
  }
  const std::uint16_t sp = htons(src.port), dp = htons(dst.port), ul = htons(udp_len);
  std::memcpy(udp, &sp, 2);
  std::memcpy(udp + 2, &dp, 2);
  std::memcpy(udp + 4, &ul, 2);
  udp[6] = udp[7] = 0;
  pseudo += htons(17) + static_cast<std::uint64_t>(htons(udp_len));
  std::uint16_t sum = static_cast<std::uint16_t>(~fold(sum_bytes(udp, udp_len, pseudo)));
  if (sum == 0) sum = 0xffff;
  std::memcpy(udp + 6, &sum, 2);
  return static_cast<std::uint16_t>(14 + ip_len + udp_len);
}

}  // namespace trunkline::media
