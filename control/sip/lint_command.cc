#include "control/sip/lint_command.h"

#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "control/sip/refusal.h"

namespace trunkline::sip {
namespace {

bool read_file(const char* path, std::string* out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  out->assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  return !in.bad();
}

// A SIP datagram is at most 65535 octets; anything longer cannot be one.
constexpr std::size_t kMaxDatagram = 65535;

}  // namespace

int lint_command(int argc, char** argv) {
  Role role = Role::kUserAgent;
  bool show_response = false;
  std::vector<const char*> files;
  for (int i = 0; i < argc; ++i) {
    if (std::strcmp(argv[i], "--proxy") == 0) {
      role = Role::kProxy;
    } else if (std::strcmp(argv[i], "--response") == 0) {
      show_response = true;
    } else if (argv[i][0] == '-' && argv[i][1] != '\0') {
      std::fprintf(stderr,
                   "trunkline sip lint: unknown option '%s'\nusage: trunkline sip lint %s\n",
                   argv[i], kLintUsage);
      return 2;
    } else {
      files.push_back(argv[i]);
    }
  }
  if (files.empty()) {
    std::fprintf(stderr, "usage: trunkline sip lint %s\n", kLintUsage);
    return 2;
  }
  RefusalPolicy policy = RefusalPolicy::appliance(role);
  bool all_ok = true;
  std::string datagram;
  for (const char* path : files) {
    if (!read_file(path, &datagram)) {
      std::fprintf(stderr, "trunkline sip lint: %s: cannot read: %s\n", path, std::strerror(errno));
      all_ok = false;
      continue;
    }
    if (datagram.size() > kMaxDatagram) {
      std::printf("%s: reject 0 larger than a UDP datagram (%zu octets), dropped\n", path,
                  datagram.size());
      all_ok = false;
      continue;
    }
    Verdict v = judge_datagram(datagram, policy);
    if (v.accept) {
      std::printf("%s: ok\n", path);
      continue;
    }
    all_ok = false;
    std::printf("%s: reject %d %s\n", path, v.code, v.reason.c_str());
    if (show_response && v.code != 0) {
      std::string response;
      write_refusal(datagram, v, "lint", &response);
      std::fwrite(response.data(), 1, response.size(), stdout);
    }
  }
  return all_ok ? 0 : 1;
}

}  // namespace trunkline::sip
