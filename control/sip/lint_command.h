// `trunkline sip lint FILE...`: each file is one UDP datagram; prints
// "FILE: ok" or "FILE: reject CODE REASON" per file (CODE 0 where no
// response can be sent). Exit status 0 when every file is ok, 1 otherwise,
// 2 for a usage error.
#pragma once

namespace trunkline::sip {

inline constexpr const char* kLintUsage =
    "[--proxy] [--response] FILE...  (exit 0 if all ok, 1 if any is rejected or unreadable)";
inline constexpr const char* kLintSummary =
    "parse each file as one SIP UDP datagram; print 'FILE: ok' or 'FILE: reject CODE REASON'";

int lint_command(int argc, char** argv);

}  // namespace trunkline::sip
