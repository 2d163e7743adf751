#include "control/sip/parse_error.h"

namespace trunkline::sip {

std::string_view parse_error_kind_name(ParseErrorKind kind) {
  switch (kind) {
#define TL_SIP_PARSE_ERROR_NAME(id, text) \
  case ParseErrorKind::id:                \
    return text;
    TL_SIP_PARSE_ERRORS(TL_SIP_PARSE_ERROR_NAME)
#undef TL_SIP_PARSE_ERROR_NAME
  }
  return "unknown";
}

std::string ParseError::describe() const {
  if (ok()) return "ok";
  std::string out;
  if (!header_name.empty()) {
    // Header names are tokens, safe to print as they are.
    out.append(header_name);
  } else if (kind == ParseErrorKind::kStartLine || kind == ParseErrorKind::kVersion) {
    out.append("start line");
  } else if (kind == ParseErrorKind::kMissingHeader && header != HeaderId::kOther) {
    out.append(::trunkline::sip::header_name(header));
  } else {
    out.append("message");
  }
  out.append(" at byte ");
  out.append(std::to_string(offset));
  out.append(": ");
  out.append(detail);
  return out;
}

}  // namespace trunkline::sip
