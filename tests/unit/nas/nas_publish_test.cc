// Publishing sealed recordings to the mirror set: verified copies on every
// mirror before the spool lets go; a mirror that is gone is marked down, the
// spool keeps what it missed, and resync makes the mirrors identical again;
// a crash between the mirror writes is finished by a fresh publisher.
#include <gtest/gtest.h>

#include "nas/mirror/publisher.h"
#include "nas/mirror/replicator.h"
#include "tests/unit/nas/nas_test_support.h"

namespace trunkline::nas {
namespace {

namespace fs = std::filesystem;
using store::CopyState;
using store::RecordingState;
using testing::NasEnv;

class NasPublishTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(env_.store);
    mirrors_ = env_.mirrors();
    ASSERT_TRUE(mirrors_);
    replicator_ = std::make_unique<Replicator>(*mirrors_, *env_.index, env_.keys->spool_dir,
                                               env_.clock.clock(), 10'000);
  }
  store::IndexedRecording indexed(store::TenantId t, const std::string& id) {
    auto row = env_.index->get(t, id);
    EXPECT_TRUE(row && *row);
    return row && *row ? **row : store::IndexedRecording{};
  }
  void expect_copies_ok(store::TenantId t, const std::string& id) {
    auto copies = env_.index->copies(t, id);
    ASSERT_TRUE(copies);
    ASSERT_EQ(copies->size(), 2u);
    for (const auto& c : *copies) EXPECT_EQ(c.state, CopyState::kOk) << c.mirror;
  }

  NasEnv env_;
  std::unique_ptr<MirrorSet> mirrors_;
  std::unique_ptr<Replicator> replicator_;
};

TEST_F(NasPublishTest, PublishedRecordingIsVerifiedOnEveryMirrorAndLeavesTheSpool) {
  auto [path, row] = env_.record(env_.acme, 1);
  ASSERT_TRUE(fs::exists(path));
  const auto original = testing::file_bytes(path);
  auto state = replicator_->publish(path, row);
  ASSERT_TRUE(state) << state.error().message;
  EXPECT_EQ(*state, RecordingState::kPublished);
  EXPECT_FALSE(fs::exists(path)) << "spool copy must go once every mirror holds it";

  const store::IndexedRecording got = indexed(env_.acme, row.recording_id);
  EXPECT_EQ(got.state, RecordingState::kPublished);
  EXPECT_EQ(got.bytes, static_cast<std::int64_t>(original.size()));
  EXPECT_EQ(got.call_id, "call-1@test");
  EXPECT_EQ(got.sha256.size(), 64u);
  for (auto& m : mirrors_->mirrors()) {
    const fs::path copy = m->path_of(got);
    EXPECT_EQ(testing::file_bytes(copy), original) << copy;
    // <root>/<tenant>/<yyyy>/<mm>/<dd>/<id>.tlrec, by the call's start (UTC).
    EXPECT_EQ(fs::relative(copy, m->root()).string(),
              std::to_string(env_.acme) + "/2023/11/14/" + row.recording_id + ".tlrec");
    EXPECT_EQ(m->counters().copies_written.load(), 1u);
  }
  expect_copies_ok(env_.acme, row.recording_id);
  EXPECT_EQ(replicator_->counters().published.load(), 1u);
  EXPECT_EQ(replicator_->counters().spool_freed.load(), 1u);
}

TEST_F(NasPublishTest, PublishingTwiceIsHarmless) {
  auto [path, row] = env_.record(env_.acme, 2);
  const auto bytes = testing::file_bytes(path);
  ASSERT_TRUE(replicator_->publish(path, row));
  ASSERT_FALSE(fs::exists(path));
  recorder::testing::write_bytes(path, bytes);  // the same file again, as after a crash
  auto again = replicator_->publish(path, row);
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_EQ(*again, RecordingState::kPublished);
  EXPECT_EQ(mirrors_->at(0).counters().copies_written.load(), 1u) << "the good copy is kept";
  EXPECT_FALSE(fs::exists(path));
}

TEST_F(NasPublishTest, SpoolFileThatDiffersFromTheIndexIsRefusedAndKept) {
  auto [path, row] = env_.record(env_.acme, 3);
  // Indexed with other bytes (as if a copy in the spool had rotted).
  store::IndexedRecording other = row;
  other.sha256 = std::string(64, 'a');
  other.bytes = 1;
  other.indexed_at_ms = 1;
  ASSERT_TRUE(env_.index->add(other));
  auto state = replicator_->publish(path, row);
  ASSERT_FALSE(state);
  EXPECT_NE(state.error().message.find("does not match the index"), std::string::npos)
      << state.error().message;
  EXPECT_TRUE(fs::exists(path));
  EXPECT_TRUE(testing::tree(env_.mirror_a).empty());
  EXPECT_EQ(replicator_->counters().spool_mismatch.load(), 1u);
}

TEST_F(NasPublishTest, MirrorRemovedGoesDownSpoolKeepsItAndResyncRestoresIt) {
  auto [p1, r1] = env_.record(env_.acme, 4);
  ASSERT_TRUE(replicator_->publish(p1, r1));
  // The mirror disappears (unmounted, removed).
  fs::remove_all(env_.mirror_b);
  auto [p2, r2] = env_.record(env_.globex, 5);
  const auto bytes2 = testing::file_bytes(p2);
  auto state = replicator_->publish(p2, r2);
  ASSERT_TRUE(state) << state.error().message;
  EXPECT_EQ(*state, RecordingState::kDegraded);
  Mirror& b = mirrors_->at(1);
  EXPECT_FALSE(b.up());
  EXPECT_EQ(b.counters().went_down.load(), 1u);
  EXPECT_NE(b.last_error().find("missing"), std::string::npos) << b.last_error();
  EXPECT_TRUE(fs::exists(p2)) << "the spool keeps what a mirror could not take";
  EXPECT_FALSE(fs::exists(env_.mirror_b)) << "a missing root is never recreated";
  EXPECT_EQ(indexed(env_.globex, r2.recording_id).state, RecordingState::kDegraded);

  // Still down: a second recording goes to mirror a only.
  auto [p3, r3] = env_.record(env_.acme, 6);
  EXPECT_EQ(*replicator_->publish(p3, r3), RecordingState::kDegraded);
  EXPECT_EQ(b.counters().went_down.load(), 1u) << "one transition, one count";

  // The mirror comes back, empty: probe, resync.
  fs::create_directories(env_.mirror_b);
  ASSERT_TRUE(b.probe());
  b.mark_up();
  // Resync alone trusts the index, which still says b holds the first one.
  auto n = replicator_->resync(b);
  ASSERT_TRUE(n) << n.error().message;
  EXPECT_EQ(*n, 2u);
  // Recovery checks what the index says b held and finds it gone.
  n = replicator_->recover(b);
  ASSERT_TRUE(n) << n.error().message;
  EXPECT_EQ(*n, 1u) << "what it held before it vanished is copied again";
  EXPECT_EQ(replicator_->counters().copies_lost.load(), 1u);
  EXPECT_EQ(testing::tree(env_.mirror_a), testing::tree(env_.mirror_b));
  EXPECT_FALSE(fs::exists(p2));
  EXPECT_FALSE(fs::exists(p3));
  EXPECT_EQ(testing::file_bytes(b.path_of(indexed(env_.globex, r2.recording_id))), bytes2);
  for (auto* r : {&r1, &r2, &r3}) {
    EXPECT_EQ(indexed(r->tenant_id, r->recording_id).state, RecordingState::kPublished);
    expect_copies_ok(r->tenant_id, r->recording_id);
  }
  EXPECT_EQ(b.counters().came_up.load(), 1u);
}

TEST_F(NasPublishTest, CrashBetweenMirrorWritesIsFinishedByAFreshPublisher) {
  auto [path, row] = env_.record(env_.acme, 7);
  // The first process wrote mirror a and died before mirror b: modelled by
  // mirror b being unavailable to it.
  mirrors_->at(1).mark_down("test: process killed before this write");
  ASSERT_EQ(*replicator_->publish(path, row), RecordingState::kDegraded);
  ASSERT_TRUE(fs::exists(path));
  ASSERT_EQ(testing::tree(env_.mirror_b).size(), 0u);
  replicator_.reset();
  mirrors_.reset();

  // A sealed file nobody submitted at all (died before the hand-over).
  auto [orphan, orphan_row] = env_.record(env_.globex, 8);

  auto fresh = env_.mirrors();
  PublisherOptions opts;
  opts.spool_dir = env_.keys->spool_dir;
  opts.probe_interval_ms = 50;
  Publisher publisher(*fresh, *env_.index, opts, env_.clock.clock());
  publisher.start();
  publisher.wait_idle();
  publisher.stop();
  EXPECT_EQ(publisher.counters().picked_up.load(), 2u);
  EXPECT_FALSE(fs::exists(path));
  EXPECT_FALSE(fs::exists(orphan));
  EXPECT_EQ(testing::tree(env_.mirror_a), testing::tree(env_.mirror_b));
  EXPECT_EQ(testing::tree(env_.mirror_a).size(), 2u);
  const auto first = indexed(env_.acme, row.recording_id);
  EXPECT_EQ(first.state, RecordingState::kPublished);
  EXPECT_EQ(first.call_id, "call-7@test") << "the row indexed before the crash is kept";
  const auto second = indexed(env_.globex, orphan_row.recording_id);
  EXPECT_EQ(second.state, RecordingState::kPublished);
  EXPECT_EQ(second.started_at_ms / 1000, orphan_row.started_at_ms / 1000)
      << "indexed from the file's header";
}

TEST_F(NasPublishTest, PublisherPublishesSubmittedRecordingsOnItsThread) {
  PublisherOptions opts;
  opts.spool_dir = env_.keys->spool_dir;
  Publisher publisher(*mirrors_, *env_.index, opts, env_.clock.clock());
  publisher.start();
  std::vector<store::IndexedRecording> rows;
  for (std::uint32_t seed = 10; seed < 14; ++seed) {
    auto [path, row] = env_.record(seed % 2 ? env_.acme : env_.globex, seed);
    recorder::CallDetails d;
    d.tenant_id = std::to_string(row.tenant_id);
    d.recording_id = row.recording_id;
    d.call_id = row.call_id;
    d.caller_number = row.caller_number;
    EXPECT_TRUE(publisher.submit(path, d, row.started_at_ms, row.ended_at_ms));
    rows.push_back(row);
  }
  publisher.wait_idle();
  publisher.stop();
  EXPECT_EQ(publisher.counters().submitted.load(), 4u);
  EXPECT_EQ(publisher.replicator_counters().published.load(), 4u);
  for (const auto& r : rows) {
    const auto got = indexed(r.tenant_id, r.recording_id);
    EXPECT_EQ(got.state, RecordingState::kPublished);
    EXPECT_EQ(got.caller_number, "+81312345678");
  }
  EXPECT_EQ(testing::tree(env_.mirror_a), testing::tree(env_.mirror_b));
}

TEST_F(NasPublishTest, FullQueueRefusesWithoutBlockingAndCounts) {
  PublisherOptions opts;
  opts.spool_dir = env_.keys->spool_dir;
  opts.queue_capacity = 1;
  Publisher publisher(*mirrors_, *env_.index, opts, env_.clock.clock());  // not started
  store::IndexedRecording row;
  row.tenant_id = env_.acme;
  EXPECT_TRUE(publisher.submit("/nonexistent/a.tlrec", row));
  EXPECT_FALSE(publisher.submit("/nonexistent/b.tlrec", row));
  EXPECT_EQ(publisher.counters().queue_full.load(), 1u);
  recorder::CallDetails d;
  d.tenant_id = "acme";  // not a store tenant ID
  EXPECT_FALSE(publisher.submit("/nonexistent/c.tlrec", d, 0, 0));
  EXPECT_EQ(publisher.counters().bad_submissions.load(), 1u);
}

TEST_F(NasPublishTest, MirrorSetNeedsTwoDistinctAbsoluteRoots) {
  EXPECT_FALSE(MirrorSet::open({env_.mirror_a.string()}));
  EXPECT_FALSE(MirrorSet::open({env_.mirror_a.string(), env_.mirror_a.string()}));
  EXPECT_FALSE(MirrorSet::open({env_.mirror_a.string(), "relative/b"}));
  auto missing = MirrorSet::open({env_.mirror_a.string(), (env_.tmp.path() / "nope").string()});
  ASSERT_TRUE(missing);
  EXPECT_TRUE((*missing)->at(0).up());
  EXPECT_FALSE((*missing)->at(1).up()) << "a root that fails its probe starts down";
}

}  // namespace
}  // namespace trunkline::nas
