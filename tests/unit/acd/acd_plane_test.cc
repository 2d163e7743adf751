// The daemon's live ACD (control/app/acd_plane.h) on its own thread: engines
// built from a provisioned directory, a shard's reports in and orders out
// through the rings, and the agents' desk, tenant by tenant.
#include "control/app/acd_plane.h"

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "control/tenant/provision_apply.h"
#include "control/tenant/provision_plan.h"
#include "tests/unit/tenant/tenant_test_util.h"

namespace trunkline::app {
namespace {

using acd::DeskError;
using b2bua::QueueOrder;
using b2bua::QueueOrderKind;
using b2bua::QueueReport;
using b2bua::QueueReportKind;

constexpr const char* kFile = R"([[tenants]]
name = "acme"
sip_domain = "acme.example"
  [[tenants.acd.skill]]
  name = "sales"
  [[tenants.acd.queue]]
  name = "sales"
  strategy = "longest_idle"
  greeting = 1
  music = 2
  ring_timeout_s = 15
  [[tenants.agents]]
  name = "alice"
  password = "s3cret-pass"
  skills = { sales = 5 }
  queues = ["sales"]
  [[tenants.agents]]
  name = "bob"
  password = "s3cret-pass"
  skills = { sales = 2 }
  queues = ["sales"]
[[tenants]]
name = "globex"
sip_domain = "globex.example"
  [[tenants.acd.queue]]
  name = "sales"
  [[tenants.agents]]
  name = "carol"
  password = "s3cret-pass"
  queues = ["sales"]
)";

class AcdPlaneTest : public tenant::testing::StoreFixture {
 protected:
  void SetUp() override {
    StoreFixture::SetUp();
    auto plan = tenant::read_plan(kFile, "p.toml");
    ASSERT_TRUE(plan.ok()) << plan.error().message;
    ASSERT_TRUE(tenant::apply_plan(*store_, *plan).ok());
    auto dir = tenant::Directory::load(*store_);
    ASSERT_TRUE(dir.ok());
    dir_ = *dir;
    for (const auto& t : dir_->tenants()) (t.name == "acme" ? acme_ : globex_) = t.id;
    auto plane = AcdPlane::start(*dir_, prompts_, AcdSettings{});
    ASSERT_TRUE(plane.ok()) << plane.error().message;
    plane_ = std::move(*plane);
  }
  void TearDown() override {
    plane_.reset();
    StoreFixture::TearDown();
  }
  void report(QueueReportKind kind, media::SessionId call, const char* agent = "",
              const char* queue = "sales") {
    QueueReport r;
    r.kind = kind;
    r.call = call;
    r.tenant = acme_;
    b2bua::copy_name(r.queue, queue);
    b2bua::copy_name(r.agent, agent);
    plane_->queue(0)->report(r);
  }
  // Orders for the shard until one of `kind` arrives (at most 2 s).
  std::vector<QueueOrder> until(QueueOrderKind kind) {
    std::vector<QueueOrder> got;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(2);
    while (std::chrono::steady_clock::now() < deadline) {
      bool found = false;
      plane_->queue(0)->poll([&](const QueueOrder& o) {
        got.push_back(o);
        found = found || o.kind == kind;
      });
      if (found) return got;
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    return got;
  }

  std::shared_ptr<const tenant::Directory> dir_;
  media::PromptStore prompts_;
  std::unique_ptr<AcdPlane> plane_;
  std::int64_t acme_ = 0, globex_ = 0;
};

TEST_F(AcdPlaneTest, DeskChangesStatesAndKeepsTenantsApart) {
  auto a = plane_->log_in(acme_, "alice", true);
  ASSERT_TRUE(a.ok()) << a.message;
  EXPECT_NE(a.json.find("\"state\":\"ready\""), std::string::npos) << a.json;
  // carol is globex's: to acme she does not exist, and alice not to globex.
  EXPECT_EQ(plane_->log_in(acme_, "carol", true).error, DeskError::kNotFound);
  EXPECT_EQ(plane_->log_in(globex_, "alice", true).error, DeskError::kNotFound);
  EXPECT_EQ(plane_->board(999).error, DeskError::kNotFound);
  const auto board = plane_->board(acme_);
  ASSERT_TRUE(board.ok());
  EXPECT_NE(board.json.find("\"alice\""), std::string::npos);
  EXPECT_EQ(board.json.find("carol"), std::string::npos) << board.json;
  // Invalid or out-of-state requests change nothing.
  EXPECT_EQ(plane_->set_not_ready(acme_, "alice", 0).error, DeskError::kInvalid);
  EXPECT_EQ(plane_->end_wrap_up(acme_, "alice").error, DeskError::kConflict);
  EXPECT_EQ(plane_->set_ready(acme_, "bob").error, DeskError::kConflict);  // logged out
  auto n = plane_->set_not_ready(acme_, "alice", 12);
  ASSERT_TRUE(n.ok());
  EXPECT_NE(n.json.find("\"reason\":12"), std::string::npos) << n.json;
}

TEST_F(AcdPlaneTest, DeskEventsAreTheTenantsOwnAfterASequenceNumber) {
  ASSERT_TRUE(plane_->log_in(acme_, "alice", true).ok());
  ASSERT_TRUE(plane_->set_not_ready(acme_, "alice", 7).ok());
  ASSERT_TRUE(plane_->log_in(globex_, "carol", true).ok());
  const auto all = plane_->events(acme_, 0);
  ASSERT_TRUE(all.ok()) << all.message;
  EXPECT_NE(all.json.find("\"agent\":\"alice\",\"from\":\"logged_out\",\"to\":\"ready\""),
            std::string::npos)
      << all.json;
  EXPECT_NE(all.json.find("\"to\":\"not_ready\",\"reason\":7"), std::string::npos) << all.json;
  EXPECT_EQ(all.json.find("carol"), std::string::npos) << "globex's events stay globex's";
  EXPECT_EQ(plane_->events(acme_, 2).json, "[]");
  EXPECT_NE(plane_->events(globex_, 0).json.find("carol"), std::string::npos);
  EXPECT_EQ(plane_->events(999, 0).error, DeskError::kNotFound);
}

TEST_F(AcdPlaneTest, WaitingCallerHearsPromptsThenIsOfferedToTheAgentWhoLogsIn) {
  report(QueueReportKind::kArrived, 17);
  auto orders = until(QueueOrderKind::kPlay);
  ASSERT_FALSE(orders.empty());
  EXPECT_EQ(orders.back().kind, QueueOrderKind::kPlay);
  EXPECT_EQ(orders.back().call, 17u);
  EXPECT_EQ(orders.back().announcement, 1);
  EXPECT_EQ(orders.back().music, 2);
  ASSERT_TRUE(plane_->log_in(acme_, "bob", true).ok());
  orders = until(QueueOrderKind::kOffer);
  ASSERT_FALSE(orders.empty());
  EXPECT_EQ(orders.back().kind, QueueOrderKind::kOffer);
  EXPECT_STREQ(orders.back().agent, "bob");
  EXPECT_EQ(orders.back().ring_timeout_ms, 15000u);  // the queue's, timed by the B2BUA

  report(QueueReportKind::kRinging, 17, "bob");
  report(QueueReportKind::kAnswered, 17, "bob");
  auto view = plane_->agent(acme_, "bob");
  for (int i = 0; i < 200 && view.json.find("talking") == std::string::npos; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    view = plane_->agent(acme_, "bob");
  }
  EXPECT_NE(view.json.find("\"state\":\"talking\""), std::string::npos) << view.json;
  EXPECT_NE(view.json.find("\"session\":17"), std::string::npos) << view.json;
  report(QueueReportKind::kEnded, 17, "bob");
  for (int i = 0; i < 200 && view.json.find("talking") != std::string::npos; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    view = plane_->agent(acme_, "bob");
  }
  EXPECT_NE(view.json.find("\"state\":\"ready\""), std::string::npos) << view.json;
  EXPECT_NE(view.json.find("\"calls\":1"), std::string::npos) << view.json;
}

TEST_F(AcdPlaneTest, FailedOfferGoesToTheNextAgentAndUnknownQueueIsRefused) {
  ASSERT_TRUE(plane_->log_in(acme_, "alice", true).ok());
  ASSERT_TRUE(plane_->log_in(acme_, "bob", true).ok());
  report(QueueReportKind::kArrived, 33);
  auto orders = until(QueueOrderKind::kOffer);
  ASSERT_FALSE(orders.empty());
  const std::string first = orders.back().agent;
  report(QueueReportKind::kOfferFailed, 33, first.c_str());
  orders = until(QueueOrderKind::kOffer);
  ASSERT_FALSE(orders.empty());
  EXPECT_EQ(orders.back().kind, QueueOrderKind::kOffer);
  EXPECT_NE(std::string(orders.back().agent), first);

  report(QueueReportKind::kArrived, 49, "", "nope");
  orders = until(QueueOrderKind::kRefuse);
  ASSERT_FALSE(orders.empty());
  EXPECT_EQ(orders.back().kind, QueueOrderKind::kRefuse);
  EXPECT_EQ(orders.back().sip_status, 480);
  EXPECT_EQ(orders.back().call, 49u);
}

TEST_F(AcdPlaneTest, RingAllOffersTheCallerToEveryReadyAgentAndCancelsTheLosers) {
  auto plan = tenant::read_plan(R"([[tenants]]
name = "acme"
sip_domain = "acme.example"
  [[tenants.acd.queue]]
  name = "sales"
  strategy = "ring_all"
  [[tenants.agents]]
  name = "alice"
  password = "s3cret-pass"
  queues = ["sales"]
  [[tenants.agents]]
  name = "bob"
  password = "s3cret-pass"
  queues = ["sales"]
)",
                                "p.toml");
  ASSERT_TRUE(plan.ok()) << plan.error().message;
  ASSERT_TRUE(tenant::apply_plan(*store_, *plan).ok());
  auto dir = tenant::Directory::load(*store_);
  ASSERT_TRUE(dir.ok());
  plane_.reset();
  auto plane = AcdPlane::start(**dir, prompts_, AcdSettings{});
  ASSERT_TRUE(plane.ok()) << plane.error().message;
  plane_ = std::move(*plane);
  ASSERT_TRUE(plane_->log_in(acme_, "alice", true).ok());
  ASSERT_TRUE(plane_->log_in(acme_, "bob", true).ok());
  report(QueueReportKind::kArrived, 65);
  std::vector<QueueOrder> offers;
  for (int i = 0; i < 3 && offers.size() < 2; ++i)
    for (const QueueOrder& o : until(QueueOrderKind::kOffer))
      if (o.kind == QueueOrderKind::kOffer) offers.push_back(o);
  ASSERT_EQ(offers.size(), 2u);
  EXPECT_NE(std::string(offers[0].agent), std::string(offers[1].agent));
  report(QueueReportKind::kAnswered, 65, "bob");
  auto orders = until(QueueOrderKind::kCancelOffer);
  ASSERT_FALSE(orders.empty());
  EXPECT_EQ(orders.back().kind, QueueOrderKind::kCancelOffer);
  EXPECT_STREQ(orders.back().agent, "alice");
}

// acme with a new agent (dave) and bob's skill changed; globex as before.
std::string changed_acme() {
  std::string acme(kFile, std::string_view(kFile).find("[[tenants]]\nname = \"globex\""));
  acme.replace(acme.find("skills = { sales = 2 }"), 22, "skills = { sales = 4 }");
  return acme + R"(  [[tenants.agents]]
  name = "dave"
  password = "s3cret-pass"
  skills = { sales = 3 }
  queues = ["sales"]
)";
}
const std::string kChanged = changed_acme();

class AcdReloadTest : public AcdPlaneTest {
 protected:
  std::shared_ptr<const tenant::Directory> provision(const std::string& text) {
    auto plan = tenant::read_plan(text, "p2.toml");
    EXPECT_TRUE(plan.ok()) << plan.error().message;
    EXPECT_TRUE(tenant::apply_plan(*store_, *plan).ok());
    auto dir = tenant::Directory::load(*store_);
    EXPECT_TRUE(dir.ok());
    return *dir;
  }
  std::uint64_t counter(const std::string& name) {
    stats::Snapshot s;
    plane_->add_rows(s);
    for (const auto& r : s.rows)
      if (r.name == name) return r.total;
    ADD_FAILURE() << "no counter " << name;
    return 0;
  }
  // Waits (at most 2 s) until dave is an agent of acme's engine.
  bool dave_known() {
    for (int i = 0; i < 400; ++i) {
      if (plane_->agent(acme_, "dave").error != DeskError::kNotFound) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return false;
  }
};

TEST_F(AcdReloadTest, ChangedTenantIsRebuiltAndAgentsKeepTheirStates) {
  ASSERT_TRUE(plane_->log_in(acme_, "alice", true).ok());
  ASSERT_TRUE(plane_->log_in(acme_, "bob", true).ok());
  ASSERT_TRUE(plane_->set_not_ready(acme_, "bob", 7).ok());
  ASSERT_TRUE(plane_->log_in(globex_, "carol", true).ok());
  const std::uint64_t seq_before = plane_->events(acme_, 0).json.size();
  EXPECT_EQ(plane_->agent(acme_, "dave").error, DeskError::kNotFound);

  ASSERT_TRUE(plane_->reload(*provision(kChanged)).ok());
  ASSERT_TRUE(dave_known());
  EXPECT_EQ(counter("acd_engines_rebuilt"), 1u) << "globex did not change";
  EXPECT_EQ(counter("acd_engines"), 2u);
  EXPECT_NE(plane_->agent(acme_, "alice").json.find("\"state\":\"ready\""), std::string::npos);
  const auto bob = plane_->agent(acme_, "bob").json;
  EXPECT_NE(bob.find("\"state\":\"not_ready\""), std::string::npos) << bob;
  EXPECT_NE(bob.find("\"reason\":7"), std::string::npos) << bob;
  EXPECT_NE(plane_->agent(acme_, "dave").json.find("logged_out"), std::string::npos);
  EXPECT_NE(plane_->agent(globex_, "carol").json.find("\"state\":\"ready\""), std::string::npos);

  // The supervisors' stream goes on where it was, now naming the new engine's agents.
  ASSERT_TRUE(plane_->log_in(acme_, "dave", true).ok());
  const auto events = plane_->events(acme_, 0).json;
  EXPECT_GT(events.size(), seq_before);
  EXPECT_NE(events.find("\"agent\":\"dave\",\"from\":\"logged_out\",\"to\":\"ready\""),
            std::string::npos)
      << events;
  EXPECT_NE(events.find("\"agent\":\"alice\""), std::string::npos) << "earlier events kept";

  // The same directory again changes nothing.
  ASSERT_TRUE(plane_->reload(*provision(kChanged)).ok());
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_EQ(counter("acd_engines_rebuilt"), 1u);
}

TEST_F(AcdReloadTest, RebuildWaitsUntilTheTenantsCallersHaveLeft) {
  ASSERT_TRUE(plane_->log_in(acme_, "alice", true).ok());
  report(QueueReportKind::kArrived, 81);
  ASSERT_FALSE(until(QueueOrderKind::kOffer).empty());
  ASSERT_TRUE(plane_->reload(*provision(kChanged)).ok());
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_EQ(plane_->agent(acme_, "dave").error, DeskError::kNotFound) << "a caller is in it";
  EXPECT_EQ(counter("acd_rebuilds_deferred"), 1u);
  report(QueueReportKind::kAbandoned, 81);
  ASSERT_TRUE(dave_known());
  EXPECT_EQ(counter("acd_engines_rebuilt"), 1u);
  EXPECT_EQ(counter("acd_rebuilds_deferred"), 1u) << "counted once, not per loop";
  EXPECT_NE(plane_->agent(acme_, "alice").json.find("\"state\":\"ready\""), std::string::npos);
}

}  // namespace
}  // namespace trunkline::app
