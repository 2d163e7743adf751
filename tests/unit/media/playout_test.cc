// Prompts and their playout: sound files become G.711 frames in both laws
// (bad files are refused with the reason); a playing leg gets one RTP packet
// per 20 ms with running sequence and timestamp, the announcement once and
// then the music in a loop; relayed media, kPlay with no prompt, or deleting
// the session stops it; only the owner lcore plays.
#include <gtest/gtest.h>
#include <sndfile.h>

#include <cmath>
#include <filesystem>

#include "dataplane/media/commands.h"
#include "dataplane/net/checksum.h"
#include "media_frames.h"
#include "recorder/codec/g711.h"

namespace trunkline::media {
namespace {

using namespace testing;

std::string temp_path(const std::string& name) {
  return (std::filesystem::temp_directory_path() /
          ("tl-prompt-" + std::to_string(::getpid()) + "-" + name))
      .string();
}

// Writes `samples` as an 8 kHz WAV of `format` (SF_FORMAT_PCM_16, _ULAW, _ALAW).
std::string write_wav(const std::string& name, const std::vector<short>& samples, int format,
                      int rate = 8000, int channels = 1) {
  const std::string path = temp_path(name);
  SF_INFO info{};
  info.samplerate = rate;
  info.channels = channels;
  info.format = SF_FORMAT_WAV | format;
  SNDFILE* f = sf_open(path.c_str(), SFM_WRITE, &info);
  EXPECT_NE(f, nullptr) << sf_strerror(nullptr);
  sf_writef_short(f, samples.data(), static_cast<sf_count_t>(samples.size()) / channels);
  sf_close(f);
  return path;
}

std::vector<short> tone(int n, double hz) {
  std::vector<short> v(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) v[i] = static_cast<short>(8000 * std::sin(2 * M_PI * hz * i / 8000));
  return v;
}

TEST(Prompt, SixteenBitPcmBecomesBothLawsPaddedToWholeFrames) {
  const auto pcm = tone(400, 1000);  // 2.5 frames
  auto p = load_prompt(3, write_wav("pcm.wav", pcm, SF_FORMAT_PCM_16));
  ASSERT_TRUE(p) << p.error().message;
  EXPECT_EQ(p->frames(), 3u);
  for (std::size_t i = 0; i < pcm.size(); ++i) {
    ASSERT_EQ(p->pcmu[i], recorder::g711::linear_to_ulaw(pcm[i])) << i;
    ASSERT_EQ(p->pcma[i], recorder::g711::linear_to_alaw(pcm[i])) << i;
  }
  EXPECT_EQ(p->pcma[479], recorder::g711::kAlawSilence) << "padding is silence";
  EXPECT_EQ(p->frame(1, 8), p->pcma.data() + 160);
  EXPECT_EQ(p->frame(1, 0), p->pcmu.data() + 160);
}

TEST(Prompt, ALawFilesKeepTheirCodeWords) {
  const auto pcm = tone(320, 440);
  std::vector<short> decoded(pcm.size());
  for (std::size_t i = 0; i < pcm.size(); ++i)
    decoded[i] = recorder::g711::alaw_to_linear(recorder::g711::linear_to_alaw(pcm[i]));
  auto p = load_prompt(1, write_wav("alaw.wav", decoded, SF_FORMAT_ALAW));
  ASSERT_TRUE(p) << p.error().message;
  for (std::size_t i = 0; i < pcm.size(); ++i)
    ASSERT_EQ(p->pcma[i], recorder::g711::linear_to_alaw(pcm[i])) << i;
}

TEST(Prompt, WrongRateChannelsOrFileAreRefusedWithTheReason) {
  auto rate = load_prompt(1, write_wav("16k.wav", tone(320, 440), SF_FORMAT_PCM_16, 16000));
  ASSERT_FALSE(rate);
  EXPECT_NE(rate.error().message.find("16000 Hz"), std::string::npos) << rate.error().message;
  auto stereo = load_prompt(1, write_wav("st.wav", tone(640, 440), SF_FORMAT_PCM_16, 8000, 2));
  ASSERT_FALSE(stereo);
  EXPECT_NE(stereo.error().message.find("2 channels"), std::string::npos);
  auto missing = load_prompt(1, "/nonexistent/prompt.wav");
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().message.find("/nonexistent/prompt.wav"), std::string::npos);
}

TEST(PromptStore, RefusesIdZeroAndDuplicates) {
  PromptStore store;
  auto a = load_prompt(1, write_wav("a.wav", tone(160, 440), SF_FORMAT_PCM_16));
  ASSERT_TRUE(a);
  Prompt zero = *a;
  zero.id = 0;
  EXPECT_FALSE(store.add(zero));
  EXPECT_TRUE(store.add(*a));
  EXPECT_FALSE(store.add(*a));
  EXPECT_NE(store.find(1), nullptr);
  EXPECT_EQ(store.find(2), nullptr);
}

const Endpoint kLocalA = ep("198.51.100.1", 20000);
const Endpoint kCarrier = ep("198.51.100.10", 4000);
const Endpoint kLocalB = ep("203.0.113.1", 20002);
const Endpoint kAgent = ep("203.0.113.20", 5000);

class PlayoutTest : public ::testing::Test {
 protected:
  PlayoutTest() {
    std::vector<short> a(320, 1000), b(160, -2000);  // 2 frames, then 1
    Prompt pa = *load_prompt(1, write_wav("ann.wav", a, SF_FORMAT_PCM_16));
    Prompt pb = *load_prompt(2, write_wav("music.wav", b, SF_FORMAT_PCM_16));
    EXPECT_TRUE(store_.add(pa));
    EXPECT_TRUE(store_.add(pb));
    lc_.m.playout = Playout(128);
    lc_.m.prompts = &store_;
    lc_.m.workers = 1;
    Command c;
    c.verb = CommandVerb::kCreate;
    c.id = 4;
    c.legs[0] = leg(kLocalA, kCarrier, 0);
    c.legs[1] = leg(kLocalB, kAgent, 1);
    apply_command(lc_.m, c);
  }
  void play(std::uint16_t first, std::uint16_t loop, std::uint8_t pt = 8) {
    Command c;
    c.verb = CommandVerb::kPlay;
    c.id = 4;
    c.leg = 0;
    c.prompts[0] = first;
    c.prompts[1] = loop;
    c.payload_type = pt;
    apply_command(lc_.m, c);
  }
  // RTP packets due up to `ms`, as their 172 bytes.
  std::vector<std::vector<std::uint8_t>> due(std::uint64_t ms) {
    std::vector<std::vector<std::uint8_t>> out;
    lc_.m.playout.due(ms, [&](std::uint32_t, PlayoutEntry& e) {
      std::vector<std::uint8_t> p(172);
      if (!Playout::next_packet(e, p.data())) return false;
      out.push_back(p);
      return true;
    });
    return out;
  }
  PromptStore store_;
  Lcore lc_;
};

TEST_F(PlayoutTest, OnePacketPer20msAnnouncementOnceThenMusicLooping) {
  lc_.m.now_ms = 1000;
  play(1, 2);
  EXPECT_EQ(lc_.m.playout.active(), 1u);
  EXPECT_EQ(lc_.m.flows.session(4)->playing, 1);
  std::vector<std::vector<std::uint8_t>> got;
  for (std::uint64_t ms = 1001; ms < 1100; ++ms)  // the first at once, then every 20 ms
    for (auto& p : due(ms)) got.push_back(p);
  ASSERT_EQ(got.size(), 5u) << "1000, 1020, 1040, 1060, 1080";
  const std::uint8_t ann = recorder::g711::linear_to_alaw(1000);
  const std::uint8_t music = recorder::g711::linear_to_alaw(-2000);
  const std::uint8_t want[] = {ann, ann, music, music, music};
  for (std::size_t i = 0; i < got.size(); ++i) {
    EXPECT_EQ(got[i][0], 0x80);
    EXPECT_EQ(got[i][1] & 0x7f, 8);
    EXPECT_EQ((got[i][1] & 0x80) != 0, i == 0) << "marker on the first packet only";
    EXPECT_EQ(got[i][12], want[i]) << i;
    EXPECT_EQ(got[i][171], want[i]) << i;
    if (i == 0) continue;
    const auto seq = [](const std::vector<std::uint8_t>& p) { return p[2] << 8 | p[3]; };
    const auto ts = [](const std::vector<std::uint8_t>& p) {
      return std::uint32_t{p[4]} << 24 | p[5] << 16 | p[6] << 8 | p[7];
    };
    EXPECT_EQ((seq(got[i]) - seq(got[i - 1])) & 0xffff, 1);
    EXPECT_EQ(ts(got[i]) - ts(got[i - 1]), 160u);
    EXPECT_EQ(std::memcmp(got[i].data() + 8, got[0].data() + 8, 4), 0) << "one SSRC";
  }
}

TEST_F(PlayoutTest, AnAnnouncementAloneEndsByItself) {
  lc_.m.now_ms = 0;
  play(1, 0, 0);
  std::size_t n = 0;
  for (std::uint64_t ms = 1; ms <= 200; ++ms) n += due(ms).size();
  EXPECT_EQ(n, 2u);
  EXPECT_EQ(lc_.m.playout.active(), 0u);
}

TEST_F(PlayoutTest, RelayedMediaTowardsTheLegStopsIt) {
  play(0, 2);
  Rtp r;
  Frame f = udp_frame(kAgent, kLocalB, rtp_bytes(r));  // the agent's early media
  EXPECT_EQ(lc_.relay(f), net::Verdict::kForward);
  EXPECT_EQ(lc_.m.playout.active(), 0u);
  EXPECT_EQ(lc_.m.flows.session(4)->playing, 0);
  EXPECT_EQ(lc_.counters.media_playout_stopped_by_media.load(), 1u);
}

TEST_F(PlayoutTest, StopDeleteUnknownPromptsAndOtherLcores) {
  play(0, 2);
  play(0, 0);
  EXPECT_EQ(lc_.m.playout.active(), 0u);
  play(9, 0);
  EXPECT_EQ(lc_.m.playout.active(), 0u);
  EXPECT_EQ(lc_.counters.media_command_rejected.load(), 1u);
  play(1, 2);
  Command d;
  d.verb = CommandVerb::kDelete;
  d.id = 4;
  apply_command(lc_.m, d);
  EXPECT_EQ(lc_.m.playout.active(), 0u);
  lc_.m.workers = 2;
  lc_.m.worker = 1;  // session 4 belongs to worker 0
  Command c;
  c.verb = CommandVerb::kCreate;
  c.id = 4;
  c.legs[0] = leg(kLocalA, kCarrier, 0);
  c.legs[1] = leg(kLocalB, kAgent, 1);
  apply_command(lc_.m, c);
  play(1, 2);
  EXPECT_EQ(lc_.m.playout.active(), 0u) << "not this lcore's session";
}

TEST(PlayoutFrame, UdpHeadersAndChecksumsForIpv4AndIpv6) {
  for (const auto& [src, dst] :
       {std::pair{kLocalA, kCarrier},
        std::pair{ep("2001:db8:100::1", 20000), ep("2001:db8:100::10", 4000)}}) {
    std::uint8_t frame[256] = {};
    const bool v6 = !src.ip.is_v4();
    for (int i = 0; i < 172; ++i) frame[playout_rtp_offset(v6) + i] = static_cast<std::uint8_t>(i);
    const std::uint16_t len = write_udp_headers(src, dst, frame, 172);
    EXPECT_EQ(len, 14 + (v6 ? 40 : 20) + 8 + 172);
    const std::uint8_t* ip = frame + 14;
    const std::uint8_t* udp = ip + (v6 ? 40 : 20);
    if (v6) {
      EXPECT_TRUE(net::ipv6_l4_checksum_ok(ip, udp, 180, net::kIpProtoUdp));
    } else {
      EXPECT_TRUE(net::checksum_ok(ip, 20));
      EXPECT_TRUE(net::ipv4_l4_checksum_ok(ip, udp, 180, net::kIpProtoUdp));
    }
    EXPECT_EQ(udp[0] << 8 | udp[1], src.port);
    EXPECT_EQ(udp[2] << 8 | udp[3], dst.port);
  }
}

}  // namespace
}  // namespace trunkline::media
