// Registrar::handle, bindings (RFC 3261 section 10.3 steps 5-8): several
// contacts, refresh, queries, expiry, unregistering one and all, 423, bad
// Contacts, tenants, CSeq ordering, the per-agent limit.
#include "tests/unit/registrar/register_fixture.h"

namespace trunkline::registrar::regtest {
namespace {

TEST_F(RegistrarTest, SeveralContactsRefreshAndQueries) {
  add_user(1, "a.example", "alice", "s3cret");
  Phone p;
  p.contact = "<sip:alice@192.168.1.20:5060>;q=0.5, <sip:alice@192.168.1.21:5062>;expires=120";
  Response r = register_phone(p, "Contact: <sip:alice@192.168.1.22>;q=0.1\r\nExpires: 600\r\n");
  ASSERT_EQ(r.code, 200) << r.reason;
  ASSERT_EQ(r.contacts.size(), 3u);
  EXPECT_EQ(r.contacts[0], "<sip:alice@192.168.1.21:5062>;expires=120");
  EXPECT_EQ(r.contacts[1], "<sip:alice@192.168.1.20:5060>;expires=600;q=0.5");
  EXPECT_EQ(r.contacts[2], "<sip:alice@192.168.1.22>;expires=600;q=0.1");
  EXPECT_EQ(registrar_->counters().registrations, 3u);
  // A refresh of one, 100 s later, with a higher CSeq on the same Call-ID.
  p.contact = "<sip:alice@192.168.1.21:5062>";
  Response refresh = send(p.request("Expires: 300\r\n", p.authorization("s3cret")), kT0 + 100'000);
  ASSERT_EQ(refresh.code, 200) << refresh.reason;
  ASSERT_EQ(refresh.contacts.size(), 3u);
  EXPECT_EQ(refresh.contacts[0], "<sip:alice@192.168.1.21:5062>;expires=300");
  EXPECT_EQ(refresh.contacts[1], "<sip:alice@192.168.1.20:5060>;expires=500;q=0.5");
  EXPECT_EQ(registrar_->counters().refreshes, 1u);
  // No Contact: a query, answered with the bindings, changing nothing.
  p.contact.clear();
  Response query = send(p.request("", p.authorization("s3cret")), kT0 + 100'000);
  EXPECT_EQ(query.code, 200);
  EXPECT_EQ(query.contacts.size(), 3u);
  EXPECT_EQ(registrar_->counters().queries, 1u);
}

TEST_F(RegistrarTest, ExpiryOverTime) {
  add_user(1, "a.example", "alice", "s3cret");
  Phone p;
  p.contact = "<sip:alice@192.168.1.20:5060>;expires=60, <sip:alice@192.168.1.21>;expires=120";
  ASSERT_EQ(register_phone(p).code, 200);
  EXPECT_EQ(locations_->lookup(1, "alice", kT0 + 59'000).size(), 2u);
  EXPECT_EQ(locations_->lookup(1, "alice", kT0 + 60'000).size(), 1u);
  EXPECT_EQ(locations_->expire(kT0 + 60'000), 1u);
  // A query at 90 s lists only the live one, with 30 s left.
  p.contact.clear();
  Response r = register_phone(p, {}, kT0 + 90'000);
  ASSERT_EQ(r.code, 200);
  ASSERT_EQ(r.contacts.size(), 1u);
  EXPECT_EQ(r.contacts[0], "<sip:alice@192.168.1.21>;expires=30");
  EXPECT_TRUE(locations_->lookup(1, "alice", kT0 + 120'000).empty());
}

TEST_F(RegistrarTest, UnregisterOneThenAll) {
  add_user(1, "a.example", "alice", "s3cret");
  Phone p;
  p.contact = "<sip:alice@192.168.1.20:5060>, <sip:alice@192.168.1.21>";
  ASSERT_EQ(register_phone(p).code, 200);
  p.contact = "<sip:alice@192.168.1.20:5060>;expires=0";
  Response one = send(p.request("", p.authorization("s3cret")));
  ASSERT_EQ(one.code, 200) << one.reason;
  ASSERT_EQ(one.contacts.size(), 1u);
  EXPECT_EQ(one.contacts[0], "<sip:alice@192.168.1.21>;expires=3600");
  EXPECT_EQ(registrar_->counters().unregistrations, 1u);

  p.contact = "*";
  Response star_bad = send(p.request("Expires: 60\r\n", p.authorization("s3cret")));
  EXPECT_EQ(star_bad.code, 400);
  EXPECT_NE(star_bad.reason.find("Expires: 0"), std::string::npos) << star_bad.reason;
  Response star = send(p.request("Expires: 0\r\n", p.authorization("s3cret")));
  ASSERT_EQ(star.code, 200) << star.reason;
  EXPECT_TRUE(star.contacts.empty());
  EXPECT_TRUE(locations_->lookup(1, "alice", kT0).empty());
  EXPECT_EQ(registrar_->counters().unregistrations, 2u);
}

TEST_F(RegistrarTest, StarWithOtherContactsIsBad) {
  add_user(1, "a.example", "alice", "s3cret");
  Phone p;
  p.contact = "*";
  Response r = register_phone(p, "Contact: <sip:alice@192.168.1.20>\r\nExpires: 0\r\n");
  EXPECT_EQ(r.code, 400);
  EXPECT_NE(r.reason.find("Contact *"), std::string::npos) << r.reason;
  Response no_expires = register_phone(p);
  EXPECT_EQ(no_expires.code, 400);
}

TEST_F(RegistrarTest, IntervalTooBriefGivesMinExpires) {
  add_user(1, "a.example", "alice", "s3cret");
  Phone p;
  Response r = register_phone(p, "Expires: 30\r\n");
  EXPECT_EQ(r.code, 423);
  EXPECT_EQ(r.min_expires, "60");
  EXPECT_TRUE(locations_->lookup(1, "alice", kT0).empty());
  EXPECT_EQ(registrar_->counters().interval_too_brief, 1u);
  // One brief contact among good ones refuses the whole request.
  p.contact = "<sip:alice@192.168.1.20>, <sip:alice@192.168.1.21>;expires=10";
  EXPECT_EQ(send(p.request("", p.authorization("s3cret"))).code, 423);
  EXPECT_TRUE(locations_->lookup(1, "alice", kT0).empty());
  // Longer than the maximum is shortened, not refused.
  p.contact = "<sip:alice@192.168.1.20>;expires=86400";
  Response capped = send(p.request("", p.authorization("s3cret")));
  ASSERT_EQ(capped.code, 200);
  EXPECT_EQ(capped.contacts[0], "<sip:alice@192.168.1.20>;expires=3600");
}

TEST_F(RegistrarTest, BadContactIsNamed) {
  add_user(1, "a.example", "alice", "s3cret");
  Phone p;
  p.contact = "<tel:+12125550101>";
  Response r = register_phone(p);
  EXPECT_EQ(r.code, 400);
  EXPECT_NE(r.reason.find("tel:+12125550101"), std::string::npos) << r.reason;
  p.contact = "<sip:alice@192.168.1.20>;q=2";
  Response q = send(p.request("", p.authorization("s3cret")));
  EXPECT_EQ(q.code, 400);
  EXPECT_NE(q.reason.find("Contact"), std::string::npos) << q.reason;
  EXPECT_EQ(registrar_->counters().bad_requests, 2u);
}

TEST_F(RegistrarTest, TenantsAreSeparate) {
  add_user(1, "a.example", "alice", "pass-a");
  add_user(2, "b.example", "alice", "pass-b");
  Phone a, b;
  a.password = "pass-a";
  b.domain = "b.example";
  b.password = "pass-b";
  b.call_id = "reg-b@192.168.1.30";
  b.contact = "<sip:alice@192.168.1.30>";
  ASSERT_EQ(register_phone(a).code, 200);
  ASSERT_EQ(register_phone(b).code, 200);
  ASSERT_EQ(locations_->lookup(1, "alice", kT0).size(), 1u);
  ASSERT_EQ(locations_->lookup(2, "alice", kT0).size(), 1u);
  EXPECT_EQ(locations_->lookup(1, "alice", kT0)[0].contact, "sip:alice@192.168.1.20:5060");
  EXPECT_EQ(locations_->lookup(2, "alice", kT0)[0].contact, "sip:alice@192.168.1.30");
  // Tenant A's password does not open tenant B's alice.
  Phone cross = b;
  Response r = send(cross.request("", ""));
  EXPECT_EQ(send(cross.request("", cross.answer(r, "pass-a"))).code, 403);
  // A nonce issued for realm a.example is not valid in b.example.
  Phone mixed = b;
  Response ra = send(a.request("", ""));
  mixed.last = ra.challenges[0];
  mixed.last.realm = "b.example";
  EXPECT_EQ(send(mixed.request("", mixed.authorization("pass-b"))).code, 401);
  EXPECT_EQ(registrar_->counters().forged_nonces, 1u);
}

TEST_F(RegistrarTest, OutOfOrderCSeqFails) {
  add_user(1, "a.example", "alice", "s3cret");
  Phone p;
  ASSERT_EQ(register_phone(p).code, 200);  // CSeq 2
  p.cseq = 0;                              // the next request goes out with CSeq 1
  Response r = send(p.request("", p.authorization("s3cret")));
  EXPECT_EQ(r.code, 500);
  EXPECT_EQ(registrar_->counters().out_of_order, 1u);
}

TEST_F(RegistrarTest, TooManyContactsIsRefused) {
  RegistrarConfig cfg;
  cfg.max_contacts_per_agent = 2;
  make(cfg);
  add_user(1, "a.example", "alice", "s3cret");
  Phone p;
  p.contact = "<sip:alice@10.0.0.1>, <sip:alice@10.0.0.2>, <sip:alice@10.0.0.3>";
  Response r = register_phone(p);
  EXPECT_EQ(r.code, 403);
  EXPECT_EQ(registrar_->counters().contacts_refused, 1u);
  EXPECT_TRUE(locations_->lookup(1, "alice", kT0).empty());
}

TEST_F(RegistrarTest, AddressOfRecordMustBeSipWithUser) {
  add_user(1, "a.example", "alice", "s3cret");
  std::string text =
      "REGISTER sip:a.example SIP/2.0\r\nVia: SIP/2.0/UDP 192.168.1.20;branch=z9hG4bKx\r\n"
      "From: <sip:a.example>;tag=1\r\nTo: <sip:a.example>\r\nCall-ID: c\r\nCSeq: 1 REGISTER\r\n"
      "Content-Length: 0\r\n\r\n";
  Response r = send(text);
  EXPECT_EQ(r.code, 404);
  EXPECT_EQ(registrar_->counters().not_found, 1u);
}

}  // namespace
}  // namespace trunkline::registrar::regtest
