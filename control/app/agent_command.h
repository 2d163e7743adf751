// `trunkline agent VERB --tenant T [--agent A] …`: agents log in and out,
// change state and end wrap-up, and supervisors read the status board,
// through the running daemon's control socket (the HTTPS API reaches the
// same acd::AgentDesk). The daemon's side is handle_agent_request().
#pragma once

#include <string>

#include "control/acd/agent_desk.h"
#include "control/tenant/directory.h"

namespace trunkline::app {

inline constexpr const char* kAgentUsage =
    "login|logout|ready|not-ready|end-wrap-up|status|board --tenant NAME [--agent NAME] "
    "[--reason CODE] [--not-ready] [--config FILE | --socket PATH]";
inline constexpr const char* kAgentSummary =
    "change an agent's ACD state, or print an agent's state or the tenant's status board";

int agent_command(int argc, char** argv);

// The control socket's "agent" command: ARGS = "VERB TENANT AGENT REASON
// READY" (AGENT "-" for board). Answers "ok\n<json>\n", or
// "error not_found|conflict|invalid|unavailable: MESSAGE\n".
std::string handle_agent_request(acd::AgentDesk& desk, const tenant::Directory* directory,
                                 const std::string& args);

}  // namespace trunkline::app
