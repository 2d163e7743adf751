#include "control/store/store.h"

namespace trunkline::store {

const char* to_string(CdrOutcome outcome) {
  switch (outcome) {
#define TL_CDR_OUTCOME_NAME(e, text) \
  case CdrOutcome::e:                \
    return text;
    TL_CDR_OUTCOMES(TL_CDR_OUTCOME_NAME)
#undef TL_CDR_OUTCOME_NAME
  }
  return "failed";
}

std::optional<CdrOutcome> parse_cdr_outcome(std::string_view text) {
#define TL_CDR_OUTCOME_PARSE(e, name) \
  if (text == name) return CdrOutcome::e;
  TL_CDR_OUTCOMES(TL_CDR_OUTCOME_PARSE)
#undef TL_CDR_OUTCOME_PARSE
  return std::nullopt;
}

}  // namespace trunkline::store
