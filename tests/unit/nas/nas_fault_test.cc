// Fault tests on real file systems: a mirror on a small tmpfs that fills
// up, and one remounted read-only mid-run. Nothing accepted is lost, the
// index stays true, and the mirrors are identical again after resync.
// Mounting needs root (CAP_SYS_ADMIN); elsewhere these tests are skipped.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>

#include "nas/mirror/replicator.h"
#include "tests/unit/nas/nas_test_support.h"

namespace trunkline::nas {
namespace {

namespace fs = std::filesystem;
using store::RecordingState;
using testing::NasEnv;

bool sh(const std::string& cmd) { return std::system((cmd + " >/dev/null 2>&1").c_str()) == 0; }

class NasFaultTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(env_.store);
    if (!sh("mount -t tmpfs -o size=256k tmpfs " + env_.mirror_b.string())) {
      GTEST_SKIP() << "cannot mount a tmpfs on " << env_.mirror_b << " (needs root)";
    }
    mounted_ = true;
    mirrors_ = env_.mirrors();
    replicator_ = std::make_unique<Replicator>(*mirrors_, *env_.index, env_.keys->spool_dir,
                                               env_.clock.clock(), 10'000);
  }
  void TearDown() override {
    replicator_.reset();
    mirrors_.reset();
    if (mounted_) {
      EXPECT_TRUE(sh("umount " + env_.mirror_b.string()));
    }
  }
  // Resync after the fault is gone, as the publisher's probe does.
  void recover() {
    Mirror& b = mirrors_->at(1);
    ASSERT_TRUE(b.probe());
    b.mark_up();
    auto n = replicator_->recover(b);
    ASSERT_TRUE(n) << n.error().message;
  }
  void expect_published_everywhere(const std::vector<store::IndexedRecording>& rows) {
    for (const auto& r : rows) {
      auto got = env_.index->get(r.tenant_id, r.recording_id);
      ASSERT_TRUE(got && *got);
      EXPECT_EQ((*got)->state, RecordingState::kPublished) << r.recording_id;
    }
    EXPECT_EQ(testing::tree(env_.mirror_a), testing::tree(env_.mirror_b));
    EXPECT_TRUE(testing::tree(env_.keys->spool_dir).empty()) << "the spool is emptied";
  }

  NasEnv env_;
  bool mounted_ = false;
  std::unique_ptr<MirrorSet> mirrors_;
  std::unique_ptr<Replicator> replicator_;
};

TEST_F(NasFaultTest, FullMirrorGoesDownTheSpoolKeepsTheRestAndResyncCompletesIt) {
  std::vector<store::IndexedRecording> rows;
  auto [p1, r1] = env_.record(env_.acme, 1);
  ASSERT_EQ(*replicator_->publish(p1, r1), RecordingState::kPublished);
  rows.push_back(r1);
  // Fill what is left of the tmpfs.
  const fs::path filler = env_.mirror_b / "filler";
  {
    const int fd = ::open(filler.c_str(), O_WRONLY | O_CREAT, 0600);
    ASSERT_GE(fd, 0);
    std::vector<char> block(4096, 'x');
    while (::write(fd, block.data(), block.size()) > 0) {
    }
    ::close(fd);
  }
  std::vector<fs::path> kept;
  for (std::uint32_t seed = 2; seed <= 3; ++seed) {
    auto [p, r] = env_.record(env_.acme, seed, 2.0);
    auto st = replicator_->publish(p, r);
    ASSERT_TRUE(st) << st.error().message;
    EXPECT_EQ(*st, RecordingState::kDegraded);
    EXPECT_TRUE(fs::exists(p)) << "nothing a mirror could not take leaves the spool";
    kept.push_back(p);
    rows.push_back(r);
  }
  Mirror& b = mirrors_->at(1);
  EXPECT_FALSE(b.up());
  EXPECT_NE(b.last_error().find("No space left"), std::string::npos) << b.last_error();
  EXPECT_EQ(b.counters().went_down.load(), 1u);
  EXPECT_GE(b.counters().copy_failures.load(), 1u);
  for (const auto& [name, bytes] : testing::tree(env_.mirror_b))
    EXPECT_EQ(name.find(".tmp"), std::string::npos) << "a failed copy leaves no partial file";
  // Mirror a kept taking everything.
  EXPECT_EQ(testing::tree(env_.mirror_a).size(), 3u);

  fs::remove(filler);  // the operator frees space
  recover();
  expect_published_everywhere(rows);
}

TEST_F(NasFaultTest, MirrorRemountedReadOnlyMidRunGoesDownAndResyncsWhenWritable) {
  std::vector<store::IndexedRecording> rows;
  auto [p1, r1] = env_.record(env_.acme, 1);
  ASSERT_EQ(*replicator_->publish(p1, r1), RecordingState::kPublished);
  rows.push_back(r1);
  ASSERT_TRUE(sh("mount -o remount,ro " + env_.mirror_b.string()));
  auto [p2, r2] = env_.record(env_.globex, 2);
  auto st = replicator_->publish(p2, r2);
  ASSERT_TRUE(st) << st.error().message;
  EXPECT_EQ(*st, RecordingState::kDegraded);
  rows.push_back(r2);
  Mirror& b = mirrors_->at(1);
  EXPECT_FALSE(b.up());
  EXPECT_NE(b.last_error().find("Read-only"), std::string::npos) << b.last_error();
  EXPECT_FALSE(b.probe()) << "still read-only: the probe must fail";
  EXPECT_TRUE(fs::exists(p2));
  auto copies = env_.index->copies(r2.tenant_id, r2.recording_id);
  ASSERT_TRUE(copies);
  int ok = 0;
  for (const auto& c : *copies) ok += c.state == store::CopyState::kOk;
  EXPECT_EQ(ok, 1) << "the index says exactly where the recording is";

  ASSERT_TRUE(sh("mount -o remount,rw " + env_.mirror_b.string()));
  recover();
  expect_published_everywhere(rows);
}

}  // namespace
}  // namespace trunkline::nas
