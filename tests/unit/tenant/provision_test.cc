#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

#include "control/tenant/digest.h"
#include "control/tenant/provision_apply.h"
#include "control/tenant/provision_plan.h"
#include "tests/unit/tenant/tenant_test_util.h"

namespace trunkline::tenant {
namespace {

constexpr const char* kGood = R"(# two tenants
[[tenants]]
name = "acme"
sip_domain = "acme.example"

  [[tenants.trunks]]
  name = "carrier-a"
  allow = ["203.0.113.10", "2001:db8:200::/48"]
  transport = "udp"
  outbound = "203.0.113.10:5060"

  [[tenants.agents]]
  name = "alice"
  display = "Alice"
  sip_user = "alice"
  password = "s3cret-pass"
  static_contact = "198.51.100.20:5070"
  alternate_number = "+81900000001"
  srtp = true

  [[tenants.agents]]
  name = "bob"
  password = "an0ther-pass"

  [[tenants.dids]]
  number = "+81312345678"
  line_skill = "sales"
  agents = ["alice", "bob"]
  record = true

  [[tenants.dids]]
  number = "0312345679"

[[tenants]]
name = "beta"
sip_domain = "Beta.Example"
  [[tenants.agents]]
  name = "alice"
  password = "betapass1"
  [[tenants.dids]]
  number = "+81600000000"
  agents = ["alice"]
)";

// Everything the store holds, as text: "nothing changed" is this staying equal.
std::string snapshot(store::Store& st) {
  // Results are kept in locals: a range-for over `*st.tenants()` would
  // iterate a vector inside a destroyed temporary.
  std::string out;
  auto tenants = st.tenants();
  for (const store::Tenant& t : *tenants) {
    out += "tenant " + std::to_string(t.id) + " " + t.name + " " + t.sip_domain + "\n";
    auto scope = st.tenant(t.id);
    auto trunks = (*scope)->trunks();
    for (const auto& x : *trunks) {
      out += " trunk " + x.name + " " + x.transport + " " + x.outbound;
      for (const auto& a : x.allow) out += " " + a;
      out += "\n";
    }
    auto agents = (*scope)->agents();
    for (const auto& x : *agents) {
      out += " agent " + x.name + " " + x.display + " " + x.sip_user + " " + x.ha1_md5 + " " +
             x.ha1_sha256 + " " + x.static_contact + " " + x.alternate_number + "\n";
    }
    auto dids = (*scope)->dids();
    for (const auto& x : *dids) {
      out += " did " + x.number + " " + x.line_skill + (x.record ? " rec" : " norec");
      for (const auto& a : x.agents) out += " " + a;
      out += "\n";
    }
  }
  return out;
}

class ProvisionTest : public testing::StoreFixture {
 protected:
  Result<std::vector<TenantChanges>> provision(const std::string& text) {
    auto plan = read_plan(text, "p.toml");
    if (!plan) return plan.error();
    return apply_plan(*store_, *plan);
  }
  // Provisions kGood, then expects `bad` to be refused with `message` and
  // the store to be exactly as before.
  void expect_refused(const std::string& bad, const std::string& message) {
    auto first = provision(kGood);
    ASSERT_TRUE(first.ok()) << first.error().message;
    const std::string before = snapshot(*store_);
    auto r = provision(bad);
    ASSERT_FALSE(r.ok()) << "accepted:\n" << bad;
    EXPECT_EQ(r.error().message, message);
    EXPECT_EQ(snapshot(*store_), before) << "a refused file changed the store";
  }
};

// A valid first tenant that would change the store (a new agent, a new
// number) followed by the entry under test, so "nothing applied" is real.
std::string with_valid_change(const std::string& tail) {
  return std::string(R"([[tenants]]
name = "acme"
sip_domain = "acme.example"
[[tenants.agents]]
name = "zed"
password = "zedpass12"
[[tenants.dids]]
number = "+81311111111"
agents = ["zed"]
)") + tail;
}

TEST_F(ProvisionTest, GoodFileIsAppliedWithDigestsAndSummary) {
  auto r = provision(kGood);
  ASSERT_TRUE(r.ok()) << r.error().message;
  ASSERT_EQ(r->size(), 2u);
  EXPECT_EQ(summary_line((*r)[0]),
            "acme: created, domain acme.example; trunks 1 added, 0 changed, 0 removed, "
            "0 unchanged; agents 2 added, 0 changed, 0 removed, 0 unchanged; dids 2 added, "
            "0 changed, 0 removed, 0 unchanged");
  EXPECT_EQ((*r)[1].sip_domain, "beta.example") << "domains are stored lowercase";

  auto acme = store_->tenant_by_name("acme");
  ASSERT_TRUE(acme.ok() && acme->has_value());
  EXPECT_EQ((*acme)->sip_domain, "acme.example");
  auto scope = store_->tenant((*acme)->id);
  ASSERT_TRUE(scope.ok());
  auto trunks = (*scope)->trunks();
  ASSERT_EQ(trunks->size(), 1u);
  EXPECT_EQ((*trunks)[0].allow, (std::vector<std::string>{"203.0.113.10/32", "2001:db8:200::/48"}));
  EXPECT_EQ((*trunks)[0].outbound, "203.0.113.10:5060");
  auto alice = (*scope)->agent("alice");
  ASSERT_TRUE(alice.ok() && alice->has_value());
  EXPECT_EQ((*alice)->ha1_md5, ha1(DigestAlgorithm::kMd5, "alice", "acme.example", "s3cret-pass"));
  EXPECT_EQ((*alice)->ha1_sha256,
            ha1(DigestAlgorithm::kSha256, "alice", "acme.example", "s3cret-pass"));
  EXPECT_EQ((*alice)->static_contact, "198.51.100.20:5070");
  EXPECT_EQ((*alice)->alternate_number, "+81900000001");
  EXPECT_TRUE((*alice)->srtp);
  auto bob = (*scope)->agent("bob");
  EXPECT_EQ((*bob)->sip_user, "bob") << "sip_user defaults to the agent's name";
  EXPECT_FALSE((*bob)->srtp) << "plain RTP unless the phone needs SRTP";
  auto did = (*scope)->did("+81312345678");
  ASSERT_TRUE(did.ok() && did->has_value());
  EXPECT_EQ((*did)->agents, (std::vector<std::string>{"alice", "bob"}));
  EXPECT_TRUE((*did)->record);
  EXPECT_EQ((*did)->line_skill, "sales");
  EXPECT_EQ(snapshot(*store_).find("s3cret-pass"), std::string::npos)
      << "the password itself must never be stored";
}

TEST_F(ProvisionTest, SecondRunOfTheSameFileChangesNothing) {
  ASSERT_TRUE(provision(kGood).ok());
  const std::string before = snapshot(*store_);
  auto r = provision(kGood);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(summary_line((*r)[0]),
            "acme: existed, domain acme.example; trunks 0 added, 0 changed, 0 removed, "
            "1 unchanged; agents 0 added, 0 changed, 0 removed, 2 unchanged; dids 0 added, "
            "0 changed, 0 removed, 2 unchanged");
  EXPECT_EQ(snapshot(*store_), before);
}

TEST_F(ProvisionTest, FileIsTheFullTruthForTheTenantsItNames) {
  ASSERT_TRUE(provision(kGood).ok());
  auto r = provision(R"([[tenants]]
name = "acme"
sip_domain = "acme.example"
[[tenants.agents]]
name = "bob"
password = "changed-pw1"
[[tenants.dids]]
number = "+81312345678"
agents = ["bob"]
)");
  ASSERT_TRUE(r.ok()) << r.error().message;
  ASSERT_EQ(r->size(), 1u);
  EXPECT_EQ(summary_line((*r)[0]),
            "acme: existed, domain acme.example; trunks 0 added, 0 changed, 1 removed, "
            "0 unchanged; agents 0 added, 1 changed, 1 removed, 0 unchanged; dids 0 added, "
            "1 changed, 1 removed, 0 unchanged");
  auto acme = store_->tenant((*store_->tenant_by_name("acme"))->id);
  EXPECT_TRUE((*acme)->trunks()->empty());
  ASSERT_EQ((*acme)->agents()->size(), 1u);
  EXPECT_EQ((*acme)->agents()->front().ha1_md5,
            ha1(DigestAlgorithm::kMd5, "bob", "acme.example", "changed-pw1"));
  ASSERT_EQ((*acme)->dids()->size(), 1u);
  EXPECT_EQ((*acme)->dids()->front().agents, std::vector<std::string>{"bob"});
  // beta is not named: untouched.
  auto beta = store_->tenant((*store_->tenant_by_name("beta"))->id);
  EXPECT_EQ((*beta)->dids()->size(), 1u);
  EXPECT_EQ((*beta)->agents()->size(), 1u);
}

TEST_F(ProvisionTest, NumbersDomainsAndSipUsersMayChangeHandsWithinOneFile) {
  ASSERT_TRUE(provision(kGood).ok());
  // acme's number moves to beta, the two domains swap, alice and bob swap
  // sip users: every unique key is taken over in the same transaction.
  auto r = provision(R"([[tenants]]
name = "acme"
sip_domain = "beta.example"
[[tenants.agents]]
name = "alice"
sip_user = "bob"
password = "s3cret-pass"
[[tenants.agents]]
name = "bob"
sip_user = "alice"
password = "an0ther-pass"
[[tenants]]
name = "beta"
sip_domain = "acme.example"
[[tenants.dids]]
number = "81312345678"
)");
  ASSERT_TRUE(r.ok()) << r.error().message;
  auto owner = store_->did_owner("+81312345678");
  ASSERT_TRUE(owner.ok() && owner->has_value());
  EXPECT_EQ(**owner, (*store_->tenant_by_name("beta"))->id);
  EXPECT_EQ((*store_->tenant_by_name("acme"))->sip_domain, "beta.example");
  auto acme = store_->tenant((*store_->tenant_by_name("acme"))->id);
  EXPECT_EQ((*(*acme)->agent("alice"))->sip_user, "bob");
  EXPECT_EQ((*(*acme)->agent("alice"))->ha1_md5,
            ha1(DigestAlgorithm::kMd5, "bob", "beta.example", "s3cret-pass"));
}

TEST_F(ProvisionTest, UnknownKeyIsRefused) {
  expect_refused(with_valid_change("[[tenants.trunks]]\nname = \"c\"\nallow = [\"192.0.2.1\"]\n"
                                   "colour = \"red\"\n"),
                 "p.toml:13:1: key 'tenants[0].trunks[0].colour': unknown key (known here: "
                 "name, allow, transport, outbound)");
  expect_refused("[[tenants]]\nname = \"x\"\nsip_domain = \"x.example\"\n[owner]\n",
                 "p.toml:4:2: key 'owner': unknown key (known here: tenants)");
}

TEST_F(ProvisionTest, WrongTypeIsRefused) {
  expect_refused(with_valid_change("record = \"yes\"\n"),
                 "p.toml:10:10: key 'tenants[0].dids[0].record': expected true or false");
  expect_refused("[[tenants]]\nname = 7\nsip_domain = \"x.example\"\n",
                 "p.toml:2:8: key 'tenants[0].name': expected a string");
  expect_refused("tenants = 1\n", "p.toml:1:11: key 'tenants': expected [[tenants]] tables");
}

TEST_F(ProvisionTest, BadAddressesAreRefused) {
  expect_refused(
      with_valid_change(
          "[[tenants.trunks]]\nname = \"c\"\nallow = [\"192.0.2.1\", \"192.0.2.300\"]\n"),
      "p.toml:12:23: key 'tenants[0].trunks[0].allow[1]': '192.0.2.300' is not an IPv4 "
      "address or prefix");
  expect_refused(with_valid_change("[[tenants.trunks]]\nname = \"c\"\nallow = [\"10.1.2.3/8\"]\n"),
                 "p.toml:12:10: key 'tenants[0].trunks[0].allow[0]': '10.1.2.3/8' has host bits "
                 "set (did you mean 10.0.0.0/8?)");
  expect_refused(
      with_valid_change("[[tenants.trunks]]\nname = \"c\"\nallow = [\"2001:db8::1/32\"]\n"),
      "p.toml:12:10: key 'tenants[0].trunks[0].allow[0]': '2001:db8::1/32' has host bits set "
      "(did you mean 2001:db8::/32?)");
  expect_refused(with_valid_change("[[tenants.trunks]]\nname = \"c\"\nallow = [\"192.0.2.1\"]\n"
                                   "outbound = \"carrier.example:5060\"\n"),
                 "p.toml:13:12: key 'tenants[0].trunks[0].outbound': 'carrier.example:5060' is "
                 "not host:port (the host must be an IPv4 address or [IPv6]; the appliance does "
                 "no DNS)");
  expect_refused(with_valid_change("[[tenants.agents]]\nname = \"y\"\npassword = \"ypass1234\"\n"
                                   "static_contact = \"[2001:db8::5]:70000\"\n"),
                 "p.toml:13:18: key 'tenants[0].agents[1].static_contact': port 70000 out of "
                 "range 1..65535");
}

TEST_F(ProvisionTest, UnknownAgentInANumberIsRefused) {
  expect_refused(with_valid_change("[[tenants.dids]]\nnumber = \"+81322222222\"\n"
                                   "agents = [\"zed\", \"dave\"]\n"),
                 "p.toml:12:18: key 'tenants[0].dids[1].agents[1]': unknown agent 'dave' (not "
                 "in tenants[0].agents)");
}

TEST_F(ProvisionTest, DuplicateNumbersAreRefusedInTheFileAndAgainstOtherTenants) {
  // The same number twice in the file, '+' ignored, across tenants.
  expect_refused(with_valid_change("[[tenants]]\nname = \"gamma\"\nsip_domain = \"g.example\"\n"
                                   "[[tenants.dids]]\nnumber = \"81311111111\"\n"),
                 "p.toml:14:10: key 'tenants[1].dids[0].number': number '81311111111' is "
                 "already provisioned at tenants[0].dids[0].number");
  // A number beta holds, and beta is not in this file.
  expect_refused(with_valid_change("[[tenants.dids]]\nnumber = \"+81600000000\"\n"),
                 "p.toml:11:10: key 'tenants[0].dids[1].number': number '+81600000000' belongs "
                 "to tenant 'beta', which this file does not name");
}

TEST_F(ProvisionTest, DomainOfAnotherTenantIsRefused) {
  expect_refused("[[tenants]]\nname = \"gamma\"\nsip_domain = \"BETA.example\"\n",
                 "p.toml:3:14: key 'tenants[0].sip_domain': domain 'beta.example' belongs to "
                 "tenant 'beta', which this file does not name");
  expect_refused(
      with_valid_change("[[tenants]]\nname = \"gamma\"\nsip_domain = \"acme.example\"\n"),
      "p.toml:12:14: key 'tenants[1].sip_domain': domain 'acme.example' is already "
      "used by tenants[0]");
  expect_refused("[[tenants]]\nname = \"gamma\"\nsip_domain = \"bad_domain.example\"\n",
                 "p.toml:3:14: key 'tenants[0].sip_domain': 'bad_domain.example' is not a "
                 "domain (only letters, digits, '-')");
}

TEST_F(ProvisionTest, PasswordsBreakingTheRuleAreRefused) {
  expect_refused(with_valid_change("[[tenants.agents]]\nname = \"y\"\npassword = \"short\"\n"),
                 "p.toml:12:12: key 'tenants[0].agents[1].password': a password is 8..20 "
                 "characters");
  expect_refused(
      with_valid_change("[[tenants.agents]]\nname = \"y\"\npassword = \"0123456789abcdefghijk\"\n"),
      "p.toml:12:12: key 'tenants[0].agents[1].password': a password is 8..20 characters");
  for (const char* bad : {"pass'word1", "pass\\\"word1", "pass,word1", "pass;word1", "pass:word1",
                          "pass<word1", "pass>word1", "pass*word1", "pass(word1", "pass)word1"}) {
    SCOPED_TRACE(bad);
    expect_refused(with_valid_change("[[tenants.agents]]\nname = \"y\"\npassword = \"" +
                                     std::string(bad) + "\"\n"),
                   "p.toml:12:12: key 'tenants[0].agents[1].password': a password must not "
                   "contain any of ' \" , ; : < > * ( )");
    TearDown();
    SetUp();
  }
}

TEST_F(ProvisionTest, MissingKeysBadNumbersAndDuplicatesAreRefused) {
  expect_refused(with_valid_change("[[tenants.agents]]\nname = \"y\"\n"),
                 "p.toml:10:1: key 'tenants[0].agents[1].password': missing (required)");
  expect_refused(with_valid_change("[[tenants.dids]]\nnumber = \"+0312\"\n"),
                 "p.toml:11:10: key 'tenants[0].dids[1].number': '+0312' is not an E.164 number "
                 "('+' then 2..15 digits, the first not 0)");
  expect_refused(
      with_valid_change("[[tenants.agents]]\nname = \"zed\"\npassword = \"zedpass12\"\n"),
      "p.toml:11:8: key 'tenants[0].agents[1].name': agent 'zed' is used twice in "
      "this tenant");
  expect_refused(with_valid_change("[[tenants.dids]]\nnumber = \"+81322222222\"\n"
                                   "agents = [\"zed\", \"zed\"]\n"),
                 "p.toml:12:18: key 'tenants[0].dids[1].agents[1]': agent 'zed' is listed twice");
  expect_refused(with_valid_change("[[tenants.agents]]\nname = \"y\"\npassword = \"ypass1234\"\n"
                                   "alternate_number = \"+81900000009\"\n"),
                 "p.toml:13:20: key 'tenants[0].agents[1].alternate_number': needs a trunk with "
                 "'outbound' in this tenant to reach it");
  expect_refused("", "p.toml: no [[tenants]]: nothing to provision");
  expect_refused(
      "[[tenants]]\nname = \"x\"\nsip_domain = \"x.example\"\n[[tenants]]\nname = "
      "\"x\"\nsip_domain = \"y.example\"\n",
      "p.toml:5:8: key 'tenants[1].name': tenant 'x' is already provisioned at "
      "tenants[0]");
}

TEST_F(ProvisionTest, ExampleFileProvisionsCleanly) {
  const char* root = std::getenv("TL_SOURCE_ROOT");
  auto plan = read_plan_file(std::string(root ? root : TL_SOURCE_ROOT_DEFAULT) +
                             "/etc/provision.example.toml");
  ASSERT_TRUE(plan.ok()) << plan.error().message;
  auto r = apply_plan(*store_, *plan);
  ASSERT_TRUE(r.ok()) << r.error().message;
  ASSERT_EQ(r->size(), 2u);
  EXPECT_EQ((*r)[0].dids.added, 2u);
  EXPECT_EQ((*r)[1].agents.added, 1u);
}

TEST_F(ProvisionTest, TomlSyntaxErrorIsRefusedWithItsPosition) {
  auto r = read_plan("[[tenants]]\nname = \"x\nsip_domain = 1\n", "p.toml");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message.rfind("p.toml:2:", 0), 0u) << r.error().message;
  EXPECT_NE(r.error().message.find("TOML syntax"), std::string::npos);
}

TEST_F(ProvisionTest, RefusedPasswordIsNotEchoed) {
  auto r = read_plan(
      with_valid_change("[[tenants.agents]]\nname = \"y\"\npassword = \"ab:cdefgh\"\n"), "p.toml");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message.find("ab:cdefgh"), std::string::npos);
}

}  // namespace
}  // namespace trunkline::tenant
