#include "control/app/agent_command.h"

#include <cstdio>
#include <cstdlib>
#include <sstream>

#include "control/config/config.h"
#include "control/stats/control_server.h"

namespace trunkline::app {

namespace {

const char* error_name(acd::DeskError e) {
  switch (e) {
    case acd::DeskError::kNone:
      return "none";
    case acd::DeskError::kNotFound:
      return "not_found";
    case acd::DeskError::kConflict:
      return "conflict";
    case acd::DeskError::kInvalid:
      return "invalid";
    case acd::DeskError::kUnavailable:
      return "unavailable";
  }
  return "?";
}

bool known_verb(const std::string& v) {
  for (const char* k : {"login", "logout", "ready", "not-ready", "end-wrap-up", "status", "board"})
    if (v == k) return true;
  return false;
}

}  // namespace

std::string handle_agent_request(acd::AgentDesk& desk, const tenant::Directory* directory,
                                 const std::string& args) {
  std::istringstream in(args);
  std::string verb, tenant_name, agent;
  unsigned long reason = 0;
  int ready = 1;
  in >> verb >> tenant_name >> agent >> reason >> ready;
  if (in.fail() || !known_verb(verb)) return "error invalid: malformed agent request\n";
  // Tenants are named by people and numbered by the store: the one place a
  // name becomes an ID is here, against the loaded directory.
  const tenant::DirTenant* tenant = nullptr;
  if (directory != nullptr)
    for (const tenant::DirTenant& t : directory->tenants())
      if (t.name == tenant_name) tenant = &t;
  if (tenant == nullptr) return "error not_found: no tenant '" + tenant_name + "'\n";
  acd::DeskAnswer a;
  if (verb == "login") {
    a = desk.log_in(tenant->id, agent, ready != 0);
  } else if (verb == "logout") {
    a = desk.log_out(tenant->id, agent);
  } else if (verb == "ready") {
    a = desk.set_ready(tenant->id, agent);
  } else if (verb == "not-ready") {
    a = desk.set_not_ready(tenant->id, agent, static_cast<std::uint32_t>(reason));
  } else if (verb == "end-wrap-up") {
    a = desk.end_wrap_up(tenant->id, agent);
  } else if (verb == "status") {
    a = desk.agent(tenant->id, agent);
  } else {
    a = desk.board(tenant->id);
  }
  if (!a.ok()) return std::string("error ") + error_name(a.error) + ": " + a.message + "\n";
  return "ok\n" + a.json + "\n";
}

int agent_command(int argc, char** argv) {
  if (argc < 1) {
    std::fprintf(stderr, "trunkline agent: usage: trunkline agent %s\n", kAgentUsage);
    return 2;
  }
  const std::string verb = argv[0];
  if (!known_verb(verb)) {
    std::fprintf(stderr, "trunkline agent: unknown action '%s' (%s)\n", verb.c_str(),
                 "login, logout, ready, not-ready, end-wrap-up, status, board");
    return 2;
  }
  std::string tenant, agent = "-", socket_path, config_path = "/etc/trunkline/trunkline.toml";
  unsigned long reason = 0;
  bool ready = true;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    const bool has_value = i + 1 < argc;
    if (a == "--tenant" && has_value) {
      tenant = argv[++i];
    } else if (a == "--agent" && has_value) {
      agent = argv[++i];
    } else if (a == "--reason" && has_value) {
      char* end = nullptr;
      reason = std::strtoul(argv[++i], &end, 10);
      if (end == nullptr || *end != '\0' || reason == 0 || reason > 64999) {
        std::fprintf(stderr, "trunkline agent: --reason must be a code from 1 to 64999\n");
        return 2;
      }
    } else if (a == "--not-ready") {
      ready = false;
    } else if (a == "--config" && has_value) {
      config_path = argv[++i];
    } else if (a == "--socket" && has_value) {
      socket_path = argv[++i];
    } else {
      std::fprintf(stderr, "trunkline agent: unknown argument '%s'\n", a.c_str());
      return 2;
    }
  }
  if (tenant.empty() || tenant.find(' ') != std::string::npos) {
    std::fprintf(stderr, "trunkline agent: --tenant NAME is required\n");
    return 2;
  }
  if (verb != "board" && (agent == "-" || agent.find(' ') != std::string::npos)) {
    std::fprintf(stderr, "trunkline agent %s: --agent NAME is required\n", verb.c_str());
    return 2;
  }
  if (verb == "not-ready" && reason == 0) {
    std::fprintf(stderr, "trunkline agent not-ready: --reason CODE is required\n");
    return 2;
  }
  if (socket_path.empty()) {
    auto c = config::load_file(config_path);
    if (!c) {
      std::fprintf(stderr, "trunkline agent: %s\n", c.error().message.c_str());
      return 2;
    }
    socket_path = c->control_socket;
  }
  auto answer = stats::request(socket_path, "agent " + verb + " " + tenant + " " + agent + " " +
                                                std::to_string(reason) + " " + (ready ? "1" : "0"));
  if (!answer) {
    std::fprintf(stderr, "trunkline agent: %s\n", answer.error().message.c_str());
    return 1;
  }
  if (answer->rfind("ok\n", 0) != 0) {
    std::fprintf(stderr, "trunkline agent %s: %s", verb.c_str(), answer->c_str());
    return 1;
  }
  std::fwrite(answer->data() + 3, 1, answer->size() - 3, stdout);
  return 0;
}

}  // namespace trunkline::app
