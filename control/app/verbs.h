// The `trunkline` binary's verbs. Each verb lives beside the code it exposes
// (control/sip/lint_command.cc, control/acd/simulate_command.cc, ...) and is
// listed once in verbs.cc.
#pragma once

namespace trunkline::app {

struct Verb {
  const char* words;    // "serve", "sip lint", "recording verify", ...
  const char* usage;    // one line: arguments
  const char* summary;  // one line: what it does
  // argv[0] is the first argument after the verb's words.
  int (*run)(int argc, char** argv);
};

// All verbs, terminated by an entry with words == nullptr.
const Verb* verbs();

}  // namespace trunkline::app
