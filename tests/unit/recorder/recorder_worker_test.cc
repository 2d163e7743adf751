#include "recorder/worker/recorder_worker.h"

#include <gtest/gtest.h>

#include <thread>

#include "recorder/format/recording_verifier.h"
#include "tests/unit/recorder/recorder_test_support.h"

namespace trunkline::recorder {
namespace {

using testing::KeySetup;
using testing::TempDir;

constexpr std::int64_t kStart = 1'700'000'000'000'000;

std::shared_ptr<CallDetails> call(const std::string& tenant, const std::string& call_id) {
  auto d = std::make_shared<CallDetails>();
  d->tenant_id = tenant;
  d->recording_id = recording_id_to_hex(*new_recording_id());
  d->call_id = call_id;
  d->codec = "PCMU";
  return d;
}

class RecorderWorkerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    setup_ = std::make_unique<KeySetup>(tmp_.path());
    keys_ = setup_->open();
    config_.spool_dir = setup_->spool_dir;
    config_.rtp_queue_capacity = 1024;
  }
  TempDir tmp_;
  std::unique_ptr<KeySetup> setup_;
  std::unique_ptr<FileKeyProvider> keys_;
  RecorderConfig config_;
};

TEST_F(RecorderWorkerTest, OneWorkerKeepsManyCallsOfManyTenantsApart) {
  RecorderWorker worker(config_, *keys_);
  RtpQueue& queue = worker.add_rtp_producer();
  std::map<std::string, std::filesystem::path> sealed;
  worker.on_sealed([&](const std::filesystem::path& p, const CallDetails& d, std::int64_t start_us,
                       std::int64_t end_us) {
    sealed[d.call_id] = p;
    EXPECT_LT(start_us, end_us);
  });
  std::vector<RtpRecord> packets;
  std::vector<RecordingHandle> handles;
  for (int c = 0; c < 6; ++c) {
    auto h =
        worker.start_recording(call(c % 2 ? "globex" : "acme", "c" + std::to_string(c)), kStart);
    ASSERT_TRUE(h);
    handles.push_back(*h);
    // Each call's caller sends its own frequency: 400 Hz + 200 Hz per call.
    testing::LegSpec leg{Leg::kCaller, 0, 0x10u + c, 1, 1, 1.5, {{400.0 + 200 * c, 0, 1.5, 8000}}};
    auto p = testing::make_leg(*h, kStart, leg, {});
    packets.insert(packets.end(), p.begin(), p.end());
  }
  bool stopped = false;
  testing::drive(worker, queue, packets, kStart, kStart + 2'500'000, 5'000, [&](std::int64_t now) {
    if (!stopped && now >= kStart + 1'600'000) {
      for (auto h : handles) worker.stop_recording(h, now);
      stopped = true;
    }
  });
  ASSERT_EQ(sealed.size(), 6u);
  EXPECT_EQ(worker.active_recordings(), 0u);
  EXPECT_EQ(worker.counters().recordings_sealed.load(), 6u);
  for (int c = 0; c < 6; ++c) {
    const auto& path = sealed["c" + std::to_string(c)];
    EXPECT_EQ(path.parent_path().filename(), c % 2 ? "globex" : "acme");
    testing::PcmCollector pcm;
    VerifyReport r = verify_recording(path, *keys_, {}, &pcm);
    ASSERT_TRUE(r.valid()) << r.first_failure();
    EXPECT_GT(testing::tone_amplitude(pcm.left, 4000, 160, 400.0 + 200 * c), 6000) << c;
    const int other = (c + 1) % 6;
    EXPECT_LT(testing::tone_amplitude(pcm.left, 4000, 160, 400.0 + 200 * other), 300) << c;
  }
}

TEST_F(RecorderWorkerTest, PacketsForUnknownRecordingsAreCountedNotRecorded) {
  RecorderWorker worker(config_, *keys_);
  RtpQueue& queue = worker.add_rtp_producer();
  RtpRecord r;
  const std::uint8_t payload[160] = {};
  r.assign(/*handle=*/999, Leg::kCaller, 1, 1, 1, 0, kStart, payload);
  ASSERT_TRUE(queue.push(r));
  worker.poll(kStart);
  EXPECT_EQ(worker.counters().packets_unknown_recording.load(), 1u);
  EXPECT_EQ(worker.counters().packets.load(), 1u);
}

TEST_F(RecorderWorkerTest, StartQueuedAfterThePollReadCommandsStillClaimsItsPackets) {
  RecorderWorker worker(config_, *keys_);
  RtpQueue& queue = worker.add_rtp_producer();
  // The packet is queued before the worker ever saw the start command.
  auto h = worker.start_recording(call("acme", "early"), kStart);
  ASSERT_TRUE(h);
  RtpRecord r;
  const std::uint8_t payload[160] = {};
  r.assign(*h, Leg::kCaller, 1, 1, 1, 0, kStart + 20'000, payload);
  ASSERT_TRUE(queue.push(r));
  worker.poll(kStart + 20'000);
  EXPECT_EQ(worker.counters().packets_unknown_recording.load(), 0u);
  EXPECT_EQ(worker.active_recordings(), 1u);
}

TEST_F(RecorderWorkerTest, FullQueueIsACountedLossForTheProducer) {
  config_.rtp_queue_capacity = 8;
  RecorderWorker worker(config_, *keys_);
  RtpQueue& queue = worker.add_rtp_producer();
  RtpRecord r;
  int refused = 0;
  for (int i = 0; i < 20; ++i) refused += queue.push(r) ? 0 : 1;
  EXPECT_EQ(refused, 12);
  EXPECT_EQ(worker.rtp_queue_drops(), 12u);
}

TEST_F(RecorderWorkerTest, InvalidStartsAreRefusedAndCounted) {
  RecorderWorker worker(config_, *keys_);
  auto bad_tenant = call("../etc", "x");
  auto bad_id = call("acme", "y");
  bad_id->recording_id = "not-hex";
  worker.start_recording(bad_tenant, kStart);
  worker.start_recording(bad_id, kStart);
  worker.poll(kStart);
  EXPECT_EQ(worker.counters().recordings_start_failed.load(), 2u);
  EXPECT_EQ(worker.active_recordings(), 0u);
  EXPECT_FALSE(std::filesystem::exists(setup_->spool_dir / ".." / "etc"));
}

TEST_F(RecorderWorkerTest, ShutdownSealsEveryRecordingAsComplete) {
  RecorderWorker worker(config_, *keys_);
  RtpQueue& queue = worker.add_rtp_producer();
  std::vector<std::filesystem::path> sealed;
  worker.on_sealed([&](const std::filesystem::path& p, const CallDetails&, std::int64_t,
                       std::int64_t) { sealed.push_back(p); });
  auto h = worker.start_recording(call("acme", "drain"), kStart);
  testing::LegSpec leg{Leg::kAgent, 8, 0x99, 1, 1, 1.0, {{1000, 0, 1, 8000}}};
  testing::drive(worker, queue, testing::make_leg(*h, kStart, leg, {}), kStart, kStart + 700'000);
  worker.seal_all(kStart + 700'000);
  ASSERT_EQ(sealed.size(), 1u);
  VerifyReport r = verify_recording(sealed[0], *keys_, {});
  ASSERT_TRUE(r.valid()) << r.first_failure();
  EXPECT_FALSE(r.trailer->recovered);
  EXPECT_EQ(r.frames, 700 * 8);
}

TEST_F(RecorderWorkerTest, RunsOnItsOwnThreadWithTheWallClock) {
  config_.flush_interval_us = 200'000;
  RecorderWorker worker(config_, *keys_);
  RtpQueue& queue = worker.add_rtp_producer();
  std::atomic<bool> stop{false};
  std::atomic<int> sealed{0};
  worker.on_sealed([&](const std::filesystem::path&, const CallDetails&, std::int64_t,
                       std::int64_t) { ++sealed; });
  std::thread t([&] { worker.run(stop); });
  const auto now = [] {
    return std::chrono::duration_cast<std::chrono::microseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  };
  const std::int64_t start = now();
  auto h = worker.start_recording(call("acme", "threaded"), start);
  ASSERT_TRUE(h);
  RtpRecord r;
  std::uint8_t payload[160];
  std::fill(std::begin(payload), std::end(payload), 0x10);
  for (int k = 0; k < 25; ++k) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    r.assign(*h, Leg::kCaller, static_cast<std::uint16_t>(k), static_cast<std::uint32_t>(160 * k),
             5, 0, now(), payload);
    queue.push(r);
  }
  worker.stop_recording(*h, now());
  for (int i = 0; i < 200 && sealed.load() == 0; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  stop = true;
  t.join();
  EXPECT_EQ(sealed.load(), 1);
  EXPECT_GE(worker.counters().packets.load(), 25u);
  EXPECT_GE(worker.counters().syncs.load(), 2u);
}

// Three calls started together, recorded for 1.2 s; returns the syncs made.
std::uint64_t syncs_for_three_calls(RecorderConfig config, FileKeyProvider& keys) {
  RecorderWorker worker(config, keys);
  RtpQueue& queue = worker.add_rtp_producer();
  std::vector<RtpRecord> packets;
  for (int c = 0; c < 3; ++c) {
    auto h = worker.start_recording(call("acme", "s" + std::to_string(c)), kStart);
    testing::LegSpec leg{Leg::kCaller, 0, 0x30u + c, 1, 1, 1.2, {{1000, 0, 1.2, 8000}}};
    auto p = testing::make_leg(*h, kStart, leg, {});
    packets.insert(packets.end(), p.begin(), p.end());
  }
  testing::drive(worker, queue, packets, kStart, kStart + 1'200'000);
  return worker.counters().syncs.load();
}

TEST_F(RecorderWorkerTest, SyncfsMakesOneSyncPerFlushRoundInsteadOfOnePerFile) {
  // Flushes at 0.5 s and 1.0 s, three files each.
  config_.sync_mode = SyncMode::kFdatasync;
  EXPECT_EQ(syncs_for_three_calls(config_, *keys_), 6u);
  config_.sync_mode = SyncMode::kSyncfs;
  EXPECT_EQ(syncs_for_three_calls(config_, *keys_), 2u);
}

TEST(RecorderConfigTest, RefusesUnsafeSettings) {
  RecorderConfig c;
  c.spool_dir = "/tmp";
  EXPECT_TRUE(validate_config(c));
  c.flush_interval_us = 1'500'000;  // durable less often than every second
  EXPECT_FALSE(validate_config(c));
  c.flush_interval_us = 500'000;
  c.jitter_delay_us = -1;
  EXPECT_FALSE(validate_config(c));
  c.jitter_delay_us = 100'000;
  c.spool_dir.clear();
  EXPECT_FALSE(validate_config(c));
}

}  // namespace
}  // namespace trunkline::recorder
