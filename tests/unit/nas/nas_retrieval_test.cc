// Compliance retrieval from the command line: search, export and verify
// always within one named tenant, another tenant's recording is "no such
// recording", export verifies before it decrypts, and every request is in
// the hash-chained audit log.
#include <gtest/gtest.h>

#include "control/audit/audit_verify_command.h"
#include "nas/mirror/replicator.h"
#include "nas/nas_commands.h"
#include "nas/retrieval/time_arg.h"
#include "tests/unit/nas/nas_test_support.h"

namespace trunkline::nas {
namespace {

namespace fs = std::filesystem;
using testing::NasEnv;
using testing::run_command;

class NasRetrievalTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(env_.store);
    auto mirrors = env_.mirrors();
    Replicator replicator(*mirrors, *env_.index, env_.keys->spool_dir, env_.clock.clock(), 10'000);
    for (std::uint32_t seed = 1; seed <= 4; ++seed) {
      auto [path, row] = env_.record(seed == 4 ? env_.globex : env_.acme, seed);
      if (seed == 2) row.agent = "agent-9";
      ASSERT_TRUE(replicator.publish(path, row));
      rows_.push_back(**env_.index->get(row.tenant_id, row.recording_id));
    }
  }
  std::vector<std::string> args(std::vector<std::string> head) {
    auto c = env_.config_args();
    head.insert(head.end(), c.begin(), c.end());
    return head;
  }
  std::vector<audit::AuditEntry> audit_of(store::TenantId t) { return *env_.audit->entries(t); }

  NasEnv env_;
  std::vector<store::IndexedRecording> rows_;  // 0..2 acme, 3 globex
};

TEST_F(NasRetrievalTest, SearchReturnsOnlyTheNamedTenantsRecordingsAndFilters) {
  auto all = run_command(recordings_search_command, args({"--tenant", "acme", "--json"}));
  ASSERT_EQ(all.code, 0) << all.err;
  for (int i = 0; i < 3; ++i)
    EXPECT_NE(all.out.find(rows_[i].recording_id), std::string::npos) << all.out;
  EXPECT_EQ(all.out.find(rows_[3].recording_id), std::string::npos) << "another tenant's row";

  auto by_call = run_command(recordings_search_command,
                             args({"--tenant", "acme", "--call-id", "call-2@test"}));
  ASSERT_EQ(by_call.code, 0);
  EXPECT_NE(by_call.out.find(rows_[1].recording_id), std::string::npos);
  EXPECT_NE(by_call.out.find("1 recordings"), std::string::npos) << by_call.out;

  auto by_agent =
      run_command(recordings_search_command, args({"--tenant", "acme", "--agent", "agent-9"}));
  EXPECT_NE(by_agent.out.find("1 recordings"), std::string::npos) << by_agent.out;

  // Time range: seeds are 1000 s apart.
  auto range =
      run_command(recordings_search_command,
                  args({"--tenant", "acme", "--from", std::to_string(rows_[1].started_at_ms),
                        "--to", std::to_string(rows_[2].started_at_ms)}));
  EXPECT_NE(range.out.find("1 recordings"), std::string::npos) << range.out;
  EXPECT_NE(range.out.find(rows_[1].recording_id), std::string::npos);

  // The other tenant's call ID finds nothing in this tenant.
  auto cross = run_command(recordings_search_command,
                           args({"--tenant", "acme", "--call-id", "call-4@test"}));
  EXPECT_NE(cross.out.find("0 recordings"), std::string::npos) << cross.out;

  auto entries = audit_of(env_.acme);
  ASSERT_EQ(entries.size(), 5u);
  EXPECT_EQ(entries[0].action, "recordings.search");
  EXPECT_EQ(entries[0].actor, "auditor-1");
  EXPECT_EQ(entries[0].result, "ok: 3 results");
  EXPECT_EQ(entries[1].target, "call_id=call-2@test");
  EXPECT_TRUE(audit_of(env_.globex).empty());
}

TEST_F(NasRetrievalTest, SearchNeedsATenantThatExists) {
  auto none = run_command(recordings_search_command, args({}));
  EXPECT_EQ(none.code, 2);
  EXPECT_NE(none.err.find("--tenant is required"), std::string::npos) << none.err;
  auto unknown = run_command(recordings_search_command, args({"--tenant", "initech"}));
  EXPECT_EQ(unknown.code, 2);
  EXPECT_NE(unknown.err.find("unknown tenant 'initech'"), std::string::npos) << unknown.err;
  auto bad_time =
      run_command(recordings_search_command, args({"--tenant", "acme", "--from", "yesterday"}));
  EXPECT_EQ(bad_time.code, 2);
}

TEST_F(NasRetrievalTest, ExportVerifiesThenWritesTheWav) {
  const fs::path out = env_.tmp.path() / "call.wav";
  auto r = run_command(recordings_export_command,
                       args({rows_[0].recording_id, "--tenant", "acme", "--out", out.string()}));
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  std::vector<std::int16_t> left, right;
  std::uint32_t rate = 0;
  ASSERT_TRUE(recorder::testing::read_wav(out, left, right, &rate));
  EXPECT_EQ(rate, 8000u);
  EXPECT_GT(left.size(), 7000u);
  auto entries = audit_of(env_.acme);
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[0].action, "recordings.export");
  EXPECT_EQ(entries[0].result, "started");
  EXPECT_EQ(entries[1].result, "ok");
  // Never overwrites.
  auto again =
      run_command(recordings_export_command,
                  args({rows_[0].recording_id, "--tenant", "acme", "--out", out.string()}));
  EXPECT_EQ(again.code, 2);
}

TEST_F(NasRetrievalTest, AnotherTenantsRecordingIsNoSuchRecordingAndIsNotTouched) {
  const fs::path out = env_.tmp.path() / "leak.wav";
  const auto before = testing::tree(env_.mirror_a);
  auto r = run_command(recordings_export_command,
                       args({rows_[3].recording_id, "--tenant", "acme", "--out", out.string()}));
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("no such recording: " + rows_[3].recording_id), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(out));
  auto unknown =
      run_command(recordings_export_command,
                  args({std::string(32, 'f'), "--tenant", "acme", "--out", out.string()}));
  EXPECT_EQ(unknown.code, 1);
  // The same words for an ID that exists elsewhere as for one nobody has.
  auto strip = [](std::string s, const std::string& id) {
    return s.replace(s.find(id), id.size(), "ID");
  };
  EXPECT_EQ(strip(r.err, rows_[3].recording_id), strip(unknown.err, std::string(32, 'f')));
  auto v =
      run_command(recordings_verify_command, args({rows_[3].recording_id, "--tenant", "acme"}));
  EXPECT_EQ(v.code, 1);
  EXPECT_NE(v.err.find("no such recording"), std::string::npos);
  EXPECT_EQ(testing::tree(env_.mirror_a), before);
  for (const auto& e : audit_of(env_.acme)) EXPECT_EQ(e.result.rfind("not_found", 0), 0u);
  EXPECT_TRUE(audit_of(env_.globex).empty()) << "nothing is written in the other tenant's name";
}

TEST_F(NasRetrievalTest, ExportUsesAGoodCopyWhenOneMirrorsCopyIsCorrupt) {
  auto mirrors = env_.mirrors();
  testing::corrupt(mirrors->at(0).path_of(rows_[1]));
  const fs::path out = env_.tmp.path() / "good.wav";
  auto r = run_command(recordings_export_command,
                       args({rows_[1].recording_id, "--tenant", "acme", "--out", out.string()}));
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(fs::exists(out));
  testing::corrupt(mirrors->at(1).path_of(rows_[1]));
  const fs::path out2 = env_.tmp.path() / "bad.wav";
  auto bad = run_command(recordings_export_command,
                         args({rows_[1].recording_id, "--tenant", "acme", "--out", out2.string()}));
  EXPECT_EQ(bad.code, 1);
  EXPECT_NE(bad.err.find("matches the index"), std::string::npos) << bad.err;
  EXPECT_FALSE(fs::exists(out2));
}

TEST_F(NasRetrievalTest, VerifyChecksEveryCopyAndTheRecording) {
  auto ok =
      run_command(recordings_verify_command, args({rows_[2].recording_id, "--tenant", "acme"}));
  EXPECT_EQ(ok.code, 0) << ok.out << ok.err;
  EXPECT_NE(ok.out.find("VALID on every mirror"), std::string::npos) << ok.out;
  auto mirrors = env_.mirrors();
  testing::corrupt(mirrors->at(1).path_of(rows_[2]));
  auto bad =
      run_command(recordings_verify_command, args({rows_[2].recording_id, "--tenant", "acme"}));
  EXPECT_EQ(bad.code, 1) << bad.out;
  EXPECT_NE(bad.out.find("SHA-256 MISMATCH"), std::string::npos) << bad.out;
  auto entries = audit_of(env_.acme);
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[0].result, "ok");
  EXPECT_EQ(entries[1].result.rfind("failed", 0), 0u);
  // The whole trail still verifies.
  auto chain = run_command(audit::audit_verify_command, {"--config", env_.write_config().string()});
  EXPECT_EQ(chain.code, 0) << chain.out << chain.err;
}

TEST(NasTimeArg, ParsesMillisecondsAndUtcDates) {
  EXPECT_EQ(*parse_time_arg("1700000000000"), 1'700'000'000'000);
  EXPECT_EQ(*parse_time_arg("2023-11-14"), 1'699'920'000'000);
  EXPECT_EQ(*parse_time_arg("2023-11-14T22:13:20Z"), 1'700'000'000'000);
  EXPECT_FALSE(parse_time_arg("2023-13-01"));
  EXPECT_FALSE(parse_time_arg("2023-11-14 22:13"));
  EXPECT_FALSE(parse_time_arg(""));
}

}  // namespace
}  // namespace trunkline::nas
