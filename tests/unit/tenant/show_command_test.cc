// The `provision` and `show` verbs end to end: files on disk, a store path,
// exit statuses and what they print.
#include "control/tenant/show_command.h"

#include <gtest/gtest.h>

#include <fstream>
#include <string>
#include <vector>

#include "control/tenant/provision_command.h"
#include "tests/unit/tenant/tenant_test_util.h"

namespace trunkline::tenant {
namespace {

constexpr const char* kFile = R"([[tenants]]
name = "acme"
sip_domain = "acme.example"
  [[tenants.trunks]]
  name = "carrier-a"
  allow = ["203.0.113.10"]
  [[tenants.agents]]
  name = "alice"
  display = "Alice"
  password = "s3cret-pass"
  [[tenants.dids]]
  number = "+81312345678"
  agents = ["alice"]
[[tenants]]
name = "beta"
sip_domain = "beta.example"
  [[tenants.dids]]
  number = "+81600000000"
)";

class VerbTest : public testing::StoreFixture {
 protected:
  std::string write(const std::string& name, const std::string& text) {
    const std::string p = dir_ + "/" + name;
    std::ofstream(p) << text;
    return p;
  }
  // Runs a verb with argv words; returns its exit status, stdout in *out.
  int run(int (*verb)(int, char**), std::vector<std::string> args, std::string* out) {
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    ::testing::internal::CaptureStdout();
    ::testing::internal::CaptureStderr();
    const int rc = verb(static_cast<int>(argv.size()), argv.data());
    *out = ::testing::internal::GetCapturedStdout();
    err_ = ::testing::internal::GetCapturedStderr();
    return rc;
  }
  std::string err_;
};

TEST_F(VerbTest, ProvisionThenShowEveryKind) {
  std::string out;
  ASSERT_EQ(run(provision_command, {write("p.toml", kFile), "--store", path_}, &out), 0) << err_;
  EXPECT_NE(out.find("acme: created, domain acme.example;"), std::string::npos) << out;
  EXPECT_NE(out.find("beta: created, domain beta.example;"), std::string::npos) << out;

  ASSERT_EQ(run(show_command, {"tenants", "--store", path_}, &out), 0) << err_;
  EXPECT_EQ(out.rfind("ID  NAME  SIP_DOMAIN    CREATED\n1   acme  acme.example  ", 0), 0u) << out;

  ASSERT_EQ(run(show_command, {"dids", "--store", path_}, &out), 0) << err_;
  EXPECT_EQ(out,
            "TENANT  NUMBER        LINE_SKILL  RECORD  AGENTS\n"
            "acme    +81312345678  -           no      alice\n"
            "beta    +81600000000  -           no      -\n");

  ASSERT_EQ(run(show_command, {"dids", "--tenant", "beta", "--json", "--store", path_}, &out), 0);
  EXPECT_EQ(out,
            "[\n  {\"tenant\":\"beta\",\"number\":\"+81600000000\",\"line_skill\":\"\","
            "\"record\":false,\"agents\":[],\"queue\":\"\"}\n]\n");

  ASSERT_EQ(run(show_command, {"trunks", "--store", path_}, &out), 0);
  EXPECT_EQ(out,
            "TENANT  NAME       TRANSPORT  OUTBOUND  ALLOW\n"
            "acme    carrier-a  udp        -         203.0.113.10/32\n");
}

TEST_F(VerbTest, AgentsAreShownWithoutDigests) {
  std::string out;
  ASSERT_EQ(run(provision_command, {write("p.toml", kFile), "--store", path_}, &out), 0) << err_;
  auto acme = store_->tenant((*store_->tenant_by_name("acme"))->id);
  const std::string md5 = (*(*acme)->agent("alice"))->ha1_md5;
  for (bool json : {false, true}) {
    std::vector<std::string> args{"agents", "--store", path_};
    if (json) args.push_back("--json");
    ASSERT_EQ(run(show_command, args, &out), 0) << err_;
    EXPECT_NE(out.find("alice"), std::string::npos);
    EXPECT_EQ(out.find(md5), std::string::npos) << out;
    EXPECT_EQ(out.find("ha1"), std::string::npos) << out;
  }
}

TEST_F(VerbTest, RefusedFileExitsOneAndAppliesNothing) {
  std::string out;
  const std::string bad = std::string(kFile) + "  record = 1\n";
  ASSERT_EQ(run(provision_command, {write("bad.toml", bad), "--store", path_}, &out), 1);
  EXPECT_EQ(err_, "trunkline provision: " + dir_ +
                      "/bad.toml:19:12: key 'tenants[1].dids[0].record': "
                      "expected true or false\nnothing applied\n");
  EXPECT_TRUE(store_->tenants()->empty());
}

TEST_F(VerbTest, UsageErrorsAndUnknownTenant) {
  std::string out;
  EXPECT_EQ(run(provision_command, {"--store", path_}, &out), 2);
  EXPECT_EQ(run(show_command, {"numbers", "--store", path_}, &out), 2);
  EXPECT_EQ(run(show_command, {"cdrs", "--limit", "0", "--store", path_}, &out), 2);
  EXPECT_EQ(run(show_command, {"dids", "--tenant", "nobody", "--store", path_}, &out), 1);
  EXPECT_EQ(err_, "trunkline show: unknown tenant 'nobody'\n");
  EXPECT_EQ(run(show_command, {"dids", "--store", dir_ + "/missing.db"}, &out), 1);
}

TEST_F(VerbTest, ShowCdrsLatestFirstLimitedAndSince) {
  auto t = store_->create_tenant("acme", "acme.example");
  ASSERT_TRUE(t.ok());
  auto scope = store_->tenant(*t);
  for (int i = 0; i < 3; ++i) {
    store::Cdr c;
    c.call_id = "call-" + std::to_string(i);
    c.started_at_ms = 1714564800000 + i * 60000;  // 2024-05-01T12:00Z + i minutes
    c.ended_at_ms = c.started_at_ms + 5000;
    c.outcome = store::CdrOutcome::kNoAnswer;
    c.cause_code = 480;
    ASSERT_TRUE((*scope)->add_cdr(c).ok());
  }
  std::string out;
  ASSERT_EQ(run(show_command, {"cdrs", "--limit", "2", "--json", "--store", path_}, &out), 0)
      << err_;
  EXPECT_EQ(out.find("call-0"), std::string::npos) << out;
  EXPECT_LT(out.find("call-1"), out.find("call-2")) << "oldest of the latest first";
  EXPECT_NE(out.find("\"started_at\":\"2024-05-01T12:01:00.000Z\""), std::string::npos) << out;
  EXPECT_NE(out.find("\"answered_at\":null"), std::string::npos);
  EXPECT_NE(out.find("\"outcome\":\"no_answer\""), std::string::npos);
  ASSERT_EQ(run(show_command, {"cdrs", "--since", "2024-05-01T12:02Z", "--store", path_}, &out), 0);
  EXPECT_EQ(out.find("call-1"), std::string::npos);
  EXPECT_NE(out.find("call-2"), std::string::npos);
}

TEST(UtcTimeTest, FormatsAndParses) {
  EXPECT_EQ(format_utc_ms(0), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(format_utc_ms(1714564800123), "2024-05-01T12:00:00.123Z");
  EXPECT_EQ(parse_utc("2024-05-01"), 1714521600000);
  EXPECT_EQ(parse_utc("2024-05-01T12:00Z"), 1714564800000);
  EXPECT_EQ(parse_utc("2024-05-01T12:00:01Z"), 1714564801000);
  EXPECT_FALSE(parse_utc("2024-05-01T12:00").has_value());
  EXPECT_FALSE(parse_utc("2024-13-01").has_value());
  EXPECT_FALSE(parse_utc("yesterday").has_value());
}

}  // namespace
}  // namespace trunkline::tenant
