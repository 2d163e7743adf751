// The [nas] section of the configuration: defaults, limits, precise errors.
#include <gtest/gtest.h>

#include "control/config/config.h"

namespace trunkline::config {
namespace {

constexpr const char* kPorts = R"(
[[ports]]
name = "trunk0"
device = "net_null0"
)";

Result<Config> load(const std::string& nas) {
  return load_string(std::string(kPorts) + "[nas]\n" + nas, "t.toml");
}

TEST(NasConfig, DefaultsWhenAbsent) {
  auto c = load_string(kPorts, "t.toml");
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_TRUE(c->nas.mirrors.empty());
  EXPECT_EQ(c->nas.retention_default_days, 90u);
  EXPECT_EQ(c->nas.termination_grace_days, 30u);
  EXPECT_EQ(c->nas.write_deadline_ms, 30000u);
}

TEST(NasConfig, ReadsEveryKey) {
  auto c = load(R"(mirrors = ["/mnt/nas-a", "/mnt/nas-b"]
write_deadline_ms = 5000
probe_interval_s = 5
scrub_interval_s = 3600
retention_default_days = 365
termination_grace_days = 7
)");
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->nas.mirrors, (std::vector<std::string>{"/mnt/nas-a", "/mnt/nas-b"}));
  EXPECT_EQ(c->nas.write_deadline_ms, 5000u);
  EXPECT_EQ(c->nas.retention_default_days, 365u);
  EXPECT_EQ(c->nas.termination_grace_days, 7u);
}

TEST(NasConfig, RefusesWhatCannotBeMirroredSafely) {
  auto one = load("mirrors = [\"/mnt/a\"]\n");
  ASSERT_FALSE(one);
  EXPECT_NE(one.error().message.find("key 'nas.mirrors': needs at least two mirrors (1 given)"),
            std::string::npos)
      << one.error().message;
  auto rel = load("mirrors = [\"/mnt/a\", \"nas-b\"]\n");
  ASSERT_FALSE(rel);
  EXPECT_NE(rel.error().message.find("'nas-b' is not an absolute path"), std::string::npos);
  auto twice = load("mirrors = [\"/mnt/a\", \"/mnt/a\"]\n");
  ASSERT_FALSE(twice);
  EXPECT_NE(twice.error().message.find("listed twice"), std::string::npos);
  auto grace = load("termination_grace_days = 31\n");
  ASSERT_FALSE(grace);
  EXPECT_NE(grace.error().message.find("nas.termination_grace_days"), std::string::npos);
  auto unknown = load("mirror = [\"/a\", \"/b\"]\n");
  ASSERT_FALSE(unknown);
  EXPECT_NE(unknown.error().message.find("key 'nas.mirror': unknown key"), std::string::npos)
      << unknown.error().message;
}

}  // namespace
}  // namespace trunkline::config
