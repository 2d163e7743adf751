// URIs as SIP carries them (RFC 3261 section 19.1 and 25.1, RFC 3966 for
// tel): SIP and SIPS URIs with user, password, host, port, parameters and
// headers; tel URIs with their parameters; any other scheme kept as an
// opaque absoluteURI. Every field is a view into the parsed text, escapes
// kept as written (unescape() resolves them).
#pragma once

#include <cstdint>
#include <string_view>

#include "control/sip/lex.h"
#include "control/sip/params.h"

namespace trunkline::sip {

enum class UriScheme : std::uint8_t { kSip, kSips, kTel, kOther };

struct Uri {
  std::string_view text;    // the whole URI as written
  std::string_view scheme;  // as written ("sip", "SIP", "tel", "http", ...)
  UriScheme kind = UriScheme::kOther;

  // sip / sips
  std::string_view user;      // empty when the URI has no userinfo
  std::string_view password;  // only meaningful when has_password
  bool has_user = false;
  bool has_password = false;
  Host host;
  std::uint16_t port = 0;
  bool has_port = false;
  UriParams params;          // ";..." for sip, sips and tel
  std::string_view headers;  // after "?", without it
  bool has_headers = false;
  // Parameters the stack reads, found while validating.
  std::string_view transport_param;
  std::string_view user_param;
  std::string_view method_param;
  std::string_view maddr_param;
  bool lr = false;

  // tel: the subscriber number ("+1-212-555-0101" or a local number)
  std::string_view number;

  // other schemes: everything after "scheme:"
  std::string_view opaque;

  bool is_sip() const { return kind == UriScheme::kSip || kind == UriScheme::kSips; }

  // User-provided so that a default-constructed one is zeroed member by
  // member: the implicit constructor of an aggregate this size compiles to
  // `rep stos`, which costs more than parsing a short URI.
  Uri() {}  // NOLINT(modernize-use-equals-default)
};

// Parses exactly `text` as a URI.
bool parse_uri(std::string_view text, Uri* out, SyntaxError* err);

}  // namespace trunkline::sip
