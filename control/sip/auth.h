// Authorization, Proxy-Authorization (credentials) and WWW-Authenticate,
// Proxy-Authenticate (challenges), RFC 3261 sections 20.7, 20.27, 20.28,
// 20.44 and 25.1, with the Digest parameters checked for their forms.
// Other schemes parse as auth-scheme LWS auth-param *(COMMA auth-param).
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

#include "control/sip/lex.h"
#include "control/sip/params.h"

namespace trunkline::sip {

inline constexpr std::size_t kMaxAuthParams = 24;

// The parameters of one field, in order. Only the first `size` slots are
// ever set or read, so construction leaves the storage as it is: zeroing
// all 24 slots (~1 KiB) per field parsed cost more than the parse.
class AuthParams {
 public:
  const Param& operator[](std::size_t i) const { return slots_[i].param; }
  void set(std::size_t i, const Param& p) { slots_[i].param = p; }

 private:
  struct Slot {
    Slot() {}  // NOLINT: deliberately leaves `param` unset
    union {
      Param param;
    };
  };
  std::array<Slot, kMaxAuthParams> slots_;
};

struct AuthField {
  std::string_view scheme;  // "Digest", or any other token
  AuthParams params;
  std::uint8_t param_count = 0;

  bool is_digest() const { return iequals(scheme, "Digest"); }
  // Case-insensitive lookup; a quoted value is returned without its quotes
  // (escapes kept).
  bool find(std::string_view name, Param* out) const;
  std::string_view get(std::string_view name) const {
    Param p;
    return find(name, &p) ? p.value : std::string_view{};
  }
};

bool parse_credentials(std::string_view value, AuthField* out, SyntaxError* err);
bool parse_challenge(std::string_view value, AuthField* out, SyntaxError* err);

}  // namespace trunkline::sip
