#include "dataplane/port/eal_args.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace trunkline::dataplane {
namespace {

TEST(EalArgs, LcoresPortsAndExceptionTapsBecomeEalArguments) {
  auto c = config::load_string(R"(
[eal]
args = ["--no-huge", "--no-pci"]
file_prefix = "t1"
memory_mb = 128
[lcores]
main = 0
workers = [2, 3]
[[ports]]
name = "trunk0"
device = "net_af_packet0,iface=veth0,qpairs=2"
kernel_interface = "tl-exc0"
[[ports]]
name = "nic"
device = "0000:03:00.0"
)",
                               "t.toml");
  ASSERT_TRUE(c.ok()) << c.error().message;
  const std::vector<std::string> want = {"trunkline",
                                         "-l",
                                         "0,2,3",
                                         "--main-lcore",
                                         "0",
                                         "--file-prefix",
                                         "t1",
                                         "-m",
                                         "128",
                                         "--no-huge",
                                         "--no-pci",
                                         "--vdev",
                                         "net_af_packet0,iface=veth0,qpairs=2",
                                         "--vdev",
                                         "net_tap_exc0,iface=tl-exc0",
                                         "-a",
                                         "0000:03:00.0"};
  EXPECT_EQ(eal_arguments(*c), want);
  EXPECT_EQ(device_name("net_af_packet0,iface=veth0"), "net_af_packet0");
  EXPECT_EQ(device_name("0000:03:00.0"), "0000:03:00.0");
}

}  // namespace
}  // namespace trunkline::dataplane
