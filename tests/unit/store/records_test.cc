// Migration 3: tenant domains, trunks, agents, numbers and CDRs in the
// SQLite store; transactions; several threads writing at once.
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "control/store/migrations.h"
#include "control/store/sqlite_store.h"

namespace trunkline::store {
namespace {

class RecordsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/tl-records-XXXXXX";
    dir_ = mkdtemp(tmpl);
    path_ = dir_ + "/t.db";
    auto s = SqliteStore::open(path_);
    ASSERT_TRUE(s.ok()) << s.error().message;
    st_ = std::move(*s);
  }
  void TearDown() override {
    st_.reset();
    std::filesystem::remove_all(dir_);
  }
  std::unique_ptr<TenantStore> scope(const std::string& name, const std::string& domain) {
    auto id = st_->create_tenant(name, domain);
    EXPECT_TRUE(id.ok()) << id.error().message;
    return st_->tenant(*id).value();
  }
  static Agent agent(const std::string& name, const std::string& user) {
    return {name, "", user, std::string(32, '0'), std::string(64, '0'), "", ""};
  }
  std::string dir_, path_;
  std::unique_ptr<SqliteStore> st_;
};

TEST_F(RecordsTest, MigrationThreeUpgradesATenantOnlyStore) {
  st_.reset();
  std::filesystem::remove(path_);
  {
    auto old = SqliteStore::open_with(path_, std::span<const Migration>(migrations()).first(2));
    ASSERT_TRUE(old.ok());
    ASSERT_TRUE((*old)->create_tenant("legacy").ok());
  }
  auto s = SqliteStore::open(path_);
  ASSERT_TRUE(s.ok()) << s.error().message;
  EXPECT_GE((*s)->schema_version(), 3);
  auto t = (*s)->tenant_by_name("legacy");
  ASSERT_TRUE(t.ok() && t->has_value());
  EXPECT_EQ((*t)->sip_domain, "") << "existing tenants have no domain until provisioned";
  ASSERT_TRUE((*s)->set_sip_domain((*t)->id, "Legacy.Example").ok());
  EXPECT_EQ((*(*s)->tenant_by_name("legacy"))->sip_domain, "legacy.example");
}

TEST_F(RecordsTest, DomainsAreUniqueAcrossTenantsIgnoringCase) {
  ASSERT_TRUE(st_->create_tenant("a", "shared.example").ok());
  auto b = st_->create_tenant("b", "SHARED.example");
  ASSERT_FALSE(b.ok());
  EXPECT_EQ(b.error().message, "SIP domain 'SHARED.example' belongs to another tenant");
  auto c = st_->create_tenant("c", "");
  auto d = st_->create_tenant("d", "");
  ASSERT_TRUE(c.ok() && d.ok()) << "any number of tenants may have no domain";
  Status s = st_->set_sip_domain(*c, "shared.example");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().message, "SIP domain 'shared.example' belongs to another tenant");
  EXPECT_EQ(st_->set_sip_domain(999, "x.example").error().message, "unknown tenant 999");
}

TEST_F(RecordsTest, TrunksAgentsAndNumbersRoundTrip) {
  auto t = scope("acme", "acme.example");
  Trunk tr{"carrier", {"203.0.113.0/24", "2001:db8::/32"}, "tls", "203.0.113.1:5061"};
  ASSERT_TRUE(t->put_trunk(tr).ok());
  ASSERT_EQ(t->trunks()->size(), 1u);
  EXPECT_EQ(t->trunks()->front(), tr);
  tr.allow = {"198.51.100.1/32"};
  ASSERT_TRUE(t->put_trunk(tr).ok());
  EXPECT_EQ(t->trunks()->front(), tr) << "put replaces the allow-list";

  Agent a = agent("alice", "alice");
  a.static_contact = "198.51.100.20:5070";
  ASSERT_TRUE(t->put_agent(a).ok());
  ASSERT_TRUE(t->put_agent(agent("bob", "bob")).ok());
  EXPECT_EQ(*t->agent("alice").value(), a);
  auto dup = t->put_agent(agent("carol", "bob"));
  ASSERT_FALSE(dup.ok());
  EXPECT_EQ(dup.error().message,
            "put agent 'carol': sip user 'bob' belongs to another agent of this tenant");

  Did d{"+81312345678", "sales", {"bob", "alice"}, true};
  ASSERT_TRUE(t->put_did(d).ok());
  EXPECT_EQ(*t->did("+81312345678").value(), d) << "agent order is kept";
  ASSERT_TRUE(t->delete_agent("bob").ok());
  EXPECT_EQ(t->did("+81312345678").value()->agents, std::vector<std::string>{"alice"})
      << "a deleted agent leaves the number's list";
  auto same = t->put_did({"81312345678", "", {}, false});
  ASSERT_FALSE(same.ok()) << "the same digits without '+' are the same number";
  ASSERT_TRUE(t->delete_did("+81312345678").ok());
  EXPECT_TRUE(t->dids()->empty());
  ASSERT_TRUE(t->delete_trunk("carrier").ok());
  EXPECT_TRUE(t->trunks()->empty());
}

TEST_F(RecordsTest, SchemaRefusesWhatTheRulesRefuse) {
  auto t = scope("acme", "acme.example");
  EXPECT_FALSE(t->put_did({"+81-3123", "", {}, false}).ok());
  EXPECT_FALSE(t->put_did({"+", "", {}, false}).ok());
  EXPECT_FALSE(t->put_trunk({"x", {}, "sctp", ""}).ok());
  Agent a = agent("alice", "alice");
  a.ha1_md5 = "password";  // not a digest
  EXPECT_FALSE(t->put_agent(a).ok());
}

TEST_F(RecordsTest, CdrsAddedAndListedLatestFirstWithinLimitAndSince) {
  auto t = scope("acme", "acme.example");
  Cdr c;
  c.call_id = "abc@carrier";
  c.caller = "+819011112222";
  c.did = "+81312345678";
  c.agent = "alice";
  c.trunk = "carrier";
  c.started_at_ms = 1000;
  c.answered_at_ms = 3000;
  c.ended_at_ms = 63000;
  c.outcome = CdrOutcome::kAnswered;
  c.cause_code = 200;
  c.cause_text = "BYE from caller";
  c.caller_leg = {3000, 12, 4.5, 4.2};
  c.agent_leg = {2990, 0, 1.25, 4.4};
  for (int i = 0; i < 5; ++i) {
    c.started_at_ms = 1000 + i * 100;
    auto id = t->add_cdr(c);
    ASSERT_TRUE(id.ok()) << id.error().message;
    EXPECT_EQ(*id, i + 1);
  }
  auto all = t->cdrs(100);
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 5u);
  Cdr expect = c;
  expect.id = 5;
  EXPECT_EQ(all->back(), expect) << "every field round-trips";
  auto latest = t->cdrs(2);
  ASSERT_EQ(latest->size(), 2u);
  EXPECT_EQ((*latest)[0].id, 4);
  EXPECT_EQ((*latest)[1].id, 5);
  auto since = t->cdrs(100, 1200);
  ASSERT_EQ(since->size(), 3u);
  EXPECT_EQ(since->front().started_at_ms, 1200);
}

TEST_F(RecordsTest, OutcomeNamesRoundTrip) {
#define TL_CHECK_OUTCOME(e, text)               \
  EXPECT_STREQ(to_string(CdrOutcome::e), text); \
  EXPECT_EQ(parse_cdr_outcome(text), CdrOutcome::e);
  TL_CDR_OUTCOMES(TL_CHECK_OUTCOME)
#undef TL_CHECK_OUTCOME
  EXPECT_FALSE(parse_cdr_outcome("hung_up").has_value());
}

TEST_F(RecordsTest, TransactionCommitsOrRollsBackEverything) {
  auto t = scope("acme", "acme.example");
  Status failed = st_->transaction([&]() -> Status {
    if (Status s = t->put_agent(agent("alice", "alice")); !s) return s;
    if (Status s = st_->set_sip_domain(t->tenant_id(), "other.example"); !s) return s;
    return Error{"changed my mind"};
  });
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.error().message, "changed my mind");
  EXPECT_TRUE(t->agents()->empty());
  EXPECT_EQ((*st_->tenant_by_name("acme"))->sip_domain, "acme.example");

  ASSERT_TRUE(st_->transaction([&]() { return t->put_agent(agent("alice", "alice")); }).ok());
  EXPECT_EQ(t->agents()->size(), 1u);
  Status nested = st_->transaction([&]() { return st_->transaction([] { return Status::Ok(); }); });
  EXPECT_FALSE(nested.ok());
}

// Control shards write CDRs concurrently; every write lands, each tenant's
// IDs stay a gap-free sequence.
TEST_F(RecordsTest, ConcurrentCdrWritersFromSeveralThreads) {
  auto a = scope("a", "a.example");
  auto b = scope("b", "b.example");
  constexpr int kThreads = 4, kEach = 100;
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int n = 0; n < kThreads; ++n) {
    threads.emplace_back([&, n] {
      TenantStore& s = (n % 2 == 0) ? *a : *b;
      for (int i = 0; i < kEach; ++i) {
        Cdr c;
        c.call_id = std::to_string(n) + "-" + std::to_string(i);
        c.started_at_ms = i;
        if (!s.add_cdr(c).ok()) ++failures;
        if (i % 10 == 0 && !s.cdrs(5).ok()) ++failures;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
  for (TenantStore* s : {a.get(), b.get()}) {
    auto all = s->cdrs(1000);
    ASSERT_TRUE(all.ok());
    ASSERT_EQ(all->size(), static_cast<std::size_t>(kThreads / 2 * kEach));
    std::vector<bool> seen(all->size() + 1);
    for (const Cdr& c : *all) {
      ASSERT_GE(c.id, 1);
      ASSERT_LE(c.id, static_cast<std::int64_t>(all->size()));
      EXPECT_FALSE(seen[c.id]) << "duplicate id " << c.id;
      seen[c.id] = true;
    }
  }
}

TEST_F(RecordsTest, TenantOwnedTablesAreKeyedByTenant) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path_.c_str(), &db), SQLITE_OK);
  for (const char* table : {"trunks", "trunk_sources", "agents", "dids", "did_agents", "cdrs"}) {
    SCOPED_TRACE(table);
    const std::string sql = std::string("PRAGMA table_info(") + table + ")";
    sqlite3_stmt* stmt = nullptr;
    ASSERT_EQ(sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr), SQLITE_OK);
    bool tenant_first_in_key = false, not_null = false;
    while (sqlite3_step(stmt) == SQLITE_ROW) {
      const std::string name = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 1));
      if (name == "tenant_id") {
        not_null = sqlite3_column_int(stmt, 3) == 1;
        tenant_first_in_key = sqlite3_column_int(stmt, 5) == 1;  // pk position
      }
    }
    sqlite3_finalize(stmt);
    EXPECT_TRUE(not_null);
    EXPECT_TRUE(tenant_first_in_key);
  }
  sqlite3_close(db);
}

}  // namespace
}  // namespace trunkline::store
