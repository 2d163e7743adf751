// Sessions: tokens, hashed storage, idle and absolute timeouts with an
// injected clock, revocation, the per-user bound, restrictions, threads.
#include "control/auth/session.h"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <thread>
#include <vector>

#include "control/auth/encoding.h"
#include "tests/unit/auth/auth_test_support.h"

namespace trunkline::auth {
namespace {

using std::chrono::minutes;
using std::chrono::seconds;
using testing::at;

const Principal kAlice{"alice", Role::kTenantAdmin, 1};
const Principal kBob{"bob", Role::kAgent, 1};
constexpr std::int64_t kT0 = 1'700'000'000;

TEST(Session, TokenIs32RandomBytesInBase64Url) {
  SessionTable t;
  std::set<std::string> tokens;
  for (int i = 0; i < 5; ++i) {
    const std::string tok = t.create(kBob, at(kT0));
    EXPECT_EQ(tok.size(), 43u);
    auto raw = base64url_decode(tok);
    ASSERT_TRUE(raw.ok()) << tok;
    EXPECT_EQ(raw->size(), 32u);
    tokens.insert(tok);
  }
  EXPECT_EQ(tokens.size(), 5u);
}

TEST(Session, ValidTokenReturnsThePrincipal) {
  SessionTable t;
  const std::string tok = t.create(kAlice, at(kT0));
  auto info = t.validate(tok, at(kT0 + 1));
  ASSERT_TRUE(info.has_value());
  EXPECT_EQ(info->principal.user, "alice");
  EXPECT_EQ(info->principal.role, Role::kTenantAdmin);
  EXPECT_EQ(info->principal.tenant, std::optional<TenantId>(1));
  EXPECT_EQ(info->created_at, at(kT0));
  EXPECT_EQ(info->restriction, SessionRestriction::kNone);
}

TEST(Session, UnknownAndAlteredTokensAreRefused) {
  SessionTable t;
  const std::string tok = t.create(kAlice, at(kT0));
  std::string altered = tok;
  altered[42] = altered[42] == 'A' ? 'B' : 'A';
  EXPECT_FALSE(t.validate(altered, at(kT0)).has_value());
  EXPECT_FALSE(t.validate("", at(kT0)).has_value());
  EXPECT_FALSE(t.validate(tok.substr(0, 42), at(kT0)).has_value());
  EXPECT_FALSE(t.validate(base64url_encode(std::vector<std::uint8_t>(32, 0)), at(kT0)));
  EXPECT_TRUE(t.validate(tok, at(kT0)).has_value());
}

TEST(Session, IdleTimeoutDefaultsTo15MinutesAndActivityExtendsIt) {
  SessionTable t;
  const std::string tok = t.create(kBob, at(kT0));
  const auto fifteen = std::chrono::duration_cast<seconds>(minutes(15)).count();
  EXPECT_TRUE(t.validate(tok, at(kT0 + fifteen - 1)));
  // Used at kT0+899: now alive until kT0+899+900.
  EXPECT_TRUE(t.validate(tok, at(kT0 + 2 * fifteen - 2)));
  EXPECT_FALSE(t.validate(tok, at(kT0 + 3 * fifteen - 2)));
  // An expired session is gone, not just refused once.
  EXPECT_EQ(t.size(), 0u);
}

TEST(Session, IdleTimeoutEndsAnUnusedSession) {
  SessionTable t;
  const std::string tok = t.create(kBob, at(kT0));
  EXPECT_FALSE(t.validate(tok, at(kT0 + 15 * 60)));
}

TEST(Session, AbsoluteTimeoutDefaultsTo8HoursDespiteActivity) {
  SessionTable t;
  const std::string tok = t.create(kBob, at(kT0));
  std::int64_t now = kT0;
  for (; now < kT0 + 8 * 3600; now += 600) ASSERT_TRUE(t.validate(tok, at(now))) << now;
  EXPECT_TRUE(t.validate(tok, at(kT0 + 8 * 3600 - 1)));
  EXPECT_FALSE(t.validate(tok, at(kT0 + 8 * 3600)));
}

TEST(Session, TimeoutsAreConfigurable) {
  SessionTable t({seconds(60), seconds(300), 8});
  const std::string a = t.create(kBob, at(kT0));
  EXPECT_TRUE(t.validate(a, at(kT0 + 59)));
  EXPECT_FALSE(t.validate(a, at(kT0 + 59 + 60)));
  const std::string b = t.create(kBob, at(kT0));
  for (std::int64_t s = 50; s < 300; s += 50) ASSERT_TRUE(t.validate(b, at(kT0 + s)));
  EXPECT_FALSE(t.validate(b, at(kT0 + 300)));
}

TEST(Session, RevokeEndsOneSession) {
  SessionTable t;
  const std::string a = t.create(kBob, at(kT0));
  const std::string b = t.create(kBob, at(kT0));
  EXPECT_TRUE(t.revoke(a));
  EXPECT_FALSE(t.revoke(a));
  EXPECT_FALSE(t.validate(a, at(kT0)));
  EXPECT_TRUE(t.validate(b, at(kT0)));
}

TEST(Session, RevokeAllEndsEveryTokenOfThatUserInThatTenantOnly) {
  SessionTable t;
  const std::string a1 = t.create(kBob, at(kT0));
  const std::string a2 = t.create(kBob, at(kT0));
  const std::string other_user = t.create(kAlice, at(kT0));
  const std::string same_name_other_tenant = t.create({"bob", Role::kAgent, 2}, at(kT0));
  EXPECT_EQ(t.revoke_all(1, "bob"), 2u);
  EXPECT_FALSE(t.validate(a1, at(kT0)));
  EXPECT_FALSE(t.validate(a2, at(kT0)));
  EXPECT_TRUE(t.validate(other_user, at(kT0)));
  EXPECT_TRUE(t.validate(same_name_other_tenant, at(kT0)));
}

TEST(Session, PerUserBoundEndsTheOldestSession) {
  SessionTable t({minutes(15), std::chrono::hours(8), 3});
  std::vector<std::string> toks;
  for (int i = 0; i < 4; ++i) toks.push_back(t.create(kBob, at(kT0 + i)));
  const std::string alice = t.create(kAlice, at(kT0));
  EXPECT_EQ(t.size(), 4u);
  EXPECT_FALSE(t.validate(toks[0], at(kT0 + 5)));
  for (int i = 1; i < 4; ++i) EXPECT_TRUE(t.validate(toks[i], at(kT0 + 5))) << i;
  EXPECT_TRUE(t.validate(alice, at(kT0 + 5)));
}

TEST(Session, RestrictionIsKeptAndCanBeLifted) {
  SessionTable t;
  const std::string tok = t.create(kAlice, at(kT0), SessionRestriction::kChangePasswordOnly);
  EXPECT_EQ(t.validate(tok, at(kT0))->restriction, SessionRestriction::kChangePasswordOnly);
  EXPECT_TRUE(t.set_restriction(tok, SessionRestriction::kNone));
  EXPECT_EQ(t.validate(tok, at(kT0))->restriction, SessionRestriction::kNone);
  EXPECT_FALSE(t.set_restriction("nonsense", SessionRestriction::kNone));
}

TEST(Session, PurgeExpiredRemovesOnlyExpired) {
  SessionTable t;
  t.create(kBob, at(kT0));
  const std::string fresh = t.create(kAlice, at(kT0 + 600));
  EXPECT_EQ(t.purge_expired(at(kT0 + 900)), 1u);
  EXPECT_EQ(t.size(), 1u);
  EXPECT_TRUE(t.validate(fresh, at(kT0 + 900)));
}

TEST(Session, ConcurrentCreateValidateRevoke) {
  SessionTable t({minutes(15), std::chrono::hours(8), 1000});
  std::vector<std::thread> threads;
  for (int n = 0; n < 4; ++n)
    threads.emplace_back([&t, n] {
      const Principal p{"user" + std::to_string(n), Role::kAgent, 1};
      for (int i = 0; i < 200; ++i) {
        const std::string tok = t.create(p, at(kT0));
        if (!t.validate(tok, at(kT0 + 1))) ADD_FAILURE() << "lost a session";
        if (i % 2 == 0) t.revoke(tok);
      }
    });
  for (auto& th : threads) th.join();
  EXPECT_EQ(t.size(), 400u);
}

}  // namespace
}  // namespace trunkline::auth
