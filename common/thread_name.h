// Names the calling thread ("tl-sip0", "tl-acd" ...) so that `top -H`,
// `ps -L` and /proc/PID/task/*/comm show which plane is busy. Linux keeps at
// most 15 characters; longer names are cut.
#pragma once

#include <pthread.h>

#include <cstdio>

namespace trunkline {

inline void name_this_thread(const char* prefix, unsigned index) {
  char name[16];
  std::snprintf(name, sizeof name, "%s%u", prefix, index);
  pthread_setname_np(pthread_self(), name);
}

inline void name_this_thread(const char* name) {
  char cut[16];
  std::snprintf(cut, sizeof cut, "%s", name);
  pthread_setname_np(pthread_self(), cut);
}

}  // namespace trunkline
