#include "control/sip/method.h"

namespace trunkline::sip {

Method lookup_method(std::string_view token) {
  switch (token.size()) {
    case 3:
      if (token == "ACK") return Method::kAck;
      if (token == "BYE") return Method::kBye;
      break;
    case 4:
      if (token == "INFO") return Method::kInfo;
      break;
    case 5:
      if (token == "PRACK") return Method::kPrack;
      if (token == "REFER") return Method::kRefer;
      break;
    case 6:
      if (token == "INVITE") return Method::kInvite;
      if (token == "CANCEL") return Method::kCancel;
      if (token == "NOTIFY") return Method::kNotify;
      if (token == "UPDATE") return Method::kUpdate;
      break;
    case 7:
      if (token == "OPTIONS") return Method::kOptions;
      if (token == "PUBLISH") return Method::kPublish;
      if (token == "MESSAGE") return Method::kMessage;
      break;
    case 8:
      if (token == "REGISTER") return Method::kRegister;
      break;
    case 9:
      if (token == "SUBSCRIBE") return Method::kSubscribe;
      break;
    default:
      break;
  }
  return Method::kUnknown;
}

std::string_view method_name(Method m) {
  switch (m) {
#define TL_SIP_METHOD_NAME(id, text) \
  case Method::id:                   \
    return text;
    TL_SIP_METHODS(TL_SIP_METHOD_NAME)
#undef TL_SIP_METHOD_NAME
    case Method::kUnknown:
      break;
  }
  return {};
}

}  // namespace trunkline::sip
