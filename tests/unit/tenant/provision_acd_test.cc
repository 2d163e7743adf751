// Provisioning the ACD: [tenants.acd] in the simulator's syntax, agents'
// skills and queues, a number's queue; refusals with the place and reason;
// the directory the daemon builds its engines from.
#include <gtest/gtest.h>

#include <string>

#include "control/acd/scenario.h"
#include "control/tenant/directory.h"
#include "control/tenant/dtmf_menu.h"
#include "control/tenant/provision_apply.h"
#include "control/tenant/provision_plan.h"
#include "tests/unit/tenant/tenant_test_util.h"

namespace trunkline::tenant {
namespace {

// `agent_extra` / `did_extra` are spliced into alice and the number.
std::string file(const std::string& agent_extra = "skills = { sales = 4 }\nqueues = [\"sales\"]",
                 const std::string& did_extra = "queue = \"sales\"\nline_skill = \"sales\"",
                 const std::string& acd = "") {
  return R"([[tenants]]
name = "acme"
sip_domain = "acme.example"
  [tenants.acd.engine]
  busy_delay_s = 5
  [[tenants.acd.skill]]
  name = "sales"
  [[tenants.acd.queue]]
  name = "sales"
  strategy = "longest_idle"
  music = 2
)" + acd +
         R"(
  [[tenants.agents]]
  name = "alice"
  password = "s3cret-pass"
)" + agent_extra +
         R"(
  [[tenants.dids]]
  number = "+81312345678"
)" + did_extra +
         "\n";
}

class ProvisionAcdTest : public testing::StoreFixture {
 protected:
  Status apply(const std::string& text) {
    auto plan = read_plan(text, "p.toml");
    if (!plan) return plan.error();
    auto r = apply_plan(*store_, *plan);
    if (!r) return r.error();
    return Status::Ok();
  }
  std::string refusal(const std::string& text) {
    auto plan = read_plan(text, "p.toml");
    return plan ? std::string("accepted") : plan.error().message;
  }
};

TEST_F(ProvisionAcdTest, QueuedNumberAgentSkillsAndAcdConfigReachTheDirectory) {
  ASSERT_TRUE(apply(file()).ok());
  auto dir = Directory::load(*store_);
  ASSERT_TRUE(dir.ok()) << dir.error().message;
  const DirTenant& t = (*dir)->tenants().at(0);
  auto acd = acd::parse_acd_config(t.acd_config, "stored");
  ASSERT_TRUE(acd.ok()) << acd.error().message << "\n" << t.acd_config;
  ASSERT_EQ(acd->queues.size(), 1u);
  EXPECT_EQ(acd->queues[0].config.name, "sales");
  EXPECT_EQ(acd->queues[0].config.music, 2u);
  EXPECT_EQ(acd->engine.busy_delay_us, 5'000'000);
  const DirAgent* alice = (*dir)->agent(t.id, "alice");
  ASSERT_NE(alice, nullptr);
  ASSERT_EQ(alice->skills.size(), 1u);
  EXPECT_EQ(alice->skills[0], (std::pair<std::string, int>{"sales", 4}));
  EXPECT_EQ(alice->queues, std::vector<std::string>{"sales"});
  const DirDid* did = (*dir)->find_did("+81312345678");
  ASSERT_NE(did, nullptr);
  EXPECT_EQ(did->queue, "sales");
  EXPECT_TRUE(did->agents.empty());
  // Applying the same file again changes nothing; dropping the ACD removes it.
  ASSERT_TRUE(apply(file()).ok());
  ASSERT_TRUE(apply(R"([[tenants]]
name = "acme"
sip_domain = "acme.example"
)")
                  .ok());
  auto after = Directory::load(*store_);
  ASSERT_TRUE(after.ok());
  EXPECT_EQ((*after)->tenants().at(0).acd_config, "");
}

TEST_F(ProvisionAcdTest, BadAcdEntriesAreRefusedWithTheirPlace) {
  EXPECT_NE(refusal(file("skills = { support = 3 }")).find("unknown skill 'support'"),
            std::string::npos);
  EXPECT_NE(refusal(file("skills = { sales = 6 }")).find("proficiency from 1 to 5"),
            std::string::npos);
  EXPECT_NE(refusal(file("queues = [\"night\"]")).find("tenants[0].agents[0].queues[0]"),
            std::string::npos);
  EXPECT_NE(refusal(file("", "queue = \"night\"")).find("unknown queue 'night'"),
            std::string::npos);
  EXPECT_NE(refusal(file("", "queue = \"sales\"\nagents = [\"alice\"]")).find("not both"),
            std::string::npos);
  EXPECT_NE(refusal(file("", "queue = \"sales\"\nline_skill = \"support\"")).find("unknown skill"),
            std::string::npos);
  const std::string bad_strategy =
      refusal(file("", "", "  [[tenants.acd.queue]]\n  name = \"x\"\n  strategy = \"fastest\"\n"));
  EXPECT_NE(bad_strategy.find("p.toml:"), std::string::npos) << bad_strategy;
  EXPECT_NE(bad_strategy.find("unknown strategy 'fastest'"), std::string::npos) << bad_strategy;
  const std::string no_acd = refusal(R"([[tenants]]
name = "acme"
sip_domain = "acme.example"
  [[tenants.agents]]
  name = "alice"
  password = "s3cret-pass"
  skills = { sales = 3 }
)");
  EXPECT_NE(no_acd.find("no [tenants.acd]"), std::string::npos) << no_acd;
}

TEST_F(ProvisionAcdTest, DtmfMenuIsStoredAndRefusedWhenItNamesWhatDoesNotExist) {
  const std::string menu =
      "queue = \"sales\"\nmenu = { prompt = 3, timeout_s = 6, options = { \"2\" = \"sales\", "
      "\"#\" = \"sales\" } }";
  ASSERT_TRUE(apply(file("skills = { sales = 4 }\nqueues = [\"sales\"]", menu)).ok());
  auto dir = Directory::load(*store_);
  ASSERT_TRUE(dir.ok()) << dir.error().message;
  const DirDid* did = (*dir)->find_did("+81312345678");
  ASSERT_NE(did, nullptr);
  EXPECT_EQ(did->menu.prompt, 3);
  EXPECT_EQ(did->menu.timeout_s, 6u);
  EXPECT_EQ(did->menu.skill_for[2], "sales");
  EXPECT_EQ(did->menu.skill_for[11], "sales");  // '#'
  EXPECT_EQ(did->menu.skill_for[1], "");
  auto refused = [&](const std::string& m) { return refusal(file("", "queue = \"sales\"\n" + m)); };
  EXPECT_NE(refused("menu = { prompt = 3, options = { \"x\" = \"sales\" } }").find("0-9, * or #"),
            std::string::npos);
  EXPECT_NE(refused("menu = { prompt = 3, options = { \"1\" = \"nope\" } }").find("skill"),
            std::string::npos);
  EXPECT_NE(refused("menu = { options = { \"1\" = \"sales\" } }").find("prompt"),
            std::string::npos);
  EXPECT_NE(refusal(file("", "menu = { prompt = 3, options = { \"1\" = \"sales\" } }"))
                .find("needs the number's queue"),
            std::string::npos);
}

TEST(DtmfMenu, EncodeDecodeRoundTripAndRefusals) {
  DtmfMenu m;
  m.prompt = 12;
  m.timeout_s = 7;
  m.skill_for[0] = "a";
  m.skill_for[10] = "star";
  const std::string text = encode_menu(m);
  EXPECT_EQ(text, "prompt=12;timeout_s=7;0=a;*=star");
  auto back = decode_menu(text);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->prompt, 12);
  EXPECT_EQ(back->skill_for[10], "star");
  EXPECT_TRUE(decode_menu("").ok() && decode_menu("")->empty());
  EXPECT_FALSE(decode_menu("timeout_s=3").ok());
  EXPECT_FALSE(decode_menu("prompt=0").ok());
  EXPECT_FALSE(decode_menu("prompt=3;q=x").ok());
}

TEST_F(ProvisionAcdTest, RefusedFileChangesNothing) {
  ASSERT_TRUE(apply(file()).ok());
  auto before = Directory::load(*store_);
  ASSERT_TRUE(before.ok());
  EXPECT_FALSE(apply(file("skills = { sales = 9 }")).ok());
  auto after = Directory::load(*store_);
  ASSERT_TRUE(after.ok());
  EXPECT_EQ((*after)->tenants().at(0).acd_config, (*before)->tenants().at(0).acd_config);
  EXPECT_EQ((*after)->agents().at(0).skills, (*before)->agents().at(0).skills);
}

}  // namespace
}  // namespace trunkline::tenant
