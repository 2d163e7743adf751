// Accounts and policies in the store: round trip of every field, tenant
// scoping of load/list/remove, policy validation, and store-backed account
// rules (lockout survives a reload, history, expiry with an injected clock).
#include "control/api/account_repository.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "control/auth/encoding.h"
#include "control/auth/secret_seal.h"
#include "control/auth/totp.h"
#include "control/store/sqlite_util.h"

namespace trunkline::api {
namespace {

constexpr auth::ScryptParams kFast{4, 8, 1};
std::chrono::sys_seconds at(std::int64_t s) {
  return std::chrono::sys_seconds{std::chrono::seconds{s}};
}

class AccountRepositoryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = std::filesystem::temp_directory_path() /
            ("tl-accounts-" + std::to_string(::getpid()) + "-" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".db");
    std::filesystem::remove(path_);
    auto s = store::SqliteStore::open(path_.string());
    ASSERT_TRUE(s.ok()) << s.error().message;
    store_ = std::move(*s);
    a_ = *store_->create_tenant("alpha");
    b_ = *store_->create_tenant("beta");
    repo_ = std::make_unique<AccountRepository>(*store_);
  }
  void TearDown() override {
    repo_.reset();
    store_.reset();
    for (const char* ext : {"", "-wal", "-shm"}) std::filesystem::remove(path_.string() + ext);
  }
  auth::Account make(Scope t, const std::string& name, auth::Role role, const std::string& pw,
                     const auth::PasswordPolicy& p = {}) {
    auto acc = auth::Account::create({name, role, t}, pw, p, at(1000), {kFast});
    EXPECT_TRUE(acc.ok()) << acc.error().message;
    return std::move(*acc);
  }

  std::filesystem::path path_;
  std::unique_ptr<store::SqliteStore> store_;
  std::unique_ptr<AccountRepository> repo_;
  std::int64_t a_ = 0, b_ = 0;
};

TEST_F(AccountRepositoryTest, EveryFieldSurvivesTheRoundTrip) {
  auth::Account acc = make(a_, "ann", auth::Role::kTenantAdmin, "Initial-pass1");
  ASSERT_TRUE(repo_->insert(acc.record()).ok());
  ASSERT_TRUE(acc.change_password("Initial-pass1", "Second-pass22", {}, at(2000)).ok());
  auth::TotpEnrolment e = auth::new_totp_enrolment("t", "ann");
  auto codes = acc.enrol_totp(e.state, auth::totp_code(e.state.secret, at(3000), {}), at(3000));
  ASSERT_TRUE(codes.ok());
  ASSERT_TRUE(repo_->save(acc.record()).ok());

  auto got = repo_->load(a_, "ann");
  ASSERT_TRUE(got.ok() && got->has_value());
  const auth::AccountRecord& r = **got;
  EXPECT_EQ(r.principal.user, "ann");
  EXPECT_EQ(r.principal.role, auth::Role::kTenantAdmin);
  EXPECT_EQ(r.principal.tenant, a_);
  EXPECT_EQ(r.password_hash, acc.record().password_hash);
  EXPECT_EQ(r.previous_hashes, acc.record().previous_hashes);
  EXPECT_EQ(r.password_changed_at, at(2000));
  EXPECT_FALSE(r.must_change_password);
  ASSERT_TRUE(r.totp.has_value());
  EXPECT_EQ(r.totp->secret, e.state.secret);
  EXPECT_EQ(r.totp->last_accepted_step, acc.record().totp->last_accepted_step);
  EXPECT_EQ(r.recovery_codes.remaining(), 10u);
  // A stored recovery code still works after the reload.
  auth::RecoveryCodes rc = r.recovery_codes;
  EXPECT_TRUE(rc.consume((*codes)[3]));
}

// The TOTP column as stored, for the sealing tests.
std::string stored_totp(store::SqliteStore& st, const std::string& name) {
  std::string out;
  EXPECT_TRUE(st.with_connection([&](store::StatementCache& cache) -> Status {
                  store::Statement s(cache, "SELECT totp_secret FROM accounts WHERE name = ?1");
                  s.bind(1, name);
                  if (s.step() == SQLITE_ROW) out = s.text(0);
                  return Status::Ok();
                }).ok());
  return out;
}

TEST_F(AccountRepositoryTest, TotpSecretsAreSealedUnderTheMasterKey) {
  auto seal = auth::SecretSeal::derive(std::vector<std::uint8_t>(32, 0x5a));
  ASSERT_TRUE(seal.ok());
  // An account enrolled before sealing existed: base32 in the store.
  auth::Account acc = make(a_, "ann", auth::Role::kTenantAdmin, "Initial-pass1");
  auth::TotpEnrolment e = auth::new_totp_enrolment("t", "ann");
  ASSERT_TRUE(
      acc.enrol_totp(e.state, auth::totp_code(e.state.secret, at(3000), {}), at(3000)).ok());
  ASSERT_TRUE(repo_->insert(acc.record()).ok());
  EXPECT_EQ(stored_totp(*store_, "ann"), auth::base32_encode(e.state.secret));

  // With the seal: the old row still reads, and the next save seals it.
  AccountRepository sealed(*store_, &*seal);
  auto got = sealed.load(a_, "ann");
  ASSERT_TRUE(got.ok() && got->has_value()) << (got.ok() ? "" : got.error().message);
  EXPECT_EQ((*got)->totp->secret, e.state.secret);
  ASSERT_TRUE(sealed.save(**got).ok());
  const std::string stored = stored_totp(*store_, "ann");
  EXPECT_TRUE(auth::SecretSeal::is_sealed(stored)) << stored;
  EXPECT_EQ(stored.find(auth::base32_encode(e.state.secret)), std::string::npos);
  got = sealed.load(a_, "ann");
  ASSERT_TRUE(got.ok() && got->has_value());
  EXPECT_EQ((*got)->totp->secret, e.state.secret);

  // Without the key (or with another appliance's) a sealed secret is an error, not a bypass.
  auto without = repo_->load(a_, "ann");
  ASSERT_FALSE(without.ok());
  EXPECT_NE(without.error().message.find("totp secret unreadable"), std::string::npos);
  auto other = auth::SecretSeal::derive(std::vector<std::uint8_t>(32, 0x11));
  AccountRepository wrong(*store_, &*other);
  EXPECT_FALSE(wrong.load(a_, "ann").ok());
}

TEST_F(AccountRepositoryTest, TenantScopeKeepsTenantsApart) {
  ASSERT_TRUE(repo_->insert(make(a_, "sam", auth::Role::kSupervisor, "Alpha-pass1").record()).ok());
  ASSERT_TRUE(repo_->insert(make(b_, "sam", auth::Role::kAgent, "Beta-pass11").record()).ok());
  ASSERT_TRUE(repo_->insert(make(b_, "bob", auth::Role::kAgent, "Beta-pass22").record()).ok());

  auto in_a = repo_->list(a_);
  ASSERT_TRUE(in_a.ok());
  ASSERT_EQ(in_a->size(), 1u);
  EXPECT_EQ((*in_a)[0].principal.role, auth::Role::kSupervisor);
  EXPECT_FALSE(repo_->load(a_, "bob")->has_value());
  EXPECT_FALSE(repo_->remove(a_, "bob").ok());
  EXPECT_TRUE(repo_->load(b_, "bob")->has_value()) << "B's account untouched";
  EXPECT_FALSE(repo_->load(std::nullopt, "sam")->has_value()) << "appliance scope is its own";
  // Same name in the same tenant is refused.
  EXPECT_FALSE(repo_->insert(make(b_, "bob", auth::Role::kAgent, "Beta-pass33").record()).ok());
  ASSERT_TRUE(repo_->remove(b_, "bob").ok());
  EXPECT_FALSE(repo_->load(b_, "bob")->has_value());
  EXPECT_EQ(repo_->list(b_)->size(), 1u);
}

TEST_F(AccountRepositoryTest, SystemAdministratorsLiveOutsideTenants) {
  ASSERT_TRUE(
      repo_->insert(make(std::nullopt, "root", auth::Role::kSystemAdmin, "Root-pass11").record())
          .ok());
  EXPECT_TRUE(repo_->load(std::nullopt, "root")->has_value());
  EXPECT_FALSE(repo_->load(a_, "root")->has_value());
  // The schema refuses a tenant's system_admin even if code tried.
  auth::AccountRecord bad = make(a_, "x", auth::Role::kAgent, "Agent-pass1").record();
  bad.principal.role = auth::Role::kSystemAdmin;
  EXPECT_FALSE(repo_->insert(bad).ok());
}

TEST_F(AccountRepositoryTest, PolicyIsPerTenantAndValidated) {
  auth::PasswordPolicy p;
  p.min_length = 12;
  p.lock_after_failures = 3;
  p.require_symbol = true;
  p.history_generations = 4;
  ASSERT_TRUE(repo_->put_policy(a_, p).ok());
  auto got = repo_->policy(a_);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->min_length, 12u);
  EXPECT_EQ(got->lock_after_failures, 3u);
  EXPECT_TRUE(got->require_symbol);
  EXPECT_EQ(got->history_generations, 4u);
  EXPECT_EQ(repo_->policy(b_)->min_length, 8u) << "B keeps the defaults";

  auth::PasswordPolicy bad = p;
  bad.min_length = 4;
  Status s = repo_->put_policy(a_, bad);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().message.find("min_length"), std::string::npos) << s.error().message;
  EXPECT_EQ(repo_->policy(a_)->min_length, 12u) << "a refused policy changes nothing";
}

TEST_F(AccountRepositoryTest, LockoutPersistsAndUnlockClearsIt) {
  auth::PasswordPolicy p;
  p.lock_after_failures = 2;
  ASSERT_TRUE(repo_->put_policy(a_, p).ok());
  ASSERT_TRUE(repo_->insert(make(a_, "al", auth::Role::kAgent, "Agent-pass1", p).record()).ok());
  for (int i = 0; i < 2; ++i) {
    auth::Account acc(**repo_->load(a_, "al"), {kFast});
    EXPECT_EQ(acc.login("wrong-pass1", p, at(2000 + i)).outcome,
              auth::LoginOutcome::kBadCredentials);
    ASSERT_TRUE(repo_->save(acc.record()).ok());
  }
  auth::Account locked(**repo_->load(a_, "al"), {kFast});
  EXPECT_TRUE(locked.record().locked);
  EXPECT_EQ(locked.login("Agent-pass1", p, at(3000)).outcome, auth::LoginOutcome::kLocked);
  locked.unlock();
  ASSERT_TRUE(repo_->save(locked.record()).ok());
  auth::Account again(**repo_->load(a_, "al"), {kFast});
  EXPECT_EQ(again.login("Agent-pass1", p, at(3001)).outcome, auth::LoginOutcome::kOkMustChange);
}

TEST_F(AccountRepositoryTest, HistoryAndExpiryUseTheStoredState) {
  auth::PasswordPolicy p;
  p.history_generations = 2;
  p.expiry_days = 30;
  ASSERT_TRUE(repo_->insert(make(a_, "hx", auth::Role::kAgent, "First-pass1", p).record()).ok());
  {
    auth::Account acc(**repo_->load(a_, "hx"), {kFast});
    ASSERT_TRUE(acc.change_password("First-pass1", "Second-pass2", p, at(2000)).ok());
    ASSERT_TRUE(repo_->save(acc.record()).ok());
  }
  auth::Account acc(**repo_->load(a_, "hx"), {kFast});
  EXPECT_FALSE(acc.change_password("Second-pass2", "First-pass1", p, at(2100)).ok())
      << "a password of the stored history is refused";
  EXPECT_FALSE(acc.password_expired(p, at(2000 + 29 * 86400)));
  EXPECT_TRUE(acc.password_expired(p, at(2000 + 30 * 86400)));
  EXPECT_EQ(acc.login("Second-pass2", p, at(2000 + 31 * 86400)).outcome,
            auth::LoginOutcome::kExpiredMustChange);
}

}  // namespace
}  // namespace trunkline::api
