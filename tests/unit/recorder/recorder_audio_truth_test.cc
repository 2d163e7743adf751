// Audio truth: two known signals in, through reordering, duplicates, loss,
// jitter and a late packet, and out of `trunkline recording export` as a WAV
// with each tone in its own channel at the right times.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <string>

#include "recorder/codec/g711.h"
#include "recorder/tools/recording_commands.h"
#include "tests/unit/recorder/recorder_test_support.h"

namespace trunkline::recorder {
namespace {

using testing::Impairments;
using testing::KeySetup;
using testing::LegSpec;
using testing::TempDir;
using testing::tone_amplitude;

constexpr std::int64_t kStart = 1'700'000'000'000'000;
constexpr std::size_t kWindow = 160;  // 20 ms: 1 kHz and 2 kHz fall on exact bins

int run_verb(int (*verb)(int, char**), std::vector<std::string> args) {
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  return verb(static_cast<int>(argv.size()), argv.data());
}

class RecorderAudioTruthTest : public ::testing::Test {
 protected:
  void SetUp() override {
    setup_ = std::make_unique<KeySetup>(tmp_.path());
    keys_ = setup_->open();
    ASSERT_NE(keys_, nullptr);
  }

  // Runs one 4 s call: caller 1 kHz during [0.5, 2.5) s in µ-law, agent 2 kHz
  // during [1.5, 3.5) s in A-law, both legs impaired.
  std::filesystem::path record(
      const std::function<void(RecorderWorker&, RecordingHandle, std::int64_t)>& at_step = {}) {
    RecorderConfig config;
    config.spool_dir = setup_->spool_dir;
    RecorderWorker worker(config, *keys_);
    RtpQueue& queue = worker.add_rtp_producer();
    std::filesystem::path sealed;
    worker.on_sealed([&](const std::filesystem::path& p, const CallDetails&, std::int64_t,
                         std::int64_t) { sealed = p; });
    auto details = std::make_shared<CallDetails>();
    details->tenant_id = "acme";
    details->recording_id = recording_id_to_hex(*new_recording_id());
    details->call_id = "truth@test";
    details->codec = "PCMU/PCMA";
    auto handle = worker.start_recording(details, kStart);
    EXPECT_TRUE(handle);

    LegSpec caller{Leg::kCaller, g711::kPayloadTypePcmu,  0xCA11, 65500, 0xFFFFF000,
                   4.0,          {{1000, 0.5, 2.5, 8000}}};
    LegSpec agent{Leg::kAgent, g711::kPayloadTypePcma,  0xA6E7, 30, 123456,
                  4.0,         {{2000, 1.5, 3.5, 8000}}};
    Impairments ci;
    ci.max_jitter_us = 30'000;
    ci.lost = {60, 61, 62};  // 1.20-1.26 s: silence in the left channel
    ci.duplicated = {10, 40, 41, 100};
    ci.extra_delay = {{70, 35'000}, {71, 15'000}};  // overtaken by their successors
    ci.seed = 11;
    Impairments ai;
    ai.max_jitter_us = 30'000;
    ai.duplicated = {80, 81};
    ai.extra_delay = {{120, 1'300'000}};  // 2.40 s packet arrives after its place was sealed
    ai.seed = 12;
    auto packets = testing::make_leg(*handle, kStart, caller, ci);
    auto more = testing::make_leg(*handle, kStart, agent, ai);
    packets.insert(packets.end(), more.begin(), more.end());

    const std::int64_t end = kStart + 4'100'000;
    bool stopped = false;
    testing::drive(worker, queue, packets, kStart, end + 1'500'000, 5'000, [&](std::int64_t now) {
      if (at_step) at_step(worker, *handle, now);
      if (!stopped && now >= end) stopped = worker.stop_recording(*handle, end);
    });
    EXPECT_EQ(worker.counters().recordings_sealed.load(), 1u);
    return sealed;
  }

  TempDir tmp_;
  std::unique_ptr<KeySetup> setup_;
  std::unique_ptr<FileKeyProvider> keys_;
};

TEST_F(RecorderAudioTruthTest, ExportedWavHasEachToneInItsChannelAtTheRightTimes) {
  const auto path = record();
  ASSERT_FALSE(path.empty());
  const auto wav = tmp_.path() / "out.wav";
  ASSERT_EQ(run_verb(recording_export_main,
                     {path.string(), "--out", wav.string(), "--keys", setup_->key_dir.string(),
                      "--master-key", setup_->master_key.string()}),
            0);
  std::vector<std::int16_t> left, right;
  std::uint32_t rate = 0;
  ASSERT_TRUE(testing::read_wav(wav, left, right, &rate));
  EXPECT_EQ(rate, 8000u);
  ASSERT_GE(left.size(), 4u * 8000);

  // Windows 20 ms wide; a window "near" an edge (within 60 ms: network delay
  // and jitter of the anchoring packet) is not judged.
  auto near = [](double t, double edge) { return std::abs(t - edge) < 0.06; };
  int judged = 0;
  for (std::size_t w = 0; w + kWindow <= 4 * 8000; w += kWindow) {
    const double t = static_cast<double>(w) / 8000.0;
    const double l1 = tone_amplitude(left, w, kWindow, 1000);
    const double l2 = tone_amplitude(left, w, kWindow, 2000);
    const double r1 = tone_amplitude(right, w, kWindow, 1000);
    const double r2 = tone_amplitude(right, w, kWindow, 2000);
    // Never the other leg's tone in a channel.
    EXPECT_LT(l2, 300) << "t=" << t;
    EXPECT_LT(r1, 300) << "t=" << t;
    const bool lost = t >= 1.19 && t < 1.28;  // caller packets 60-62
    const bool late = t >= 2.39 && t < 2.43;  // agent packet 120
    if (!near(t, 0.5) && !near(t, 2.5) && !lost) {
      const bool on = t > 0.5 && t < 2.5;
      if (on) {
        EXPECT_GT(l1, 6000) << "caller tone missing at t=" << t;
      }
      if (!on) {
        EXPECT_LT(testing::rms(left, w, kWindow), 10) << "left not silent at t=" << t;
      }
      ++judged;
    }
    if (!near(t, 1.5) && !near(t, 3.5) && !late) {
      const bool on = t > 1.5 && t < 3.5;
      if (on) {
        EXPECT_GT(r2, 6000) << "agent tone missing at t=" << t;
      }
      if (!on) {
        EXPECT_LT(testing::rms(right, w, kWindow), 10) << "right not silent at t=" << t;
      }
    }
  }
  EXPECT_GT(judged, 150);
  // Lost packets are exact silence, in the middle of the caller's tone.
  EXPECT_EQ(testing::rms(left, static_cast<std::size_t>(1.215 * 8000), 240), 0.0);
  // The packet that came too late is silence (A-law's idle code, +8), not misplaced audio.
  EXPECT_LE(testing::rms(right, static_cast<std::size_t>(2.415 * 8000), 100), 8.0);

  // Tone onsets land within 40 ms of where they were sent.
  auto onset = [](const std::vector<std::int16_t>& ch) {
    for (std::size_t i = 0; i + 40 < ch.size(); ++i)
      if (testing::rms(ch, i, 40) > 2000) return static_cast<double>(i) / 8000.0;
    return -1.0;
  };
  EXPECT_NEAR(onset(left), 0.5, 0.04);
  EXPECT_NEAR(onset(right), 1.5, 0.04);
}

TEST_F(RecorderAudioTruthTest, TrailerCountsLossDuplicatesAndLatePackets) {
  const auto path = record();
  ASSERT_FALSE(path.empty());
  VerifyReport r = verify_recording(path, *keys_, {});
  ASSERT_TRUE(r.valid()) << r.first_failure();
  const TrailerInfo& t = *r.trailer;
  EXPECT_EQ(t.caller.lost(), 3u);
  EXPECT_EQ(t.caller.duplicates, 4u);
  EXPECT_EQ(t.caller.late, 0u);
  EXPECT_EQ(t.agent.late, 1u);
  EXPECT_EQ(t.agent.lost(), 0u);
  EXPECT_EQ(t.agent.duplicates, 2u);
  EXPECT_EQ(t.caller.expected, 200u);
  EXPECT_EQ(t.frames, 4100 * 8);  // start to stop, silence-filled
}

TEST_F(RecorderAudioTruthTest, PausedSpanIsSilenceInBothChannelsAndListed) {
  // Pause 1.8-2.2 s: both tones are on then (caller until 2.5, agent from 1.5).
  const auto path = record([](RecorderWorker& w, RecordingHandle h, std::int64_t now) {
    if (now == kStart + 1'800'000) w.pause_recording(h, now);
    if (now == kStart + 2'200'000) w.resume_recording(h, now);
  });
  ASSERT_FALSE(path.empty());
  testing::PcmCollector pcm;
  VerifyReport r = verify_recording(path, *keys_, {}, &pcm);
  ASSERT_TRUE(r.valid()) << r.first_failure();
  ASSERT_EQ(r.trailer->pauses.size(), 1u);
  EXPECT_EQ(r.trailer->pauses[0], (FrameSpan{1800 * 8, 2200 * 8}));
  // Nothing of either voice inside the pause, both voices right around it.
  EXPECT_EQ(testing::rms(pcm.left, 1800 * 8, 400 * 8), 0.0);
  EXPECT_LE(testing::rms(pcm.right, 1800 * 8, 400 * 8), 8.0);  // A-law silence code
  EXPECT_GT(tone_amplitude(pcm.left, 1700 * 8, kWindow, 1000), 6000);
  EXPECT_GT(tone_amplitude(pcm.right, 1700 * 8, kWindow, 2000), 6000);
  EXPECT_GT(tone_amplitude(pcm.left, 2220 * 8, kWindow, 1000), 6000);
  EXPECT_GT(tone_amplitude(pcm.right, 2220 * 8, kWindow, 2000), 6000);
}

TEST_F(RecorderAudioTruthTest, SoxReadsTheExportedWavAndHearsTheTone) {
  if (std::system("command -v sox >/dev/null 2>&1") != 0) GTEST_SKIP() << "sox is not installed";
  const auto path = record();
  ASSERT_FALSE(path.empty());
  const auto wav = tmp_.path() / "sox.wav";
  ASSERT_EQ(run_verb(recording_export_main,
                     {path.string(), "--out", wav.string(), "--keys", setup_->key_dir.string(),
                      "--master-key", setup_->master_key.string()}),
            0);
  // Left channel, 0.6-2.4 s: the caller's tone alone.
  auto stat = [&](int channel, const char* from, const char* length) {
    const std::string cmd = "sox " + wav.string() + " -n remix " + std::to_string(channel) +
                            " trim " + from + " " + length + " stat 2>&1";
    std::string out;
    if (FILE* p = ::popen(cmd.c_str(), "r")) {
      char buf[256];
      while (std::fgets(buf, sizeof buf, p) != nullptr) out += buf;
      ::pclose(p);
    }
    return out;
  };
  auto field = [](const std::string& out, const char* name) {
    const auto at = out.find(name);
    return at == std::string::npos ? -1.0 : std::stod(out.substr(at + std::strlen(name)));
  };
  // Caller alone (0.6-1.4 s), agent alone (2.6-3.4 s), both (1.6-2.3 s).
  const std::string left_alone = stat(1, "0.6", "0.8");
  const std::string right_alone = stat(2, "0.6", "0.8");
  const std::string right_talking = stat(2, "1.6", "0.7");
  const std::string left_after = stat(1, "2.6", "0.8");
  // 8000 / 32768 full scale: a sine's RMS is 0.1726.
  EXPECT_NEAR(field(left_alone, "Rough   frequency:"), 1000, 30) << left_alone;
  EXPECT_NEAR(field(left_alone, "RMS     amplitude:"), 0.1726, 0.01) << left_alone;
  // A-law has no zero: its silence code decodes to +8 (0.00024 of full scale).
  EXPECT_LT(field(right_alone, "RMS     amplitude:"), 0.0005) << right_alone;
  EXPECT_NEAR(field(right_talking, "RMS     amplitude:"), 0.1726, 0.01) << right_talking;
  EXPECT_LT(field(left_after, "RMS     amplitude:"), 0.0005) << left_after;
  EXPECT_NE(left_alone.find("Samples read:"), std::string::npos) << left_alone;
}

}  // namespace
}  // namespace trunkline::recorder
