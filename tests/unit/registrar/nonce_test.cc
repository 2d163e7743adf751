// Stateless nonces (HMAC, age, realm binding) and the nonce-count table
// (replays, bounded size, forgotten nonces).
#include "control/registrar/nonce.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace trunkline::registrar {
namespace {

using State = NonceAuthority::State;

TEST(RegistrarNonce, FreshUntilTheLifetimeThenStale) {
  NonceAuthority a("secret", 300);
  const std::string n = a.issue("a.example", 1'000'000);
  EXPECT_EQ(n.size(), 64u);
  EXPECT_EQ(n.find_first_of("\"\\ ="), std::string::npos);
  auto c = a.check(n, "a.example", 1'000'000);
  EXPECT_EQ(c.state, State::kFresh);
  EXPECT_EQ(c.issued_ms, 1'000'000u);
  EXPECT_EQ(a.check(n, "a.example", 1'300'000).state, State::kFresh);
  EXPECT_EQ(a.check(n, "a.example", 1'300'001).state, State::kStale);
  // The same secret in another instance (another shard, a restart) agrees.
  NonceAuthority b("secret", 300);
  EXPECT_EQ(b.check(n, "a.example", 1'000'500).state, State::kFresh);
}

TEST(RegistrarNonce, UniqueWithinOneMillisecond) {
  NonceAuthority a("secret", 300);
  std::set<std::string> seen;
  for (int i = 0; i < 100; ++i) seen.insert(a.issue("a.example", 5000));
  EXPECT_EQ(seen.size(), 100u);
}

TEST(RegistrarNonce, ForgedWhenEditedForeignOrMalformed) {
  NonceAuthority a("secret", 300);
  const std::string n = a.issue("a.example", 10'000);
  for (std::size_t i : {0u, 5u, 12u, 30u, 63u}) {
    std::string edited = n;
    edited[i] = edited[i] == 'A' ? 'B' : 'A';
    EXPECT_EQ(a.check(edited, "a.example", 10'000).state, State::kForged) << i;
  }
  EXPECT_EQ(a.check(n, "b.example", 10'000).state, State::kForged);  // other realm
  EXPECT_EQ(NonceAuthority("other", 300).check(n, "a.example", 10'000).state, State::kForged);
  EXPECT_EQ(a.check(n.substr(0, 60), "a.example", 10'000).state, State::kForged);
  EXPECT_EQ(a.check(n + "AAAA", "a.example", 10'000).state, State::kForged);
  EXPECT_EQ(a.check(std::string(64, '*'), "a.example", 10'000).state, State::kForged);
  EXPECT_EQ(a.check("", "a.example", 10'000).state, State::kForged);
  // Issued "in the future" (beyond a second of skew) is not ours.
  const std::string future = a.issue("a.example", 100'000);
  EXPECT_EQ(a.check(future, "a.example", 98'000).state, State::kForged);
  EXPECT_EQ(a.check(future, "a.example", 99'500).state, State::kFresh);
}

TEST(RegistrarNonce, RandomSecretWhenEmpty) {
  NonceAuthority a("", 300), b("", 300);
  const std::string n = a.issue("r", 1);
  EXPECT_EQ(a.check(n, "r", 1).state, State::kFresh);
  EXPECT_EQ(b.check(n, "r", 1).state, State::kForged);
}

TEST(RegistrarNonceCount, AcceptsOnlyIncreasingNc) {
  NonceCountTable t(16);
  using V = NonceCountTable::Verdict;
  EXPECT_EQ(t.accept("n1", 0, 0, 0, 300'000), V::kReplay);  // nc starts at 1
  EXPECT_EQ(t.accept("n1", 0, 1, 0, 300'000), V::kAccepted);
  EXPECT_EQ(t.accept("n1", 0, 1, 0, 300'000), V::kReplay);
  EXPECT_EQ(t.accept("n1", 0, 3, 0, 300'000), V::kAccepted);
  EXPECT_EQ(t.accept("n1", 0, 2, 0, 300'000), V::kReplay);
  EXPECT_EQ(t.accept("n2", 0, 1, 0, 300'000), V::kAccepted);  // per nonce
  EXPECT_EQ(t.size(), 2u);
}

TEST(RegistrarNonceCount, BoundedAndForgetsOldestSafely) {
  using V = NonceCountTable::Verdict;
  NonceCountTable t(8);
  for (int i = 0; i < 8; ++i)
    EXPECT_EQ(t.accept("n" + std::to_string(i), 1000 + i, 1, 2000, 300'000), V::kAccepted);
  EXPECT_EQ(t.size(), 8u);
  // Full of live nonces: the oldest goes, and is not trusted again.
  EXPECT_EQ(t.accept("n8", 1008, 1, 2000, 300'000), V::kAccepted);
  EXPECT_LE(t.size(), 8u);
  EXPECT_EQ(t.accept("n0", 1000, 2, 2000, 300'000), V::kForgotten);
  // Newer nonces keep their counts.
  EXPECT_EQ(t.accept("n7", 1007, 1, 2000, 300'000), V::kReplay);
  EXPECT_EQ(t.accept("n7", 1007, 2, 2000, 300'000), V::kAccepted);
}

TEST(RegistrarNonceCount, ExpiredEntriesMakeRoomFirst) {
  using V = NonceCountTable::Verdict;
  NonceCountTable t(4);
  for (int i = 0; i < 4; ++i)
    ASSERT_EQ(t.accept("old" + std::to_string(i), 0, 1, 0, 1000), V::kAccepted);
  // At t = 5 s every entry's nonce has expired: room without forgetting.
  EXPECT_EQ(t.accept("new", 5000, 1, 5000, 1000), V::kAccepted);
  EXPECT_EQ(t.size(), 1u);
  EXPECT_EQ(t.accept("other", 4500, 1, 5000, 1000), V::kAccepted);  // nothing forgotten
}

}  // namespace
}  // namespace trunkline::registrar
