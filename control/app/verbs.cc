#include "control/app/verbs.h"


namespace trunkline::app {

const Verb* verbs() {
  static const Verb kVerbs[] = {
      // Verbs of later areas are listed here, one line each.
      {nullptr, nullptr, nullptr, nullptr},
  };
  return kVerbs;
}

}  // namespace trunkline::app
