// `trunkline user add`: the first accounts, before anyone can log in to the
// API (and for operators who prefer the CLI). Prints a one-time initial
// password that must be changed at the first login.
#pragma once

namespace trunkline::api {

inline constexpr const char* kUserAddUsage =
    "(--config FILE | --store PATH) (--tenant NAME|ID | --system) --name NAME --role ROLE";
inline constexpr const char* kUserAddSummary =
    "add an API account and print its one-time initial password";
int user_add_command(int argc, char** argv);

}  // namespace trunkline::api
