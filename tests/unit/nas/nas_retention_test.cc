// Retention with an injected clock: expiry after the tenant's period, legal
// holds that suspend it, erasure on request, and tenant termination
// (unreadable at once, files gone after the grace period). Every deletion is
// in the audit log.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "nas/mirror/publisher.h"
#include "nas/nas_commands.h"
#include "nas/retention/retention_sweeper.h"
#include "recorder/format/recording_verifier.h"
#include "tests/unit/nas/nas_test_support.h"

namespace trunkline::nas {
namespace {

namespace fs = std::filesystem;
using store::RecordingState;
using testing::NasEnv;

class NasRetentionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(env_.store);
    mirrors_ = env_.mirrors();
    replicator_ = std::make_unique<Replicator>(*mirrors_, *env_.index, env_.keys->spool_dir,
                                               env_.clock.clock(), 10'000);
    sweeper_ = std::make_unique<RetentionSweeper>(*replicator_, *env_.audit, RetentionPolicy{},
                                                  env_.clock.clock());
  }
  store::IndexedRecording publish(store::TenantId t, std::uint32_t seed) {
    auto [path, row] = env_.record(t, seed);
    auto st = replicator_->publish(path, row);
    EXPECT_TRUE(st && *st == RecordingState::kPublished);
    return **env_.index->get(t, row.recording_id);
  }
  bool on_mirrors(const store::IndexedRecording& r) {
    return fs::exists(mirrors_->at(0).path_of(r)) && fs::exists(mirrors_->at(1).path_of(r));
  }
  bool gone(const store::IndexedRecording& r) {
    return !fs::exists(mirrors_->at(0).path_of(r)) && !fs::exists(mirrors_->at(1).path_of(r));
  }
  RecordingState state(const store::IndexedRecording& r) {
    return (*env_.index->get(r.tenant_id, r.recording_id))->state;
  }
  SweepReport sweep_at(std::int64_t ms) {
    env_.clock.now_ms = ms;
    auto r = sweeper_->sweep();
    EXPECT_TRUE(r) << r.error().message;
    return r ? *r : SweepReport{};
  }
  std::vector<std::string> audit_actions() {
    std::vector<std::string> out;
    auto entries = env_.audit->entries();
    EXPECT_TRUE(entries);
    if (!entries) return out;
    for (const auto& e : *entries) out.push_back(e.action + " " + e.target);
    return out;
  }

  NasEnv env_;
  std::unique_ptr<MirrorSet> mirrors_;
  std::unique_ptr<Replicator> replicator_;
  std::unique_ptr<RetentionSweeper> sweeper_;
};

TEST_F(NasRetentionTest, RecordingExpiresAfterTheDefaultNinetyDays) {
  const auto r = publish(env_.acme, 1);
  EXPECT_EQ(sweep_at(r.started_at_ms + 89 * kDayMs).expired, 0u);
  EXPECT_TRUE(on_mirrors(r));
  const SweepReport rep = sweep_at(r.started_at_ms + 90 * kDayMs + 1);
  EXPECT_EQ(rep.expired, 1u);
  EXPECT_TRUE(gone(r));
  EXPECT_EQ(state(r), RecordingState::kExpired);
  EXPECT_NE((*env_.index->get(r.tenant_id, r.recording_id))->deleted_at_ms, 0);
  EXPECT_EQ(audit_actions(), std::vector<std::string>{"retention.expire " + r.recording_id});
  EXPECT_TRUE(audit::verify_chain(*env_.store)->ok);
  // Nothing left to do on the next sweep.
  EXPECT_EQ(sweep_at(r.started_at_ms + 200 * kDayMs).examined, 0u);
}

TEST_F(NasRetentionTest, PerTenantRetentionAppliesToThatTenantOnly) {
  ASSERT_TRUE(env_.index->set_retention_days(env_.acme, 10));
  const auto a = publish(env_.acme, 1);
  const auto g = publish(env_.globex, 1);
  sweep_at(a.started_at_ms + 11 * kDayMs);
  EXPECT_TRUE(gone(a));
  EXPECT_TRUE(on_mirrors(g));
  EXPECT_EQ(state(g), RecordingState::kPublished);
}

TEST_F(NasRetentionTest, LegalHoldOnARecordingOrItsTenantSuspendsDeletion) {
  const auto held = publish(env_.acme, 1);
  const auto free = publish(env_.acme, 2);
  const auto other = publish(env_.globex, 3);
  ASSERT_TRUE(env_.index->set_legal_hold(env_.acme, held.recording_id, true));
  ASSERT_TRUE(env_.index->set_tenant_hold(env_.globex, true));
  const SweepReport rep = sweep_at(held.started_at_ms + 400 * kDayMs);
  EXPECT_EQ(rep.held, 2u);
  EXPECT_EQ(rep.expired, 1u);
  EXPECT_TRUE(on_mirrors(held));
  EXPECT_TRUE(on_mirrors(other));
  EXPECT_TRUE(gone(free));
  // Released: the next sweep deletes them.
  ASSERT_TRUE(env_.index->set_legal_hold(env_.acme, held.recording_id, false));
  ASSERT_TRUE(env_.index->set_tenant_hold(env_.globex, false));
  EXPECT_EQ(sweep_at(held.started_at_ms + 401 * kDayMs).expired, 2u);
  EXPECT_TRUE(gone(held));
  EXPECT_TRUE(gone(other));
}

TEST_F(NasRetentionTest, ErasureDeletesNowIsRefusedOnHoldAndNeverCrossesTenants) {
  const auto a = publish(env_.acme, 1);
  const auto g = publish(env_.globex, 2);
  const Actor dpo{"dpo", "operator", "cli"};
  // Another tenant's ID: not found, nothing touched.
  Status cross = sweeper_->erase(env_.acme, g.recording_id, dpo);
  ASSERT_FALSE(cross);
  EXPECT_EQ(cross.error().message, "no such recording: " + g.recording_id);
  EXPECT_TRUE(on_mirrors(g));
  EXPECT_EQ(state(g), RecordingState::kPublished);

  ASSERT_TRUE(env_.index->set_legal_hold(env_.acme, a.recording_id, true));
  Status held = sweeper_->erase(env_.acme, a.recording_id, dpo);
  ASSERT_FALSE(held);
  EXPECT_NE(held.error().message.find("legal hold"), std::string::npos);
  EXPECT_TRUE(on_mirrors(a));

  ASSERT_TRUE(env_.index->set_legal_hold(env_.acme, a.recording_id, false));
  ASSERT_TRUE(sweeper_->erase(env_.acme, a.recording_id, dpo));
  EXPECT_TRUE(gone(a));
  EXPECT_EQ(state(a), RecordingState::kErased);
  auto entries = *env_.audit->entries(env_.acme);
  ASSERT_EQ(entries.size(), 3u);
  EXPECT_EQ(entries[0].result, "not_found");
  EXPECT_EQ(entries[1].result, "refused: legal hold");
  EXPECT_EQ(entries[2].result, "ok");
  EXPECT_EQ(entries[2].actor, "dpo");
}

TEST_F(NasRetentionTest, ErasureWhileAMirrorIsDownFinishesWhenItReturns) {
  const auto a = publish(env_.acme, 1);
  mirrors_->at(1).mark_down("test: unreachable");
  ASSERT_TRUE(sweeper_->erase(env_.acme, a.recording_id, Actor{}));
  EXPECT_FALSE(fs::exists(mirrors_->at(0).path_of(a)));
  EXPECT_TRUE(fs::exists(mirrors_->at(1).path_of(a)));
  EXPECT_EQ((*env_.index->get(a.tenant_id, a.recording_id))->deleted_at_ms, 0);
  // Resync never brings an erased recording back.
  mirrors_->at(1).mark_up();
  EXPECT_EQ(*replicator_->resync(mirrors_->at(0)), 0u);
  const SweepReport rep = sweep_at(env_.clock.now_ms + 1000);
  EXPECT_EQ(rep.finished, 1u);
  EXPECT_TRUE(gone(a));
  EXPECT_NE((*env_.index->get(a.tenant_id, a.recording_id))->deleted_at_ms, 0);
}

TEST_F(NasRetentionTest, TerminationShredsAtOnceAndRemovesFilesAfterTheGracePeriod) {
  const auto a = publish(env_.acme, 1);
  const auto g = publish(env_.globex, 2);
  const std::string acme_key = std::to_string(env_.acme);
  ASSERT_TRUE(env_.key_provider->has_tenant_key(acme_key));
  const std::int64_t t0 = a.started_at_ms + kDayMs;
  env_.clock.now_ms = t0;
  ASSERT_TRUE(sweeper_->terminate_tenant(env_.acme, *env_.key_provider, Actor{}));
  EXPECT_FALSE(env_.key_provider->has_tenant_key(acme_key));
  EXPECT_EQ(state(a), RecordingState::kShredded);
  // Unreadable immediately, although the bytes are still on the mirrors.
  auto fresh_keys = env_.keys->open(/*create_missing=*/false);
  recorder::VerifyExpectations expect;
  expect.tenant_id = acme_key;
  EXPECT_FALSE(recorder::verify_recording(mirrors_->at(0).path_of(a), *fresh_keys, expect).valid());
  EXPECT_TRUE(on_mirrors(a));
  EXPECT_EQ(sweep_at(t0 + 29 * kDayMs).purged, 0u);
  EXPECT_TRUE(on_mirrors(a));
  EXPECT_EQ(sweep_at(t0 + 30 * kDayMs + 1).purged, 1u);
  EXPECT_TRUE(gone(a));
  // The other tenant is untouched.
  EXPECT_TRUE(on_mirrors(g));
  EXPECT_EQ(state(g), RecordingState::kPublished);
  EXPECT_TRUE(env_.key_provider->has_tenant_key(std::to_string(env_.globex)));
  auto actions = audit_actions();
  ASSERT_EQ(actions.size(), 2u);
  EXPECT_EQ(actions[0], "tenant.terminate " + acme_key);
  EXPECT_EQ(actions[1], "retention.purge_terminated " + a.recording_id);
}

TEST_F(NasRetentionTest, TerminationIsRefusedWhileAHoldExists) {
  const auto a = publish(env_.acme, 1);
  ASSERT_TRUE(env_.index->set_legal_hold(env_.acme, a.recording_id, true));
  Status st = sweeper_->terminate_tenant(env_.acme, *env_.key_provider, Actor{});
  ASSERT_FALSE(st);
  EXPECT_NE(st.error().message.find("legal hold"), std::string::npos);
  EXPECT_TRUE(env_.key_provider->has_tenant_key(std::to_string(env_.acme)));
  EXPECT_EQ(state(a), RecordingState::kPublished);
}

TEST_F(NasRetentionTest, RetentionVerbsWorkFromTheCommandLine) {
  const auto a = publish(env_.acme, 1);
  auto args = [&](std::vector<std::string> head) {
    auto c = env_.config_args();
    head.insert(head.end(), c.begin(), c.end());
    return head;
  };
  EXPECT_EQ(
      testing::run_command(recordings_hold_command, args({a.recording_id, "--tenant", "acme"}))
          .code,
      0);
  EXPECT_TRUE((*env_.index->get(env_.acme, a.recording_id))->legal_hold);
  auto refused =
      testing::run_command(recordings_erase_command, args({a.recording_id, "--tenant", "acme"}));
  EXPECT_EQ(refused.code, 1);
  EXPECT_NE(refused.err.find("legal hold"), std::string::npos) << refused.err;
  EXPECT_EQ(
      testing::run_command(recordings_release_command, args({a.recording_id, "--tenant", "acme"}))
          .code,
      0);
  auto erased =
      testing::run_command(recordings_erase_command, args({a.recording_id, "--tenant", "acme"}));
  EXPECT_EQ(erased.code, 0) << erased.err;
  EXPECT_TRUE(gone(a));
  EXPECT_EQ(testing::run_command(recordings_retention_command,
                                 args({"--tenant", "globex", "--days", "30"}))
                .code,
            0);
  EXPECT_EQ(*env_.index->retention(env_.globex)->retention_days, 30);
  EXPECT_EQ(testing::run_command(recordings_retention_command,
                                 args({"--tenant", "globex", "--days", "0"}))
                .code,
            2);
  auto no_confirm = testing::run_command(tenant_terminate_command, args({"--tenant", "globex"}));
  EXPECT_EQ(no_confirm.code, 2);
  EXPECT_NE(no_confirm.err.find("--confirm"), std::string::npos) << no_confirm.err;
  auto sweep = testing::run_command(nas_sweep_command, args({"--json"}));
  EXPECT_EQ(sweep.code, 0) << sweep.err;
  EXPECT_NE(sweep.out.find("\"examined\":"), std::string::npos) << sweep.out;
}

}  // namespace
}  // namespace trunkline::nas

namespace trunkline::nas {
namespace {

// The daemon's publisher thread runs the retention sweep on its own.
TEST_F(NasRetentionTest, PublisherRunsTheScheduledSweep) {
  const store::IndexedRecording old = publish(env_.acme, 41);
  PublisherOptions opts;
  opts.spool_dir = env_.keys->spool_dir;
  opts.probe_interval_ms = 5;
  opts.sweep_interval_ms = 1;
  opts.audit = env_.audit.get();
  // 91 days after the recording: past the default 90.
  std::atomic<std::int64_t> now{old.started_at_ms + 91 * kDayMs};
  Publisher publisher(*mirrors_, *env_.index, opts, [&now] { return now.load(); });
  publisher.start();
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (publisher.counters().sweeps.load() == 0 && std::chrono::steady_clock::now() < deadline) {
    now += 1000;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  publisher.stop();
  ASSERT_GE(publisher.counters().sweeps.load(), 1u);
  EXPECT_EQ(publisher.counters().sweep_errors.load(), 0u);
  EXPECT_TRUE(gone(old));
  EXPECT_EQ(state(old), RecordingState::kExpired);
  EXPECT_EQ(publisher.counters().swept_deletions.load(), 1u);
  bool audited = false;
  for (const std::string& a : audit_actions())
    audited = audited || a.find(old.recording_id) != std::string::npos;
  EXPECT_TRUE(audited);
}

}  // namespace
}  // namespace trunkline::nas
