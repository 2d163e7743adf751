// Durable from the first second: a recorder killed mid-call (SIGKILL) leaves
// spool files that recovery seals into valid, truncated recordings missing at
// most about a second of audio.
#include "recorder/spool/spool_recovery.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include "recorder/format/recording_format.h"
#include "tests/unit/recorder/recorder_test_support.h"

namespace trunkline::recorder {
namespace {

using testing::KeySetup;
using testing::TempDir;

std::int64_t now_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// The child: records `calls` calls in real time (caller 1 kHz, agent 2 kHz)
// until it is killed. Never returns.
[[noreturn]] void record_until_killed(const KeySetup& setup, int calls, std::int64_t start_us) {
  auto keys = setup.open();
  if (keys == nullptr) ::_exit(3);
  RecorderConfig config;
  config.spool_dir = setup.spool_dir;
  RecorderWorker worker(config, *keys);
  RtpQueue& queue = worker.add_rtp_producer();
  std::vector<RecordingHandle> handles;
  for (int c = 0; c < calls; ++c) {
    auto d = std::make_shared<CallDetails>();
    d->tenant_id = c % 2 == 0 ? "acme" : "globex";
    d->recording_id = recording_id_to_hex(*new_recording_id());
    d->call_id = "crash-" + std::to_string(c);
    d->codec = "PCMU";
    handles.push_back(*worker.start_recording(d, start_us));
  }
  // 20 s of packets per call; sent as their time comes.
  std::vector<std::vector<RtpRecord>> legs;
  for (int c = 0; c < calls; ++c) {
    testing::LegSpec caller{Leg::kCaller, 0, 0x100u + c, 1, 1, 20.0, {{1000, 0, 20, 8000}}};
    testing::LegSpec agent{Leg::kAgent, 0, 0x200u + c, 1, 1, 20.0, {{2000, 0, 20, 8000}}};
    testing::Impairments imp;
    imp.base_delay_us = 0;
    legs.push_back(testing::make_leg(handles[c], start_us, caller, imp));
    legs.push_back(testing::make_leg(handles[c], start_us, agent, imp));
  }
  std::vector<std::size_t> next(legs.size(), 0);
  while (true) {
    const std::int64_t now = now_us();
    for (std::size_t l = 0; l < legs.size(); ++l) {
      while (next[l] < legs[l].size() && legs[l][next[l]].arrival_us <= now) {
        RtpRecord r = legs[l][next[l]++];
        r.arrival_us = now;
        queue.push(r);
      }
    }
    worker.poll(now);
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
}

TEST(SpoolRecoveryTest, KilledRecorderLosesAtMostAboutOneSecondAndRecoveryVerifies) {
  TempDir tmp;
  KeySetup setup(tmp.path());
  {
    auto keys = setup.open();
    ASSERT_TRUE(keys->create_tenant_key("acme"));
    ASSERT_TRUE(keys->create_tenant_key("globex"));
  }
  constexpr int kCalls = 3;
  const std::int64_t start = now_us() + 100'000;
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) record_until_killed(setup, kCalls, start);

  // Kill it mid-call, between two flushes.
  std::this_thread::sleep_until(
      std::chrono::system_clock::time_point(std::chrono::microseconds(start + 2'750'000)));
  const std::int64_t killed_at = now_us();
  ASSERT_EQ(::kill(child, SIGKILL), 0);
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFSIGNALED(status)) << "child exited on its own with " << WEXITSTATUS(status);

  auto keys = setup.open();
  RecoveryReport report = recover_spool(setup.spool_dir, *keys);
  EXPECT_TRUE(report.failed.empty()) << report.failed[0].path << ": " << report.failed[0].reason;
  ASSERT_EQ(report.recovered.size(), static_cast<std::size_t>(kCalls));
  const double sent_s = static_cast<double>(killed_at - start) / 1e6;
  for (const RecoveredRecording& rec : report.recovered) {
    EXPECT_TRUE(rec.path.string().ends_with(kRecordingSuffix));
    EXPECT_FALSE(rec.was_complete);
    testing::PcmCollector pcm;
    VerifyReport v = verify_recording(rec.path, *keys, {}, &pcm);
    ASSERT_TRUE(v.valid()) << v.first_failure();
    ASSERT_TRUE(v.trailer);
    EXPECT_TRUE(v.trailer->recovered);
    const double kept_s = static_cast<double>(v.frames) / 8000.0;
    const double lost_s = sent_s - kept_s;
    std::printf("recovered %s: kept %.3f s of %.3f s sent, lost %.3f s\n",
                rec.path.filename().c_str(), kept_s, sent_s, lost_s);
    EXPECT_LE(lost_s, 1.0);
    EXPECT_GE(lost_s, 0.0);
    // What was kept is the real audio: each voice in its channel to the end.
    const std::size_t last = pcm.left.size() - 160;
    EXPECT_GT(testing::tone_amplitude(pcm.left, 8000, 160, 1000), 6000);
    EXPECT_GT(testing::tone_amplitude(pcm.left, last - 160, 160, 1000), 6000);
    EXPECT_GT(testing::tone_amplitude(pcm.right, last - 160, 160, 2000), 6000);
    EXPECT_LT(testing::tone_amplitude(pcm.left, last - 160, 160, 2000), 300);
  }
  // Nothing left to recover.
  EXPECT_TRUE(recover_spool(setup.spool_dir, *keys).recovered.empty());
}

class SpoolRecoveryFilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    setup_ = std::make_unique<KeySetup>(tmp_.path());
    keys_ = setup_->open();
    final_ = testing::record_test_call(*setup_, *keys_, "acme", 2.0);
    ASSERT_FALSE(final_.empty());
    bytes_ = testing::read_bytes(final_);
    ranges_ = testing::record_ranges(bytes_);
    part_ = final_.parent_path() / (final_.stem().string() + kSpoolSuffix);
    std::filesystem::remove(final_);
  }
  TempDir tmp_;
  std::unique_ptr<KeySetup> setup_;
  std::unique_ptr<FileKeyProvider> keys_;
  std::filesystem::path final_;
  std::filesystem::path part_;
  std::vector<std::uint8_t> bytes_;
  std::vector<std::pair<std::size_t, std::size_t>> ranges_;
};

TEST_F(SpoolRecoveryFilesTest, TornLastRecordIsCutAndTheRestSealedAsRecovered) {
  // Crash in the middle of writing the third audio segment.
  const auto torn_at = ranges_[3].first + ranges_[3].second / 2;
  testing::write_bytes(part_, std::vector<std::uint8_t>(
                                  bytes_.begin(), bytes_.begin() + static_cast<long>(torn_at)));
  RecoveryReport report = recover_spool(setup_->spool_dir, *keys_);
  ASSERT_EQ(report.recovered.size(), 1u);
  EXPECT_EQ(report.recovered[0].path, final_);
  EXPECT_EQ(report.recovered[0].bytes_cut, ranges_[3].second / 2);
  VerifyReport v = verify_recording(final_, *keys_, {});
  ASSERT_TRUE(v.valid()) << v.first_failure();
  EXPECT_TRUE(v.trailer->recovered);
  EXPECT_EQ(v.audio_segments, 2u);
  // Sealed every 0.5 s up to 0.1 s before: segments of 0.4 s, then 0.5 s.
  EXPECT_EQ(v.frames, 3200 + 4000);
  EXPECT_FALSE(std::filesystem::exists(part_));
}

TEST_F(SpoolRecoveryFilesTest, SealedButNotRenamedIsJustRenamed) {
  testing::write_bytes(part_, bytes_);
  RecoveryReport report = recover_spool(setup_->spool_dir, *keys_);
  ASSERT_EQ(report.recovered.size(), 1u);
  EXPECT_TRUE(report.recovered[0].was_complete);
  VerifyReport v = verify_recording(final_, *keys_, {});
  ASSERT_TRUE(v.valid()) << v.first_failure();
  EXPECT_FALSE(v.trailer->recovered);
  EXPECT_EQ(testing::read_bytes(final_), bytes_);
}

TEST_F(SpoolRecoveryFilesTest, HeaderOnlyBecomesAnEmptyValidRecording) {
  testing::write_bytes(
      part_, std::vector<std::uint8_t>(bytes_.begin(),
                                       bytes_.begin() + static_cast<long>(ranges_[0].first)));
  RecoveryReport report = recover_spool(setup_->spool_dir, *keys_);
  ASSERT_EQ(report.recovered.size(), 1u);
  VerifyReport v = verify_recording(final_, *keys_, {});
  ASSERT_TRUE(v.valid()) << v.first_failure();
  EXPECT_EQ(v.frames, 0);
  EXPECT_TRUE(v.metadata.get("note").has_value());
}

TEST_F(SpoolRecoveryFilesTest, FileWithoutAHeaderIsSetAsideAndReported) {
  testing::write_bytes(part_, std::vector<std::uint8_t>(bytes_.begin(), bytes_.begin() + 20));
  RecoveryReport report = recover_spool(setup_->spool_dir, *keys_);
  EXPECT_TRUE(report.recovered.empty());
  ASSERT_EQ(report.failed.size(), 1u);
  EXPECT_NE(report.failed[0].reason.find("header unreadable"), std::string::npos);
  std::filesystem::path aside = part_;
  aside += ".damaged";
  EXPECT_TRUE(std::filesystem::exists(aside));
  EXPECT_TRUE(recover_spool(setup_->spool_dir, *keys_).failed.empty());  // not retried forever
}

TEST_F(SpoolRecoveryFilesTest, MissingTenantKeyLeavesTheFileForTheNextStart) {
  testing::write_bytes(part_, bytes_);
  ASSERT_TRUE(keys_->destroy_tenant_key("acme"));
  RecoveryReport report = recover_spool(setup_->spool_dir, *keys_);
  ASSERT_EQ(report.failed.size(), 1u);
  EXPECT_NE(report.failed[0].reason.find("no data key"), std::string::npos);
  EXPECT_TRUE(std::filesystem::exists(part_));
}

}  // namespace
}  // namespace trunkline::recorder
