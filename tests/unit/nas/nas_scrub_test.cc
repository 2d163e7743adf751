// Scrub and self-heal: a bad or missing copy is rewritten from a copy that
// matches the index, never from one that does not; with no good copy left
// nothing is overwritten and the recording is reported unrepairable.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "nas/mirror/publisher.h"
#include "nas/nas_commands.h"
#include "nas/scrub/scrub.h"
#include "tests/unit/nas/nas_test_support.h"

namespace trunkline::nas {
namespace {

namespace fs = std::filesystem;
using store::CopyState;
using testing::NasEnv;

class NasScrubTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(env_.store);
    mirrors_ = env_.mirrors();
    replicator_ = std::make_unique<Replicator>(*mirrors_, *env_.index, env_.keys->spool_dir,
                                               env_.clock.clock(), 10'000);
    for (std::uint32_t seed = 1; seed <= 3; ++seed) {
      auto [path, row] = env_.record(seed == 3 ? env_.globex : env_.acme, seed);
      auto st = replicator_->publish(path, row);
      ASSERT_TRUE(st && *st == store::RecordingState::kPublished);
      rows_.push_back(**env_.index->get(row.tenant_id, row.recording_id));
    }
  }
  fs::path copy(std::size_t mirror, std::size_t rec) {
    return mirrors_->at(mirror).path_of(rows_[rec]);
  }
  CopyState copy_state(std::size_t mirror, std::size_t rec) {
    auto copies = env_.index->copies(rows_[rec].tenant_id, rows_[rec].recording_id);
    for (const auto& c : *copies)
      if (c.mirror == mirrors_->at(mirror).name()) return c.state;
    return CopyState::kMissing;
  }

  NasEnv env_;
  std::unique_ptr<MirrorSet> mirrors_;
  std::unique_ptr<Replicator> replicator_;
  std::vector<store::IndexedRecording> rows_;
};

TEST_F(NasScrubTest, CleanMirrorsReportNothing) {
  auto r = scrub(*replicator_, env_.clock.clock());
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_TRUE(r->clean());
  EXPECT_EQ(r->recordings, 3u);
  EXPECT_EQ(r->copies_checked, 6u);
  EXPECT_EQ(r->copies_ok, 6u);
}

TEST_F(NasScrubTest, CorruptAndMissingCopiesAreRepairedFromTheGoodOnes) {
  const auto good0 = testing::file_bytes(copy(0, 0));
  testing::corrupt(copy(1, 0));  // bit rot on mirror b
  fs::remove(copy(0, 1));        // a copy lost on mirror a
  auto r = scrub(*replicator_, env_.clock.clock());
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->bad, 1u);
  EXPECT_EQ(r->missing, 1u);
  EXPECT_EQ(r->repaired, 2u);
  EXPECT_EQ(r->unrepairable, 0u);
  ASSERT_EQ(r->findings.size(), 2u);
  EXPECT_EQ(testing::file_bytes(copy(1, 0)), good0);
  EXPECT_EQ(testing::tree(env_.mirror_a), testing::tree(env_.mirror_b));
  EXPECT_EQ(copy_state(1, 0), CopyState::kOk);
  EXPECT_EQ(copy_state(0, 1), CopyState::kOk);
  const std::string text = format_report(*r, false);
  EXPECT_NE(text.find("bad, repaired"), std::string::npos) << text;
  EXPECT_NE(text.find("1 missing, 1 bad, 2 repaired, 0 unrepairable"), std::string::npos) << text;
  // A second scrub finds the set clean.
  auto again = scrub(*replicator_, env_.clock.clock());
  ASSERT_TRUE(again);
  EXPECT_TRUE(again->clean());
}

TEST_F(NasScrubTest, BothCopiesBadIsUnrepairableAndNothingIsOverwritten) {
  testing::corrupt(copy(0, 2));
  auto b = testing::file_bytes(copy(1, 2));
  b[b.size() / 3] ^= 0x01;  // a different corruption on the other mirror
  recorder::testing::write_bytes(copy(1, 2), b);
  const auto bad_a = testing::file_bytes(copy(0, 2));
  const auto bad_b = testing::file_bytes(copy(1, 2));
  ASSERT_NE(bad_a, bad_b);
  auto r = scrub(*replicator_, env_.clock.clock());
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->bad, 2u);
  EXPECT_EQ(r->repaired, 0u);
  EXPECT_EQ(r->unrepairable, 2u);
  EXPECT_EQ(testing::file_bytes(copy(0, 2)), bad_a) << "never repaired from a bad copy";
  EXPECT_EQ(testing::file_bytes(copy(1, 2)), bad_b);
  EXPECT_EQ(copy_state(0, 2), CopyState::kBad);
  EXPECT_EQ(copy_state(1, 2), CopyState::kBad);
  for (const auto& f : r->findings) EXPECT_NE(f.detail.find("does not match"), std::string::npos);
  // No temporary files left behind.
  for (const auto& [name, bytes] : testing::tree(env_.mirror_a))
    EXPECT_EQ(name.find(".tmp"), std::string::npos) << name;
}

TEST_F(NasScrubTest, RepairUsesTheSpoolWhenItStillHoldsTheRecording) {
  auto [path, row] = env_.record(env_.acme, 9);
  mirrors_->at(1).mark_down("test");
  ASSERT_EQ(*replicator_->publish(path, row), store::RecordingState::kDegraded);
  const auto placed = **env_.index->get(row.tenant_id, row.recording_id);
  testing::corrupt(mirrors_->at(0).path_of(placed));
  mirrors_->at(1).mark_up();
  auto r = scrub(*replicator_, env_.clock.clock());
  ASSERT_TRUE(r);
  EXPECT_EQ(r->bad, 1u);
  EXPECT_EQ(r->missing, 1u);
  EXPECT_EQ(r->repaired, 2u);
  EXPECT_EQ((*env_.index->get(row.tenant_id, row.recording_id))->state,
            store::RecordingState::kPublished);
  EXPECT_FALSE(fs::exists(path)) << "published everywhere: the spool copy goes";
  EXPECT_EQ(testing::tree(env_.mirror_a), testing::tree(env_.mirror_b));
}

TEST_F(NasScrubTest, PublisherRunsTheScheduledScrub) {
  const auto good = testing::file_bytes(copy(0, 0));
  testing::corrupt(copy(1, 0));
  PublisherOptions opts;
  opts.spool_dir = env_.keys->spool_dir;
  opts.probe_interval_ms = 5;
  opts.scrub_interval_ms = 20;
  Publisher publisher(*mirrors_, *env_.index, opts);  // wall clock
  publisher.start();
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (publisher.counters().scrubs.load() == 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  publisher.stop();
  EXPECT_GE(publisher.counters().scrubs.load(), 1u);
  EXPECT_EQ(testing::file_bytes(copy(1, 0)), good);
}

TEST_F(NasScrubTest, ScrubCommandReportsAndExitsByOutcome) {
  testing::corrupt(copy(1, 0));
  auto fixed =
      testing::run_command(nas_scrub_command, {"--config", env_.write_config().string(), "--json"});
  EXPECT_EQ(fixed.code, 0) << fixed.out << fixed.err;
  EXPECT_NE(fixed.out.find("\"bad\":1"), std::string::npos) << fixed.out;
  EXPECT_NE(fixed.out.find("\"repaired\":true"), std::string::npos) << fixed.out;
  testing::corrupt(copy(0, 1));
  testing::corrupt(copy(1, 1));
  auto broken = testing::run_command(nas_scrub_command, {"--config", env_.write_config().string()});
  EXPECT_EQ(broken.code, 1) << broken.out << broken.err;
  EXPECT_NE(broken.out.find("UNREPAIRABLE"), std::string::npos) << broken.out;
  auto usage = testing::run_command(nas_scrub_command, {"--frobnicate"});
  EXPECT_EQ(usage.code, 2);
}

}  // namespace
}  // namespace trunkline::nas
