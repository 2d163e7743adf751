// trunkline: one binary, many verbs (see verbs.cc).
#include <cstdio>
#include <cstring>
#include <string>

#include "control/app/verbs.h"

#ifndef TRUNKLINE_VERSION
#define TRUNKLINE_VERSION "unknown"
#endif

namespace {

void print_usage(FILE* out) {
  std::fprintf(out, "usage: trunkline VERB [ARGS...]\n       trunkline --version\n\nverbs:\n");
  for (const auto* v = trunkline::app::verbs(); v->words != nullptr; ++v)
    std::fprintf(out, "  %-20s %s\n      %s\n", v->words, v->usage, v->summary);
}

// Number of argv words (starting at argv[1]) that spell `words`, or 0.
int match_words(const char* words, int argc, char** argv) {
  int used = 0;
  std::string rest(words);
  std::size_t pos = 0;
  while (pos <= rest.size()) {
    std::size_t space = rest.find(' ', pos);
    std::string word =
        rest.substr(pos, space == std::string::npos ? std::string::npos : space - pos);
    if (1 + used >= argc || word != argv[1 + used]) return 0;
    ++used;
    if (space == std::string::npos) break;
    pos = space + 1;
  }
  return used;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2 || std::strcmp(argv[1], "--help") == 0 || std::strcmp(argv[1], "-h") == 0) {
    print_usage(argc < 2 ? stderr : stdout);
    return argc < 2 ? 2 : 0;
  }
  if (std::strcmp(argv[1], "--version") == 0) {
    std::printf("trunkline %s\n", TRUNKLINE_VERSION);
    return 0;
  }
  // Longest match first, so "recording verify" wins over a verb "recording".
  const trunkline::app::Verb* best = nullptr;
  int best_used = 0;
  for (const auto* v = trunkline::app::verbs(); v->words != nullptr; ++v) {
    int used = match_words(v->words, argc, argv);
    if (used > best_used) {
      best = v;
      best_used = used;
    }
  }
  if (best == nullptr) {
    std::fprintf(stderr, "trunkline: unknown verb '%s'\n\n", argv[1]);
    print_usage(stderr);
    return 2;
  }
  int sub_argc = argc - 1 - best_used;
  char** sub_argv = argv + 1 + best_used;
  for (int i = 0; i < sub_argc; ++i) {
    if (std::strcmp(sub_argv[i], "--help") == 0) {
      std::printf("usage: trunkline %s %s\n  %s\n", best->words, best->usage, best->summary);
      return 0;
    }
  }
  return best->run(sub_argc, sub_argv);
}
