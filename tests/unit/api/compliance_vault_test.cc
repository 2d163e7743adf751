// Compliance retrieval over the API with the daemon's real vault: real
// recordings made by the recorder, published to two mirror directories,
// exported as a streamed WAV byte-identical to `trunkline recordings
// export`, verified, erased (refused while on hold), another tenant's ID
// answered exactly as an unknown one, and every step in the audit log.
#include "control/app/compliance_vault.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "nas/nas_commands.h"
#include "tests/unit/api/api_test_support.h"
#include "tests/unit/nas/nas_test_support.h"

namespace trunkline::api {
namespace {

namespace fs = std::filesystem;
using testing::call;
using testing::drain;

class ComplianceVaultTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(env_.store);
    auto mirrors = env_.mirrors();
    nas::Replicator replicator(*mirrors, *env_.index, env_.keys->spool_dir, env_.clock.clock(),
                               10'000);
    for (std::uint32_t seed = 1; seed <= 3; ++seed) {
      auto [path, row] = env_.record(seed == 3 ? env_.globex : env_.acme, seed);
      ASSERT_TRUE(replicator.publish(path, row));
      rows_.push_back(**env_.index->get(row.tenant_id, row.recording_id));
    }
    config::Config c;
    c.nas.mirrors = {env_.mirror_a.string(), env_.mirror_b.string()};
    c.spool_dir = env_.keys->spool_dir.string();
    c.recorder.key_dir = env_.keys->key_dir.string();
    c.recorder.master_key_file = env_.keys->master_key.string();
    auto opened = app::ComplianceVault::open(c, *env_.store);
    ASSERT_TRUE(opened.ok()) << opened.error().message;
    vault_ = std::move(*opened);
    ASSERT_TRUE(vault_);
    ApiDeps d;
    d.store = env_.store.get();
    d.vault = vault_.get();
    d.accounts.scrypt = {4, 8, 1};
    api_ = std::make_unique<ApiService>(std::move(d));
    officer_ =
        testing::session(*api_, *env_.store, env_.acme, "co", auth::Role::kComplianceOfficer);
  }
  std::string rec(const store::IndexedRecording& r) {
    return "/api/v1/tenants/" + std::to_string(env_.acme) + "/recordings/" + r.recording_id;
  }
  std::vector<std::string> nas_audit(store::TenantId t) {
    std::vector<std::string> out;
    auto entries = env_.audit->entries(t);
    EXPECT_TRUE(entries.ok());
    if (!entries) return out;
    for (const auto& e : *entries) {
      if (e.action.rfind("api.", 0) != 0) out.push_back(e.action + " " + e.result);
    }
    return out;
  }

  nas::testing::NasEnv env_;
  std::vector<store::IndexedRecording> rows_;  // 0, 1 acme; 2 globex
  std::unique_ptr<app::ComplianceVault> vault_;
  std::unique_ptr<ApiService> api_;
  std::string officer_;
};

TEST_F(ComplianceVaultTest, AudioIsTheSameWavAsTheCliExportAndIsAudited) {
  Response r = call(*api_, "GET", rec(rows_[0]) + "/audio", officer_);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.content_type, "audio/wav");
  const testing::Streamed s = drain(r);
  ASSERT_TRUE(s.complete);
  const fs::path out = env_.tmp.path() / "cli.wav";
  auto args = env_.config_args();
  args.insert(args.begin(), {rows_[0].recording_id, "--tenant", "acme", "--out", out.string()});
  ASSERT_EQ(nas::testing::run_command(nas::recordings_export_command, args).code, 0);
  const auto cli = nas::testing::file_bytes(out);
  EXPECT_EQ(s.body, std::string(cli.begin(), cli.end())) << "byte for byte the CLI's export";
  EXPECT_GT(s.body.size(), 44u + 7000u * 4);
  const auto trail = nas_audit(env_.acme);
  ASSERT_GE(trail.size(), 2u);
  EXPECT_EQ(trail[0], "recordings.export started");
  EXPECT_EQ(trail[1], "recordings.export ok");
  auto entries = env_.audit->entries(env_.acme);
  ASSERT_TRUE(entries.ok());
  for (const auto& e : *entries) {
    if (e.action != "recordings.export" || e.target != rows_[0].recording_id + " -> api") continue;
    EXPECT_EQ(e.actor, "co");
    EXPECT_EQ(e.role, "compliance_officer");
    EXPECT_EQ(e.source, "192.0.2.7");
  }
}

TEST_F(ComplianceVaultTest, AnotherTenantsIdAnswersExactlyLikeAnUnknownOne) {
  const auto before = nas::testing::tree(env_.mirror_a);
  const std::string theirs = rows_[2].recording_id;
  const std::string nobody(32, 'f');
  for (const auto& [method, suffix] : std::vector<std::pair<std::string, std::string>>{
           {"GET", "/audio"}, {"POST", "/verify"}, {"DELETE", ""}}) {
    const std::string base = "/api/v1/tenants/" + std::to_string(env_.acme) + "/recordings/";
    Response a = call(*api_, method, base + theirs + suffix, officer_);
    Response b = call(*api_, method, base + nobody + suffix, officer_);
    EXPECT_EQ(a.status, 404) << method << suffix << ": " << a.body;
    std::string masked = a.body;
    masked.replace(masked.find(theirs), theirs.size(), nobody);
    EXPECT_EQ(masked, b.body);
  }
  EXPECT_EQ(nas::testing::tree(env_.mirror_a), before);
  EXPECT_TRUE(nas_audit(env_.globex).empty()) << "nothing in the other tenant's name";
}

TEST_F(ComplianceVaultTest, VerifyReportsEveryCopyAndTheRecording) {
  Response ok = call(*api_, "POST", rec(rows_[1]) + "/verify", officer_);
  ASSERT_EQ(ok.status, 200) << ok.body;
  EXPECT_NE(ok.body.find("\"valid\":true"), std::string::npos) << ok.body;
  nas::testing::corrupt(env_.mirrors()->at(1).path_of(rows_[1]));
  Response bad = call(*api_, "POST", rec(rows_[1]) + "/verify", officer_);
  ASSERT_EQ(bad.status, 200) << bad.body;
  EXPECT_NE(bad.body.find("\"valid\":false"), std::string::npos) << bad.body;
  EXPECT_NE(bad.body.find("\"state\":\"sha256_mismatch\""), std::string::npos) << bad.body;
  EXPECT_EQ(nas_audit(env_.acme).back().rfind("recordings.verify failed", 0), 0u);
}

TEST_F(ComplianceVaultTest, EraseIsRefusedOnHoldThenRemovesEveryCopy) {
  ASSERT_EQ(call(*api_, "POST", rec(rows_[0]) + "/hold", officer_).status, 200);
  Response held = call(*api_, "DELETE", rec(rows_[0]), officer_);
  EXPECT_EQ(held.status, 409) << held.body;
  EXPECT_EQ(testing::field(held.body, "field"), "id");
  EXPECT_TRUE(fs::exists(env_.mirrors()->at(0).path_of(rows_[0])));
  ASSERT_EQ(call(*api_, "POST", rec(rows_[0]) + "/release", officer_).status, 200);
  Response gone = call(*api_, "DELETE", rec(rows_[0]), officer_);
  ASSERT_EQ(gone.status, 200) << gone.body;
  EXPECT_NE(gone.body.find("\"complete\":true"), std::string::npos) << gone.body;
  EXPECT_FALSE(fs::exists(env_.mirrors()->at(0).path_of(rows_[0])));
  EXPECT_FALSE(fs::exists(env_.mirrors()->at(1).path_of(rows_[0])));
  EXPECT_EQ(call(*api_, "GET", rec(rows_[0]) + "/audio", officer_).status, 410);
  const auto trail = nas_audit(env_.acme);
  EXPECT_NE(std::find(trail.begin(), trail.end(), "recordings.erase refused: legal hold"),
            trail.end());
  EXPECT_NE(std::find(trail.begin(), trail.end(), "recordings.erase ok"), trail.end());
  EXPECT_TRUE(audit::verify_chain(*env_.store)->ok);
}

TEST_F(ComplianceVaultTest, BadIdIsNamedAndOtherRolesAreRefused) {
  Response bad = call(*api_, "GET", rec(rows_[0]) + "x/audio", officer_);
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(testing::field(bad.body, "field"), "id");
  const std::string agent =
      testing::session(*api_, *env_.store, env_.acme, "al", auth::Role::kAgent);
  EXPECT_EQ(call(*api_, "GET", rec(rows_[0]) + "/audio", agent).status, 403);
  EXPECT_EQ(call(*api_, "DELETE", rec(rows_[0]), agent).status, 403);
  EXPECT_TRUE(fs::exists(env_.mirrors()->at(0).path_of(rows_[0])));
}

}  // namespace
}  // namespace trunkline::api
