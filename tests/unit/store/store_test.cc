#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <filesystem>
#include <string>

#include "control/store/migrations.h"
#include "control/store/sqlite_store.h"

namespace trunkline::store {
namespace {

class StoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/tl-store-XXXXXX";
    dir_ = mkdtemp(tmpl);
    path_ = dir_ + "/t.db";
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string dir_, path_;
};

TEST_F(StoreTest, FreshStoreIsMigratedToLatestInWalMode) {
  auto s = SqliteStore::open(path_);
  ASSERT_TRUE(s.ok()) << s.error().message;
  EXPECT_EQ((*s)->schema_version(), migrations().back().version);
  EXPECT_EQ((*s)->journal_mode(), "wal");
}

TEST_F(StoreTest, MigrationsAreNumberedWithoutGaps) {
  int expect = 1;
  for (const Migration& m : migrations()) EXPECT_EQ(m.version, expect++) << m.name;
}

TEST_F(StoreTest, ReopenKeepsDataAndAppliesNothingTwice) {
  {
    auto s = SqliteStore::open(path_);
    ASSERT_TRUE(s.ok());
    ASSERT_TRUE((*s)->create_tenant("acme").ok());
  }
  auto s = SqliteStore::open(path_);
  ASSERT_TRUE(s.ok()) << s.error().message;
  auto ts = (*s)->tenants();
  ASSERT_TRUE(ts.ok());
  ASSERT_EQ(ts->size(), 1u);
  EXPECT_EQ((*ts)[0].name, "acme");
}

TEST_F(StoreTest, UpgradesAnOlderSchemaStepByStep) {
  auto first = std::span<const Migration>(migrations()).first(1);
  {
    auto s = SqliteStore::open_with(path_, first);
    ASSERT_TRUE(s.ok());
    EXPECT_EQ((*s)->schema_version(), 1);
    ASSERT_TRUE((*s)->create_tenant("acme").ok());
  }
  auto s = SqliteStore::open(path_);
  ASSERT_TRUE(s.ok()) << s.error().message;
  EXPECT_EQ((*s)->schema_version(), migrations().back().version);
  auto t = (*s)->tenant(1);
  ASSERT_TRUE(t.ok());
  EXPECT_TRUE((*t)->set_setting("k", "v").ok());
}

TEST_F(StoreTest, RefusesASchemaNewerThanTheBinary) {
  { ASSERT_TRUE(SqliteStore::open(path_).ok()); }
  {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(path_.c_str(), &db), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(db, "INSERT INTO schema_migrations (version, name) VALUES (999, 'x')",
                           nullptr, nullptr, nullptr),
              SQLITE_OK);
    sqlite3_close(db);
  }
  auto s = SqliteStore::open(path_);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().message.find("newer than this binary"), std::string::npos);
}

TEST_F(StoreTest, FailedMigrationRollsBackAndChangesNothing) {
  const Migration bad[] = {
      migrations()[0],
      {2, "half-broken", "CREATE TABLE half (x INTEGER); INSERT INTO nosuchtable VALUES (1);"},
  };
  auto s = SqliteStore::open_with(path_, bad);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().message.find("migration 2 (half-broken)"), std::string::npos)
      << s.error().message;
  auto again = SqliteStore::open_with(path_, std::span<const Migration>(migrations()).first(1));
  ASSERT_TRUE(again.ok());
  EXPECT_EQ((*again)->schema_version(), 1);
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path_.c_str(), &db), SQLITE_OK);
  EXPECT_NE(sqlite3_exec(db, "SELECT * FROM half", nullptr, nullptr, nullptr), SQLITE_OK)
      << "the table of the failed migration must not exist";
  sqlite3_close(db);
}

TEST_F(StoreTest, TenantScopeNeverSeesAnotherTenant) {
  auto s = SqliteStore::open(path_);
  ASSERT_TRUE(s.ok());
  auto a = (*s)->create_tenant("a");
  auto b = (*s)->create_tenant("b");
  ASSERT_TRUE(a.ok() && b.ok());
  auto ta = (*s)->tenant(*a);
  auto tb = (*s)->tenant(*b);
  ASSERT_TRUE(ta.ok() && tb.ok());
  ASSERT_TRUE((*ta)->set_setting("retention_days", "90").ok());
  ASSERT_TRUE((*tb)->set_setting("retention_days", "30").ok());
  ASSERT_TRUE((*tb)->set_setting("only_b", "x").ok());

  EXPECT_EQ(*(*ta)->setting("retention_days").value(), "90");
  EXPECT_EQ(*(*tb)->setting("retention_days").value(), "30");
  EXPECT_FALSE((*ta)->setting("only_b").value().has_value());
  EXPECT_EQ((*ta)->settings()->size(), 1u);
  ASSERT_TRUE((*ta)->delete_setting("only_b").ok());  // B's row is out of A's reach
  EXPECT_TRUE((*tb)->setting("only_b").value().has_value());
}

TEST_F(StoreTest, UnknownTenantAndDuplicateNameAreErrors) {
  auto s = SqliteStore::open(path_);
  ASSERT_TRUE(s.ok());
  auto t = (*s)->tenant(42);
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.error().message, "unknown tenant 42");
  ASSERT_TRUE((*s)->create_tenant("dup").ok());
  auto d = (*s)->create_tenant("dup");
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(d.error().message, "tenant 'dup' already exists");
  EXPECT_EQ((*s)->tenants()->size(), 1u);
}

TEST_F(StoreTest, UnopenablePathIsAClearError) {
  auto s = SqliteStore::open("/nonexistent-dir/x/t.db");
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().message.find("cannot open the store"), std::string::npos);
}

}  // namespace
}  // namespace trunkline::store
