// Registrar::handle, authentication: challenges, SHA-256 and MD5, wrong and
// unknown credentials, stale, forged and replayed nonces, the username rule,
// unusable credentials and the configurable algorithm list.
#include "control/sip/refusal.h"
#include "tests/unit/registrar/register_fixture.h"

namespace trunkline::registrar::regtest {
namespace {

TEST_F(RegistrarTest, ChallengesWithSha256FirstThenMd5) {
  add_user(1, "a.example", "alice", "s3cret");
  Phone p;
  Response r = send(p.request("", ""));
  EXPECT_EQ(r.code, 401);
  ASSERT_EQ(r.challenges.size(), 2u);
  EXPECT_EQ(r.challenges[0].algorithm, "SHA-256");
  EXPECT_EQ(r.challenges[1].algorithm, "MD5");
  for (const Challenge& c : r.challenges) {
    EXPECT_EQ(c.realm, "a.example");
    EXPECT_EQ(c.qop, "auth");
    EXPECT_EQ(c.stale, "");
    EXPECT_EQ(c.nonce, r.challenges[0].nonce);
  }
  EXPECT_TRUE(r.to_has_tag);
  EXPECT_EQ(r.call_id, p.call_id);
  EXPECT_EQ(r.cseq, "1 REGISTER");
  EXPECT_NE(r.via.find("branch=z9hG4bK1"), std::string::npos);
  EXPECT_EQ(registrar_->counters().challenges, 1u);
  EXPECT_TRUE(locations_->lookup(1, "alice", kT0).empty());
}

TEST_F(RegistrarTest, RegistersWithSha256) {
  add_user(1, "a.example", "alice", "s3cret");
  Phone p;
  Response r = register_phone(p);
  ASSERT_EQ(r.code, 200) << r.reason;
  ASSERT_EQ(r.contacts.size(), 1u);
  EXPECT_EQ(r.contacts[0], "<sip:alice@192.168.1.20:5060>;expires=3600");
  auto b = locations_->lookup(1, "alice", kT0);
  ASSERT_EQ(b.size(), 1u);
  EXPECT_EQ(b[0].contact, "sip:alice@192.168.1.20:5060");
  // Reached where it registered from, not at its private Contact address.
  EXPECT_EQ(b[0].source, peer("203.0.113.5", 40000));
  EXPECT_EQ(b[0].call_id, p.call_id);
  EXPECT_EQ(b[0].cseq, 2u);
  EXPECT_EQ(registrar_->counters().registrations, 1u);
}

// What a phone sends must also pass the stack's refusal rules, which judge
// every datagram before the registrar sees it (udp_shard).
TEST_F(RegistrarTest, AuthorizedRegistersPassTheStacksRefusalRules) {
  add_user(1, "a.example", "alice", "s3cret");
  for (const char* alg : {"SHA-256", "MD5"}) {
    Phone p;
    p.algorithm = alg;
    Response r = send(p.request({}, ""), kT0, peer("203.0.113.5", 40000));
    ASSERT_EQ(r.code, 401);
    const std::string text = p.request({}, p.answer(r, p.password));
    sip::Message m;
    ASSERT_TRUE(sip::parse_message(text, &m).ok());
    const sip::Verdict v = sip::judge_message(m, sip::RefusalPolicy::appliance());
    EXPECT_TRUE(v.accept) << alg << ": " << v.code << " " << v.reason;
  }
}

TEST_F(RegistrarTest, RegistersWithMd5) {
  add_user(1, "a.example", "alice", "s3cret");
  Phone p;
  p.algorithm = "MD5";
  Response r = register_phone(p);
  EXPECT_EQ(r.code, 200) << r.reason;
  EXPECT_EQ(locations_->lookup(1, "alice", kT0).size(), 1u);
}

TEST_F(RegistrarTest, WrongPasswordIsForbidden) {
  add_user(1, "a.example", "alice", "s3cret");
  Phone p;
  Response r = send(p.request("", ""));
  r = send(p.request("", p.answer(r, "guess")));
  EXPECT_EQ(r.code, 403);
  EXPECT_EQ(r.reason, "Forbidden");
  EXPECT_EQ(registrar_->counters().auth_failures, 1u);
  EXPECT_TRUE(locations_->lookup(1, "alice", kT0).empty());
}

TEST_F(RegistrarTest, UnknownUserLooksLikeAKnownOne) {
  add_user(1, "a.example", "alice", "s3cret");
  Phone known, unknown;
  unknown.user = "mallory";
  Response rk = send(known.request("", ""));
  Response ru = send(unknown.request("", ""));
  ASSERT_EQ(ru.code, 401);
  ASSERT_EQ(ru.challenges.size(), rk.challenges.size());
  for (std::size_t i = 0; i < ru.challenges.size(); ++i) {
    EXPECT_EQ(ru.challenges[i].realm, rk.challenges[i].realm);
    EXPECT_EQ(ru.challenges[i].algorithm, rk.challenges[i].algorithm);
    EXPECT_EQ(ru.challenges[i].nonce.size(), rk.challenges[i].nonce.size());
  }
  Response wrong_known = send(known.request("", known.answer(rk, "guess")));
  Response any_unknown = send(unknown.request("", unknown.answer(ru, "s3cret")));
  EXPECT_EQ(any_unknown.code, 403);
  EXPECT_EQ(any_unknown.reason, wrong_known.reason);
  EXPECT_EQ(registrar_->counters().unknown_users, 1u);
  // An unknown domain is answered the same way.
  Phone other;
  other.domain = "nowhere.example";
  Response rd = send(other.request("", ""));
  EXPECT_EQ(rd.code, 401);
  ASSERT_FALSE(rd.challenges.empty());
  EXPECT_EQ(rd.challenges[0].realm, "nowhere.example");
  EXPECT_EQ(send(other.request("", other.answer(rd, "x"))).code, 403);
}

TEST_F(RegistrarTest, StaleNonceIsRechallengedWithStaleTrue) {
  add_user(1, "a.example", "alice", "s3cret");
  Phone p;
  Response r = send(p.request("", ""), kT0);
  const std::string auth = p.answer(r, "s3cret");
  // 301 s later the nonce (lifetime 300 s) is stale; the response was right.
  Response stale = send(p.request("", auth), kT0 + 301'000);
  EXPECT_EQ(stale.code, 401);
  ASSERT_EQ(stale.challenges.size(), 2u);
  EXPECT_EQ(stale.challenges[0].stale, "true");
  EXPECT_EQ(stale.challenges[1].stale, "true");
  EXPECT_NE(stale.challenges[0].nonce, r.challenges[0].nonce);
  EXPECT_EQ(registrar_->counters().stale_nonces, 1u);
  // The new nonce works at once.
  Response ok = send(p.request("", p.answer(stale, "s3cret")), kT0 + 301'000);
  EXPECT_EQ(ok.code, 200) << ok.reason;
  // A wrong response with a stale nonce gets no stale=true.
  Response r2 = send(p.request("", ""), kT0 + 400'000);
  Response wrong = send(p.request("", p.answer(r2, "guess")), kT0 + 800'000);
  EXPECT_EQ(wrong.code, 401);
  EXPECT_EQ(wrong.challenges[0].stale, "");
}

TEST_F(RegistrarTest, ForgedNonceIsRefused) {
  add_user(1, "a.example", "alice", "s3cret");
  Phone p;
  Response r = send(p.request("", ""));
  // The phone's response is right for the nonce it sends, but the nonce is
  // not one we issued (its HMAC does not match).
  for (Challenge& c : r.challenges) c.nonce[10] = c.nonce[10] == 'x' ? 'y' : 'x';
  Response forged = send(p.request("", p.answer(r, "s3cret")));
  EXPECT_EQ(forged.code, 401);
  EXPECT_EQ(forged.challenges[0].stale, "");
  EXPECT_EQ(registrar_->counters().forged_nonces, 1u);
  // A nonce of the attacker's own making.
  Response again = send(p.request("", ""));
  for (Challenge& c : again.challenges)
    c.nonce = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
  EXPECT_EQ(send(p.request("", p.answer(again, "s3cret"))).code, 401);
  EXPECT_EQ(registrar_->counters().forged_nonces, 2u);
  EXPECT_TRUE(locations_->lookup(1, "alice", kT0).empty());
}

TEST_F(RegistrarTest, NcReplayIsRefused) {
  add_user(1, "a.example", "alice", "s3cret");
  Phone p;
  Response r = send(p.request("", ""));
  const std::string auth = p.answer(r, "s3cret");  // nc=00000001
  EXPECT_EQ(send(p.request("", auth)).code, 200);
  // The captured request sent again (new branch, new CSeq, another Contact):
  // same nonce, same nc.
  Phone attacker = p;
  attacker.contact = "<sip:alice@198.51.100.66:5060>";
  Response replay = send(attacker.request("", auth), kT0, peer("198.51.100.66", 5060));
  EXPECT_EQ(replay.code, 401);
  EXPECT_EQ(replay.challenges[0].stale, "true");
  EXPECT_EQ(registrar_->counters().nc_replays, 1u);
  auto b = locations_->lookup(1, "alice", kT0);
  ASSERT_EQ(b.size(), 1u);
  EXPECT_EQ(b[0].contact, "sip:alice@192.168.1.20:5060");
  // The phone's next nc on the same nonce is accepted (a refresh).
  Response next = send(p.request("", p.authorization("s3cret")));  // nc=00000002
  EXPECT_EQ(next.code, 200) << next.reason;
  EXPECT_EQ(registrar_->counters().refreshes, 1u);
}

TEST_F(RegistrarTest, UsernameMustBeTheToUser) {
  add_user(1, "a.example", "alice", "s3cret");
  add_user(1, "a.example", "bob", "bobpass");
  Phone bob;
  bob.user = "bob";
  bob.password = "bobpass";
  Response r = send(bob.request("", ""));
  const std::string auth = bob.answer(r, "bobpass");
  // Bob's valid credentials on a REGISTER for alice.
  Phone as_alice;
  Response refused = send(as_alice.request("", auth));
  EXPECT_EQ(refused.code, 403);
  EXPECT_NE(refused.reason.find("username"), std::string::npos);
  EXPECT_EQ(registrar_->counters().username_mismatches, 1u);
  EXPECT_TRUE(locations_->lookup(1, "alice", kT0).empty());
}

TEST_F(RegistrarTest, UnusableOrMalformedCredentials) {
  add_user(1, "a.example", "alice", "s3cret");
  Phone p;
  Response r = send(p.request("", ""));
  const std::string nonce = r.challenges[0].nonce;
  // MD5-sess: challenged again (we offer only MD5 and SHA-256).
  Response sess = send(
      p.request("", "Digest username=\"alice\", realm=\"a.example\", nonce=\"" + nonce +
                        "\", uri=\"sip:a.example\", response=\"0123456789abcdef0123456789abcdef\", "
                        "algorithm=MD5-sess, qop=auth, nc=00000001, cnonce=\"c\""));
  EXPECT_EQ(sess.code, 401);
  // Without qop (RFC 2069 style): challenged again.
  Response noqop = send(p.request(
      "", "Digest username=\"alice\", realm=\"a.example\", nonce=\"" + nonce +
              "\", uri=\"sip:a.example\", response=\"0123456789abcdef0123456789abcdef\""));
  EXPECT_EQ(noqop.code, 401);
  EXPECT_EQ(registrar_->counters().unsupported_credentials, 2u);
  // Credentials for another realm are not ours: challenge.
  Response other = send(p.request(
      "", "Digest username=\"alice\", realm=\"elsewhere\", nonce=\"" + nonce +
              "\", uri=\"sip:a.example\", response=\"0123456789abcdef0123456789abcdef\""));
  EXPECT_EQ(other.code, 401);
  // Malformed: 400 naming the problem.
  Response bad = send(p.request("", "Digest username=\"alice\", nc=zz"));
  EXPECT_EQ(bad.code, 400);
  EXPECT_NE(bad.reason.find("nc"), std::string::npos) << bad.reason;
  // A digest uri that is not the Request-URI.
  p.last = r.challenges[0];
  std::string auth = p.authorization("s3cret");
  auth.replace(auth.find("uri=\"sip:a.example\""), 19, "uri=\"sip:b.example\"");
  EXPECT_EQ(send(p.request("", auth)).code, 400);
}

TEST_F(RegistrarTest, ChallengeAlgorithmsAreConfigurable) {
  RegistrarConfig md5_first;
  md5_first.challenge_algorithms = {DigestAlgorithm::kMd5, DigestAlgorithm::kSha256};
  make(md5_first);
  add_user(1, "a.example", "alice", "s3cret");
  Phone p;
  Response r = send(p.request("", ""));
  ASSERT_EQ(r.challenges.size(), 2u);
  EXPECT_EQ(r.challenges[0].algorithm, "MD5");
  EXPECT_EQ(r.challenges[1].algorithm, "SHA-256");
  EXPECT_EQ(send(p.request("", p.answer(r, "s3cret"))).code, 200);

  // SHA-256 only: an MD5 response, even a right one, is not taken.
  RegistrarConfig sha_only;
  sha_only.challenge_algorithms = {DigestAlgorithm::kSha256};
  make(sha_only);
  Phone old;
  Response only = send(old.request("", ""));
  ASSERT_EQ(only.challenges.size(), 1u);
  EXPECT_EQ(only.challenges[0].algorithm, "SHA-256");
  old.algorithm = "MD5";
  old.last = only.challenges[0];
  Response refused = send(old.request("", old.authorization("s3cret")));
  EXPECT_EQ(refused.code, 401);
  EXPECT_EQ(registrar_->counters().unsupported_credentials, 1u);
  EXPECT_TRUE(locations_->lookup(1, "alice", kT0).empty());

  // An empty list falls back to the default rather than an unanswerable 401.
  RegistrarConfig none;
  none.challenge_algorithms.clear();
  make(none);
  EXPECT_EQ(send(old.request("", "")).challenges.size(), 2u);
}

}  // namespace
}  // namespace trunkline::registrar::regtest
