// SIP request methods. Methods are case-sensitive tokens (RFC 3261 section
// 7.1); anything not listed here is Method::kUnknown and keeps its text.
#pragma once

#include <cstdint>
#include <string_view>

namespace trunkline::sip {

#define TL_SIP_METHODS(X)    \
  X(kInvite, "INVITE")       \
  X(kAck, "ACK")             \
  X(kBye, "BYE")             \
  X(kCancel, "CANCEL")       \
  X(kOptions, "OPTIONS")     \
  X(kRegister, "REGISTER")   \
  X(kPrack, "PRACK")         \
  X(kSubscribe, "SUBSCRIBE") \
  X(kNotify, "NOTIFY")       \
  X(kPublish, "PUBLISH")     \
  X(kInfo, "INFO")           \
  X(kRefer, "REFER")         \
  X(kMessage, "MESSAGE")     \
  X(kUpdate, "UPDATE")

enum class Method : std::uint8_t {
  kUnknown = 0,
#define TL_SIP_METHOD_ENUM(id, text) id,
  TL_SIP_METHODS(TL_SIP_METHOD_ENUM)
#undef TL_SIP_METHOD_ENUM
};

Method lookup_method(std::string_view token);
std::string_view method_name(Method m);  // "" for kUnknown

}  // namespace trunkline::sip
