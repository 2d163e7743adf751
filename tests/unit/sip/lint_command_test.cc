#include "control/sip/lint_command.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <string>
#include <vector>

#include "tests/unit/sip/test_files.h"

namespace trunkline::sip {
namespace {

int lint(std::vector<std::string> args, std::string* out) {
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  ::testing::internal::CaptureStdout();
  int rc = lint_command(static_cast<int>(argv.size()), argv.data());
  *out = ::testing::internal::GetCapturedStdout();
  return rc;
}

TEST(SipLint, OkAndRejectLinesAndExitStatus) {
  std::string dir = testing::rfc4475_dir();
  std::string out;
  EXPECT_EQ(lint({dir + "/wsinv.dat", dir + "/unreason.dat"}, &out), 0);
  EXPECT_EQ(out, dir + "/wsinv.dat: ok\n" + dir + "/unreason.dat: ok\n");

  EXPECT_EQ(lint({dir + "/wsinv.dat", dir + "/badvers.dat", dir + "/bigcode.dat"}, &out), 1);
  EXPECT_EQ(out, dir + "/wsinv.dat: ok\n" + dir +
                     "/badvers.dat: reject 505 Version Not Supported (SIP/7.0)\n" + dir +
                     "/bigcode.dat: reject 0 malformed response dropped (start line at byte 8: "
                     "status code is not three digits)\n");
}

TEST(SipLint, ProxyRoleAndResponseOutput) {
  std::string dir = testing::rfc4475_dir();
  std::string out;
  EXPECT_EQ(lint({"--proxy", dir + "/zeromf.dat"}, &out), 1);
  EXPECT_EQ(out, dir + "/zeromf.dat: reject 483 Too Many Hops (Max-Forwards is 0)\n");
  EXPECT_EQ(lint({"--response", dir + "/invut.dat"}, &out), 1);
  EXPECT_NE(out.find("\nSIP/2.0 415 Unsupported Media Type"), std::string::npos);
  EXPECT_NE(out.find("\r\nAccept: application/sdp"), std::string::npos);
}

TEST(SipLint, UsageAndUnreadableFiles) {
  std::string out;
  EXPECT_EQ(lint({}, &out), 2);
  EXPECT_EQ(lint({"--frobnicate", "x"}, &out), 2);
  EXPECT_EQ(lint({"/nonexistent/file.dat"}, &out), 1);
  EXPECT_EQ(out, "");
}

}  // namespace
}  // namespace trunkline::sip
