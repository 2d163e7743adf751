// The request path without sockets: login steps, restricted sessions, the
// one authorization choke point, and the cross-tenant matrix (every role of
// tenant A against every tenant-B endpoint: refused, B unchanged), with a
// fake AgentDesk and an injected clock.
#include "control/api/api_service.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <thread>

#include "control/auth/encoding.h"
#include "control/auth/totp.h"

namespace trunkline::api {
namespace {

std::chrono::sys_seconds at(std::int64_t s) {
  return std::chrono::sys_seconds{std::chrono::seconds{s}};
}

class FakeDesk : public acd::AgentDesk {
 public:
  std::vector<std::string> calls;
  acd::DeskAnswer note(const std::string& what, std::int64_t t, std::string_view a) {
    calls.push_back(what + " " + std::to_string(t) + " " + std::string(a));
    if (a == "ghost") return {acd::DeskError::kNotFound, "no agent ghost", ""};
    return {acd::DeskError::kNone, "", "{\"agent\":\"" + std::string(a) + "\"}"};
  }
  acd::DeskAnswer log_in(std::int64_t t, std::string_view a, bool) override {
    return note("log_in", t, a);
  }
  acd::DeskAnswer log_out(std::int64_t t, std::string_view a) override {
    return note("log_out", t, a);
  }
  acd::DeskAnswer set_ready(std::int64_t t, std::string_view a) override {
    return note("ready", t, a);
  }
  acd::DeskAnswer set_not_ready(std::int64_t t, std::string_view a, std::uint32_t) override {
    return note("not_ready", t, a);
  }
  acd::DeskAnswer end_wrap_up(std::int64_t t, std::string_view a) override {
    return note("end_wrap_up", t, a);
  }
  acd::DeskAnswer agent(std::int64_t t, std::string_view a) override { return note("agent", t, a); }
  acd::DeskAnswer board(std::int64_t t) override {
    calls.push_back("board " + std::to_string(t));
    return {acd::DeskError::kNone, "", "{\"agents\":[],\"queues\":[]}"};
  }
  // Two events, 41 and 42; a reader after 40 missed nothing, after 1 missed 39.
  acd::DeskAnswer events(std::int64_t t, std::uint64_t after) override {
    calls.push_back("events " + std::to_string(t) + " " + std::to_string(after));
    std::string out = "[";
    if (after != 0 && after < 40)
      out += "{\"seq\":40,\"event\":\"missed\",\"count\":" + std::to_string(40 - after) + "},";
    const std::string e41 = R"({"seq":41,"event":"agent_state","agent":"al","to":"ready"})";
    const std::string e42 = R"({"seq":42,"event":"caller_queued","queue":"q,[1]","wait_s":0})";
    if (after < 41) out += e41 + ",";
    if (after < 42) out += e42;
    if (out.back() == ',') out.pop_back();
    return {acd::DeskError::kNone, "", out + "]"};
  }
};

class ApiServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = std::filesystem::temp_directory_path() /
            ("tl-api-" + std::to_string(::getpid()) + "-" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".db");
    std::filesystem::remove(path_);
    store_ = store::SqliteStore::open(path_.string()).value();
    a_ = *store_->create_tenant("alpha");
    b_ = *store_->create_tenant("beta");
    ApiDeps d;
    d.store = store_.get();
    d.desk = &desk_;
    d.clock = [this] { return now_; };
    d.metrics = [] { return std::string("# TYPE x counter\nx 1\n"); };
    d.accounts.scrypt = {4, 8, 1};
    api_ = std::make_unique<ApiService>(std::move(d));
  }
  void TearDown() override {
    api_.reset();
    store_.reset();
    for (const char* ext : {"", "-wal", "-shm"}) std::filesystem::remove(path_.string() + ext);
  }

  Response call(const std::string& method, const std::string& target, const std::string& token,
                const std::string& body = "") {
    Request r;
    r.method = method;
    r.target = target;
    if (!token.empty()) r.authorization = "Bearer " + token;
    r.body = body;
    r.source = "192.0.2.7";
    return api_->handle(r);
  }
  static std::string field(const std::string& body, const std::string& name) {
    const auto k = body.find("\"" + name + "\":\"");
    if (k == std::string::npos) return "";
    const auto s = k + name.size() + 4;
    return body.substr(s, body.find('"', s) - s);
  }

  // Adds a user straight to the store (as `trunkline user add` does), logs
  // in, enrols TOTP when the role needs it, changes the initial password,
  // and returns a full session token.
  std::string user(Scope t, const std::string& name, auth::Role role) {
    AccountRepository repo(*store_);
    auto acc = auth::Account::create({name, role, t}, "Initial-pw-1", {}, now_, {{4, 8, 1}});
    EXPECT_TRUE(acc.ok());
    EXPECT_TRUE(repo.insert(acc->record()).ok());
    const std::string tenant = t ? std::to_string(*t) : "null";
    Response r =
        call("POST", "/api/v1/login", "",
             "{\"tenant\":" + tenant + ",\"user\":\"" + name + "\",\"password\":\"Initial-pw-1\"}");
    EXPECT_EQ(r.status, 200) << r.body;
    std::string token = field(r.body, "token");
    if (auth::requires_mfa(role)) {
      EXPECT_EQ(field(r.body, "restriction"), "enrol_mfa");
      Response e = call("POST", "/api/v1/me/mfa/enrol", token);
      auto secret = auth::base32_decode(field(e.body, "secret_base32"));
      EXPECT_TRUE(secret.ok());
      secrets_[name] = *secret;
      Response c = call("POST", "/api/v1/me/mfa/confirm", token,
                        "{\"code\":\"" + auth::totp_code(*secret, now_, {}) + "\"}");
      EXPECT_EQ(c.status, 200) << c.body;
    }
    Response p = call("POST", "/api/v1/me/password", token,
                      "{\"current\":\"Initial-pw-1\",\"new\":\"Changed-pw-2\"}");
    EXPECT_EQ(p.status, 200) << p.body;
    return field(p.body, "token");
  }

  std::filesystem::path path_;
  std::unique_ptr<store::SqliteStore> store_;
  FakeDesk desk_;
  std::chrono::sys_seconds now_ = at(1'700'000'000);
  std::unique_ptr<ApiService> api_;
  std::int64_t a_ = 0, b_ = 0;
  std::map<std::string, std::vector<std::uint8_t>> secrets_;
};

TEST_F(ApiServiceTest, FirstLoginMustChangeThePasswordBeforeAnythingElse) {
  AccountRepository repo(*store_);
  auto acc =
      auth::Account::create({"ag", auth::Role::kAgent, a_}, "Initial-pw-1", {}, now_, {{4, 8, 1}});
  ASSERT_TRUE(repo.insert(acc->record()).ok());
  Response r =
      call("POST", "/api/v1/login", "",
           "{\"tenant\":" + std::to_string(a_) + ",\"user\":\"ag\",\"password\":\"Initial-pw-1\"}");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(field(r.body, "restriction"), "change_password");
  const std::string t = field(r.body, "token");
  Response blocked = call("POST", "/api/v1/me/agent/ready", t);
  EXPECT_EQ(blocked.status, 403);
  EXPECT_EQ(blocked.content_type, "application/problem+json");
  EXPECT_TRUE(desk_.calls.empty());
  Response weak =
      call("POST", "/api/v1/me/password", t, R"({"current":"Initial-pw-1","new":"short"})");
  EXPECT_EQ(weak.status, 400);
  EXPECT_EQ(field(weak.body, "field"), "new");
  Response ok =
      call("POST", "/api/v1/me/password", t, R"({"current":"Initial-pw-1","new":"Better-pw-9"})");
  ASSERT_EQ(ok.status, 200) << ok.body;
  EXPECT_EQ(call("GET", "/api/v1/me", t).status, 401) << "old sessions end with the old password";
  Response ready = call("POST", "/api/v1/me/agent/ready", field(ok.body, "token"));
  EXPECT_EQ(ready.status, 200) << ready.body;
  ASSERT_EQ(desk_.calls.size(), 1u);
  EXPECT_EQ(desk_.calls[0], "ready " + std::to_string(a_) + " ag");
}

TEST_F(ApiServiceTest, WrongPasswordsLockAndAnAdministratorUnlocks) {
  const std::string admin = user(a_, "boss", auth::Role::kTenantAdmin);
  ASSERT_EQ(call("PUT", "/api/v1/tenants/" + std::to_string(a_) + "/password-policy", admin,
                 R"({"min_length":8,"max_length_admin":64,"max_length_agent":20,"expiry_days":0,
                     "lock_after_failures":2,"require_upper":false,"require_lower":false,
                     "require_digit":false,"require_symbol":false,"history_generations":3,
                     "must_change_initial":true})")
                .status,
            200);
  (void)user(a_, "al", auth::Role::kAgent);
  const std::string login =
      "{\"tenant\":" + std::to_string(a_) + ",\"user\":\"al\",\"password\":\"";
  EXPECT_EQ(call("POST", "/api/v1/login", "", login + "nope-nope1\"}").status, 401);
  EXPECT_EQ(call("POST", "/api/v1/login", "", login + "nope-nope2\"}").status, 401);
  EXPECT_EQ(call("POST", "/api/v1/login", "", login + "Changed-pw-2\"}").status, 403) << "locked";
  Response u = call("POST", "/api/v1/tenants/" + std::to_string(a_) + "/users/al/unlock", admin);
  EXPECT_EQ(u.status, 200) << u.body;
  EXPECT_EQ(call("POST", "/api/v1/login", "", login + "Changed-pw-2\"}").status, 200);
}

TEST_F(ApiServiceTest, MfaLoginNeedsTheSecondFactorAndRefusesReplay) {
  (void)user(a_, "co", auth::Role::kComplianceOfficer);
  now_ += std::chrono::seconds(120);
  const std::string login =
      "{\"tenant\":" + std::to_string(a_) + ",\"user\":\"co\",\"password\":\"Changed-pw-2\"}";
  Response r = call("POST", "/api/v1/login", "", login);
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(field(r.body, "token"), "") << "no session before the second factor";
  const std::string code = auth::totp_code(secrets_["co"], now_, {});
  Response m =
      call("POST", "/api/v1/login/mfa", "",
           "{\"mfa_ticket\":\"" + field(r.body, "mfa_ticket") + "\",\"code\":\"" + code + "\"}");
  ASSERT_EQ(m.status, 200) << m.body;
  EXPECT_EQ(field(m.body, "restriction"), "none");
  Response again = call("POST", "/api/v1/login", "", login);
  Response replay = call(
      "POST", "/api/v1/login/mfa", "",
      "{\"mfa_ticket\":\"" + field(again.body, "mfa_ticket") + "\",\"code\":\"" + code + "\"}");
  EXPECT_EQ(replay.status, 401);
}

TEST_F(ApiServiceTest, EveryRoleOfTenantAIsRefusedEveryTenantBEndpoint) {
  std::map<std::string, std::string> tokens;
  for (auth::Role role : auth::kAllRoles) {
    if (role == auth::Role::kSystemAdmin) continue;
    tokens[std::string(auth::role_name(role))] =
        user(a_, std::string(auth::role_name(role)) + "-a", role);
  }
  (void)user(b_, "victim", auth::Role::kAgent);
  const std::string b = "/api/v1/tenants/" + std::to_string(b_);
  const std::vector<std::pair<std::string, std::string>> endpoints = {
      {"GET", b + "/users"},
      {"POST", b + "/users"},
      {"DELETE", b + "/users/victim"},
      {"POST", b + "/users/victim/unlock"},
      {"POST", b + "/users/victim/password-reset"},
      {"POST", b + "/users/victim/mfa-reset"},
      {"GET", b + "/password-policy"},
      {"PUT", b + "/password-policy"},
      {"GET", b + "/account-review"},
      {"GET", b + "/audit"},
      {"GET", b + "/dids"},
      {"GET", b + "/trunks"},
      {"GET", b + "/agents"},
      {"PUT", b + "/provisioning"},
      {"GET", b + "/board"},
      {"GET", b + "/recordings"},
      {"POST", b + "/recordings/0123456789abcdef0123456789abcdef/hold"},
      {"POST", b + "/recordings/0123456789abcdef0123456789abcdef/release"},
      {"GET", b + "/recordings/0123456789abcdef0123456789abcdef/audio"},
      {"POST", b + "/recordings/0123456789abcdef0123456789abcdef/verify"},
      {"DELETE", b + "/recordings/0123456789abcdef0123456789abcdef"},
      {"GET", b + "/events"},
      {"GET", b + "/skills"},
      {"GET", b + "/queues"},
      {"GET", "/api/v1/tenants"},
      {"POST", "/api/v1/tenants"},
      {"GET", "/metrics"},
      {"POST", "/api/v1/reload"},
      {"GET", "/api/v1/health"},
  };
  AccountRepository repo(*store_);
  const auth::AccountRecord before = **repo.load(b_, "victim");
  for (const auto& [role, token] : tokens) {
    for (const auto& [method, path] : endpoints) {
      Response r = call(method, path, token, R"({"name":"x","role":"agent"})");
      EXPECT_EQ(r.status, 403) << role << " " << method << " " << path << ": " << r.body;
      EXPECT_EQ(r.content_type, "application/problem+json");
    }
  }
  const auth::AccountRecord after = **repo.load(b_, "victim");
  EXPECT_EQ(after.password_hash, before.password_hash);
  EXPECT_EQ(after.locked, before.locked);
  EXPECT_EQ(repo.list(b_)->size(), 1u);
  EXPECT_TRUE(std::none_of(desk_.calls.begin(), desk_.calls.end(), [&](const std::string& c) {
    return c.find(" " + std::to_string(b_)) != std::string::npos;
  })) << "the desk never saw tenant B";
  // Every refusal is in the audit log, in A's name, with the source address.
  audit::AuditLog log(*store_);
  auto entries = log.entries(b_);
  ASSERT_TRUE(entries.ok());
  std::size_t denied = 0;
  for (const auto& e : *entries) denied += e.result.rfind("403", 0) == 0 && e.source == "192.0.2.7";
  EXPECT_GE(denied, tokens.size() * 18);
}

TEST_F(ApiServiceTest, TenantAdministratorManagesOnlyItsOwnUsers) {
  const std::string admin = user(a_, "boss", auth::Role::kTenantAdmin);
  const std::string users = "/api/v1/tenants/" + std::to_string(a_) + "/users";
  Response c = call("POST", users, admin, R"({"name":"new-agent","role":"agent"})");
  ASSERT_EQ(c.status, 201) << c.body;
  EXPECT_EQ(field(c.body, "initial_password").size(), 16u);
  Response bad = call("POST", users, admin, R"({"name":"root2","role":"system_admin"})");
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(field(bad.body, "field"), "role");
  Response unknown = call("POST", users, admin, R"({"name":"x","role":"agent","colour":"red"})");
  EXPECT_EQ(field(unknown.body, "field"), "colour");
  Response list = call("GET", users, admin);
  EXPECT_NE(list.body.find("new-agent"), std::string::npos);
  EXPECT_EQ(call("POST", users, admin, R"({"name":"new-agent","role":"agent"})").status, 409);
}

TEST_F(ApiServiceTest, SystemAdministratorSeesMetricsButNoRecordings) {
  const std::string root = user(std::nullopt, "root", auth::Role::kSystemAdmin);
  Response m = call("GET", "/metrics", root);
  EXPECT_EQ(m.status, 200);
  EXPECT_EQ(m.content_type, "text/plain; version=0.0.4");
  EXPECT_EQ(call("GET", "/api/v1/tenants/" + std::to_string(a_) + "/recordings", root).status, 403);
  EXPECT_EQ(call("GET", "/api/v1/tenants/999/users", root).status, 404);
  EXPECT_EQ(call("GET", "/api/v1/tenants/x/users", root).status, 400);
}

TEST_F(ApiServiceTest, UnknownUserAndWrongPasswordLookAlike) {
  (void)user(a_, "al", auth::Role::kAgent);
  Response unknown =
      call("POST", "/api/v1/login", "",
           "{\"tenant\":" + std::to_string(a_) + ",\"user\":\"zz\",\"password\":\"x\"}");
  Response wrong =
      call("POST", "/api/v1/login", "",
           "{\"tenant\":" + std::to_string(a_) + ",\"user\":\"al\",\"password\":\"x\"}");
  EXPECT_EQ(unknown.status, 401);
  EXPECT_EQ(unknown.body, wrong.body);
}

TEST_F(ApiServiceTest, SessionsExpireWhenIdle) {
  const std::string t = user(a_, "al", auth::Role::kAgent);
  EXPECT_EQ(call("GET", "/api/v1/me", t).status, 200);
  now_ += std::chrono::minutes(16);
  EXPECT_EQ(call("GET", "/api/v1/me", t).status, 401);
}

TEST_F(ApiServiceTest, SupervisorStreamsTheTenantsEventsFromLastEventId) {
  const std::string sup = user(a_, "sup", auth::Role::kSupervisor);
  Request r;
  r.method = "GET";
  r.target = "/api/v1/tenants/" + std::to_string(a_) + "/events";
  r.authorization = "Bearer " + sup;
  Response first = api_->handle(r);
  ASSERT_EQ(first.status, 200) << first.body;
  EXPECT_EQ(first.content_type, "text/event-stream");
  ASSERT_TRUE(first.stream);
  EXPECT_EQ(
      first.body,
      "retry: 2000\n\n"
      "id: 41\ndata: {\"seq\":41,\"event\":\"agent_state\",\"agent\":\"al\",\"to\":\"ready\"}"
      "\n\n"
      "id: 42\ndata: {\"seq\":42,\"event\":\"caller_queued\",\"queue\":\"q,[1]\",\"wait_s\":0}"
      "\n\n");
  // The stream polls (not before its interval) after the last event it sent.
  BodyPiece p = first.stream->next();
  EXPECT_TRUE(p.data.empty());
  EXPECT_FALSE(p.last);
  EXPECT_GT(p.retry.count(), 0);
  const std::size_t polled = desk_.calls.size();
  for (int i = 0; i < 5 && desk_.calls.size() == polled; ++i) {
    std::this_thread::sleep_for(p.retry);
    p = first.stream->next();
  }
  EXPECT_TRUE(p.data.empty()) << p.data;
  EXPECT_EQ(desk_.calls.back(), "events " + std::to_string(a_) + " 42");
  r.last_event_id = "1";
  Response behind = api_->handle(r);
  ASSERT_EQ(behind.status, 200);
  EXPECT_EQ(behind.body.find("retry: 2000\n\nid: 40\ndata: {\"seq\":40,\"event\":\"missed\","
                             "\"count\":39}\n\nid: 41\n"),
            0u)
      << behind.body;
  r.last_event_id = "4x";
  Response bad = api_->handle(r);
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(field(bad.body, "field"), "Last-Event-ID");
  const std::string agent = user(a_, "al", auth::Role::kAgent);
  EXPECT_EQ(call("GET", "/api/v1/tenants/" + std::to_string(a_) + "/events", agent).status, 403);
}

TEST_F(ApiServiceTest, SkillsAndQueuesAreReadFromTheStoredAcdConfiguration) {
  const std::string admin = user(a_, "boss", auth::Role::kTenantAdmin);
  const std::string t = "/api/v1/tenants/" + std::to_string(a_);
  Response none = call("GET", t + "/skills", admin);
  ASSERT_EQ(none.status, 200) << none.body;
  EXPECT_EQ(none.body, "{\"skills\":[]}");
  auto scoped = store_->tenant(a_);
  ASSERT_TRUE(scoped.ok());
  ASSERT_TRUE((*scoped)
                  ->set_setting("acd", R"([[skill]]
name = "sales"
service_level_s = 30
[[queue]]
name = "sales"
strategy = "round_robin"
max_waiting = 5
wrap_up_s = 10
[[queue]]
name = "support"
)")
                  .ok());
  Response skills = call("GET", t + "/skills", admin);
  EXPECT_EQ(skills.body, "{\"skills\":[{\"name\":\"sales\",\"service_level_s\":30}]}");
  Response queues = call("GET", t + "/queues", admin);
  ASSERT_EQ(queues.status, 200) << queues.body;
  EXPECT_NE(queues.body.find("{\"name\":\"sales\",\"strategy\":\"round_robin\""), std::string::npos)
      << queues.body;
  EXPECT_NE(queues.body.find("\"max_waiting\":5"), std::string::npos) << queues.body;
  EXPECT_NE(queues.body.find("\"wrap_up_s\":10"), std::string::npos) << queues.body;
  EXPECT_NE(queues.body.find("{\"name\":\"support\""), std::string::npos) << queues.body;
  // Beta's configuration is beta's: alpha's administrator reads only alpha's.
  EXPECT_EQ(call("GET", "/api/v1/tenants/" + std::to_string(b_) + "/queues", admin).status, 403);
}

}  // namespace
}  // namespace trunkline::api
