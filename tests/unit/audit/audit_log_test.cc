// The audit log's hash chain: what is appended verifies, and an edited,
// removed or reordered entry is found and named.
#include "control/audit/audit_log.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <filesystem>

#include "control/audit/audit_verify_command.h"
#include "tests/unit/nas/nas_test_support.h"

namespace trunkline::audit {
namespace {

class AuditLogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = (tmp_.path() / "store.db").string();
    auto s = store::SqliteStore::open(path_);
    ASSERT_TRUE(s) << s.error().message;
    store_ = std::move(*s);
    log_ = std::make_unique<AuditLog>(*store_);
    for (int i = 1; i <= 4; ++i) {
      AuditEntry e;
      e.at_ms = 1000 * i;
      if (i != 3) e.tenant_id = i;
      e.actor = "alice";
      e.role = "auditor";
      e.action = "recordings.search";
      e.target = "caller=+8131234567" + std::to_string(i);
      e.result = "ok";
      e.source = "192.0.2.1";
      ASSERT_TRUE(log_->append(e));
    }
  }
  // Tampering as someone with raw access to the database file would.
  void raw(const std::string& sql) {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(path_.c_str(), &db), SQLITE_OK);
    char* msg = nullptr;
    const int rc = sqlite3_exec(db,
                                ("DROP TRIGGER IF EXISTS audit_log_no_update; DROP TRIGGER IF "
                                 "EXISTS audit_log_no_delete; " +
                                 sql)
                                    .c_str(),
                                nullptr, nullptr, &msg);
    EXPECT_EQ(rc, SQLITE_OK) << (msg ? msg : "");
    sqlite3_free(msg);
    sqlite3_close(db);
  }
  ChainReport verify() {
    auto r = verify_chain(*store_);
    EXPECT_TRUE(r) << r.error().message;
    return r ? *r : ChainReport{};
  }

  recorder::testing::TempDir tmp_;
  std::string path_;
  std::unique_ptr<store::SqliteStore> store_;
  std::unique_ptr<AuditLog> log_;
};

TEST_F(AuditLogTest, AppendedEntriesChainAndVerify) {
  auto all = log_->entries();
  ASSERT_TRUE(all);
  ASSERT_EQ(all->size(), 4u);
  EXPECT_EQ((*all)[0].prev_hash, kGenesisHash);
  for (std::size_t i = 0; i < all->size(); ++i) {
    EXPECT_EQ((*all)[i].seq, static_cast<std::int64_t>(i + 1));
    EXPECT_EQ((*all)[i].hash, entry_hash((*all)[i]));
    if (i > 0) {
      EXPECT_EQ((*all)[i].prev_hash, (*all)[i - 1].hash);
    }
  }
  EXPECT_FALSE((*all)[2].tenant_id.has_value());  // an appliance-level entry
  const ChainReport r = verify();
  EXPECT_TRUE(r.ok) << r.problem;
  EXPECT_EQ(r.entries, 4);
  auto of_tenant = log_->entries(2);
  ASSERT_TRUE(of_tenant);
  ASSERT_EQ(of_tenant->size(), 1u);
  EXPECT_EQ((*of_tenant)[0].seq, 2);
}

TEST_F(AuditLogTest, TriggersRefuseUpdateAndDeleteThroughTheStore) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path_.c_str(), &db), SQLITE_OK);
  EXPECT_NE(
      sqlite3_exec(db, "UPDATE audit_log SET actor = 'x' WHERE seq = 1", nullptr, nullptr, nullptr),
      SQLITE_OK);
  EXPECT_NE(sqlite3_exec(db, "DELETE FROM audit_log WHERE seq = 1", nullptr, nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(db);
  EXPECT_TRUE(verify().ok);
}

TEST_F(AuditLogTest, EditedFieldIsDetectedAtItsEntry) {
  raw("UPDATE audit_log SET target = 'caller=+10000000000' WHERE seq = 2");
  const ChainReport r = verify();
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.first_bad_seq, 2);
  EXPECT_NE(r.problem.find("edited"), std::string::npos) << r.problem;
}

TEST_F(AuditLogTest, EditedFieldWithRecomputedHashBreaksTheNextLink) {
  // A forger who recomputes the edited row's hash still breaks entry 3.
  auto all = log_->entries();
  ASSERT_TRUE(all);
  AuditEntry forged = (*all)[1];
  forged.result = "denied";
  raw("UPDATE audit_log SET result = 'denied', hash = '" + entry_hash(forged) + "' WHERE seq = 2");
  const ChainReport r = verify();
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.first_bad_seq, 3);
}

TEST_F(AuditLogTest, RemovedEntryIsDetected) {
  raw("DELETE FROM audit_log WHERE seq = 2");
  const ChainReport r = verify();
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.first_bad_seq, 2);
  EXPECT_NE(r.problem.find("missing"), std::string::npos) << r.problem;
}

TEST_F(AuditLogTest, RemovedLastEntryIsDetectedByTheHead) {
  raw("DELETE FROM audit_log WHERE seq = 4");
  const ChainReport r = verify();
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.first_bad_seq, 4);
}

TEST_F(AuditLogTest, SwappedEntriesAreDetected) {
  raw("UPDATE audit_log SET seq = 100 WHERE seq = 2; UPDATE audit_log SET seq = 2 WHERE seq = 3; "
      "UPDATE audit_log SET seq = 3 WHERE seq = 100;");
  const ChainReport r = verify();
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.first_bad_seq, 2);
}

TEST_F(AuditLogTest, EncodingSeparatesFieldBoundaries) {
  AuditEntry a, b;
  a.actor = "ab";
  a.role = "c";
  b.actor = "a";
  b.role = "bc";
  EXPECT_NE(entry_hash(a), entry_hash(b));
  AuditEntry with_tenant = a, without = a;
  with_tenant.tenant_id = 0;
  EXPECT_NE(entry_hash(with_tenant), entry_hash(without));
}

TEST_F(AuditLogTest, AppendInsideARolledBackTransactionLeavesNoEntry) {
  Status st = store_->transaction([&]() -> Status {
    AuditEntry e;
    e.actor = "bob";
    if (auto done = log_->append(e); !done) return done.error();
    return Error{"rolled back on purpose"};
  });
  EXPECT_FALSE(st);
  auto all = log_->entries();
  ASSERT_TRUE(all);
  EXPECT_EQ(all->size(), 4u);
  EXPECT_TRUE(verify().ok);
}

TEST_F(AuditLogTest, VerifyCommandExitsZeroWhenIntactAndOneNamingTheBadEntry) {
  auto ok = nas::testing::run_command(audit_verify_command, {"--store", path_});
  EXPECT_EQ(ok.code, 0) << ok.out << ok.err;
  EXPECT_NE(ok.out.find("4 entries"), std::string::npos) << ok.out;
  raw("UPDATE audit_log SET actor = 'mallory' WHERE seq = 3");
  auto bad = nas::testing::run_command(audit_verify_command, {"--store", path_, "--json"});
  EXPECT_EQ(bad.code, 1) << bad.out << bad.err;
  EXPECT_NE(bad.out.find("\"first_bad_seq\":3"), std::string::npos) << bad.out;
  auto usage = nas::testing::run_command(audit_verify_command, {"--bogus"});
  EXPECT_EQ(usage.code, 2);
}

}  // namespace
}  // namespace trunkline::audit
