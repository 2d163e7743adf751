#include "control/stats/stats_command.h"

#include <cstdio>
#include <cstring>
#include <string>

#include "control/config/config.h"
#include "control/stats/control_server.h"

namespace trunkline::stats {

int run_stats_command(int argc, char** argv) {
  std::string socket_path, config_path, format = "text";
  for (int i = 0; i < argc; ++i) {
    const std::string a = argv[i];
    if ((a == "--socket" || a == "--config") && i + 1 < argc) {
      (a == "--socket" ? socket_path : config_path) = argv[++i];
    } else if (a == "--json") {
      format = "json";
    } else if (a == "--prometheus") {
      format = "prometheus";
    } else {
      std::fprintf(stderr, "trunkline stats: unknown argument '%s'\n", a.c_str());
      return 2;
    }
  }
  if (socket_path.empty()) {
    if (config_path.empty()) config_path = "/etc/trunkline/trunkline.toml";
    auto c = config::load_file(config_path);
    if (!c) {
      std::fprintf(stderr, "trunkline stats: %s\n", c.error().message.c_str());
      return 2;
    }
    socket_path = c->control_socket;
  }
  auto answer = request(socket_path, "stats " + format);
  if (!answer) {
    std::fprintf(stderr, "trunkline stats: %s\n", answer.error().message.c_str());
    return 1;
  }
  if (answer->rfind("error:", 0) == 0) {
    std::fprintf(stderr, "trunkline stats: %s", answer->c_str());
    return 1;
  }
  std::fwrite(answer->data(), 1, answer->size(), stdout);
  return 0;
}

}  // namespace trunkline::stats
