#include "dataplane/port/kernel_interface.h"

#include <spawn.h>
#include <sys/wait.h>

#include <cerrno>
#include <cstring>

extern char** environ;

namespace trunkline::dataplane {

namespace {

// Runs `ip` with `args` (no shell); an error names the command.
Status ip(std::vector<std::string> args) {
  args.insert(args.begin(), "ip");
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  std::string cmd;
  for (const auto& a : args) cmd += (cmd.empty() ? "" : " ") + a;
  pid_t pid;
  int rc = posix_spawnp(&pid, "ip", nullptr, nullptr, argv.data(), environ);
  if (rc != 0) return Error{"cannot run '" + cmd + "': " + std::strerror(rc)};
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    return Error{"'" + cmd + "' failed (exit " + std::to_string(WEXITSTATUS(status)) + ")"};
  }
  return Status::Ok();
}

}  // namespace

Status configure_kernel_interface(const std::string& ifname, std::uint16_t mtu,
                                  const std::vector<net::Prefix4>& v4,
                                  const std::vector<net::Prefix6>& v6) {
  if (Status s = ip({"link", "set", "dev", ifname, "mtu", std::to_string(mtu), "up"}); !s) return s;
  for (const auto& p : v4) {
    const std::string a = p.addr.to_string() + "/" + std::to_string(p.len);
    if (Status s = ip({"addr", "replace", a, "dev", ifname}); !s) return s;
  }
  for (const auto& p : v6) {
    if (p.addr.is_link_local()) continue;  // the kernel derives the same one from the MAC
    const std::string a = p.addr.to_string() + "/" + std::to_string(p.len);
    if (Status s = ip({"-6", "addr", "replace", a, "dev", ifname, "nodad"}); !s) return s;
  }
  return Status::Ok();
}

}  // namespace trunkline::dataplane
