// Tenant A's scope never sees or changes tenant B's numbers, agents, trunks
// or CDRs, whatever name or number it asks for.
#include <gtest/gtest.h>

#include "tests/unit/tenant/tenant_test_util.h"

namespace trunkline::tenant {
namespace {

class IsolationTest : public testing::StoreFixture {
 protected:
  void SetUp() override {
    StoreFixture::SetUp();
    auto a = store_->create_tenant("a", "a.example");
    auto b = store_->create_tenant("b", "b.example");
    ASSERT_TRUE(a.ok() && b.ok());
    a_ = store_->tenant(*a).value();
    b_ = store_->tenant(*b).value();
    const std::string md5(32, 'b'), sha(64, 'b');
    ASSERT_TRUE(b_->put_agent({"bob", "Bob", "bob", md5, sha, "", ""}).ok());
    ASSERT_TRUE(b_->put_trunk({"tb", {"192.0.2.0/24"}, "udp", ""}).ok());
    ASSERT_TRUE(b_->put_did({"+81399999999", "support", {"bob"}, true}).ok());
    store::Cdr c;
    c.call_id = "b-call";
    c.started_at_ms = 1000;
    c.ended_at_ms = 2000;
    ASSERT_TRUE(b_->add_cdr(c).ok());
  }
  std::unique_ptr<store::TenantStore> a_, b_;
};

TEST_F(IsolationTest, ListsAndLookupsSeeOnlyTheirTenant) {
  EXPECT_TRUE(a_->agents()->empty());
  EXPECT_TRUE(a_->trunks()->empty());
  EXPECT_TRUE(a_->dids()->empty());
  EXPECT_TRUE(a_->cdrs(100)->empty());
  EXPECT_FALSE(a_->agent("bob")->has_value());
  EXPECT_FALSE(a_->did("+81399999999")->has_value());
  EXPECT_EQ(b_->agents()->size(), 1u);
  EXPECT_EQ(b_->cdrs(100)->size(), 1u);
}

TEST_F(IsolationTest, DeletesThroughAnotherScopeTouchNothing) {
  ASSERT_TRUE(a_->delete_agent("bob").ok());
  ASSERT_TRUE(a_->delete_trunk("tb").ok());
  ASSERT_TRUE(a_->delete_did("+81399999999").ok());
  EXPECT_TRUE(b_->agent("bob")->has_value());
  EXPECT_EQ(b_->trunks()->size(), 1u);
  EXPECT_EQ(b_->did("+81399999999").value()->agents, std::vector<std::string>{"bob"});
}

TEST_F(IsolationTest, AnotherTenantsAgentCannotBeListedOnANumber) {
  auto r = a_->put_did({"+81311111111", "", {"bob"}, false});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, "put number '+81311111111': 'bob' is not an agent of this tenant");
  EXPECT_TRUE(a_->dids()->empty()) << "the failed put left nothing behind";
}

TEST_F(IsolationTest, AnotherTenantsNumberCannotBeTaken) {
  auto r = a_->put_did({"81399999999", "", {}, false});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, "put number '81399999999': the number is already provisioned");
  EXPECT_TRUE(a_->dids()->empty());
  EXPECT_EQ(*store_->did_owner("81399999999").value(), b_->tenant_id());
}

TEST_F(IsolationTest, SameNamesInTwoTenantsAreDistinct) {
  const std::string md5(32, 'a'), sha(64, 'a');
  ASSERT_TRUE(a_->put_agent({"bob", "Other Bob", "bob", md5, sha, "", ""}).ok());
  EXPECT_EQ(a_->agent("bob").value()->display, "Other Bob");
  EXPECT_EQ(b_->agent("bob").value()->display, "Bob");
  store::Cdr c;
  c.call_id = "a-call";
  auto id = a_->add_cdr(c);
  ASSERT_TRUE(id.ok());
  EXPECT_EQ(*id, 1) << "CDR IDs count per tenant";
  EXPECT_EQ(a_->cdrs(10)->front().call_id, "a-call");
  EXPECT_EQ(b_->cdrs(10)->front().call_id, "b-call");
}

}  // namespace
}  // namespace trunkline::tenant
