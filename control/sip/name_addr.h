// Addresses in header fields: name-addr / addr-spec (RFC 3261 section 20.10,
// 25.1) and the headers built from them: From, To, Contact, Route,
// Record-Route. In addr-spec form (no "<" ">") every ";" parameter after the
// URI belongs to the header, and a URI with "," ";" or "?" must be written
// as a name-addr.
#pragma once

#include <cstdint>
#include <string_view>

#include "control/sip/lex.h"
#include "control/sip/params.h"
#include "control/sip/uri.h"

namespace trunkline::sip {

struct NameAddr {
  std::string_view text;  // the element as written, parameters included
  // Quoted: the inside of the quotes with escapes kept (unquote() resolves
  // them). Unquoted: the tokens and the white space between them as written.
  std::string_view display_name;
  bool display_name_quoted = false;
  bool bracketed = false;  // written as name-addr, "<" URI ">"
  Uri uri;
  HeaderParams params;  // from the first ";" after the address

  // User-provided for the reason given at Uri().
  NameAddr() {}  // NOLINT(modernize-use-equals-default)
};

enum class AddrForm : std::uint8_t { kNameAddrOrAddrSpec, kNameAddrOnly };

// The address alone, cursor after ">" or after the addr-spec.
bool parse_address(Cursor& c, NameAddr* out, AddrForm form, SyntaxError* err);

struct FromTo {
  NameAddr addr;
  std::string_view tag;
  bool has_tag = false;

  // User-provided for the reason given at Uri().
  FromTo() {}  // NOLINT(modernize-use-equals-default)
};

// A whole From or To value.
bool parse_from_to(std::string_view value, FromTo* out, SyntaxError* err);

struct Contact {
  NameAddr addr;
  std::string_view q;  // qvalue as written
  bool has_q = false;
  std::uint32_t expires = 0;
  bool has_expires = false;

  // User-provided for the reason given at Uri().
  Contact() {}  // NOLINT(modernize-use-equals-default)
};

// One contact-param (not "*"), cursor after it.
bool parse_contact(Cursor& c, Contact* out, SyntaxError* err);

// One rec-route / route-param: name-addr *( SEMI rr-param ).
bool parse_route(Cursor& c, NameAddr* out, SyntaxError* err);

// qvalue = ( "0" [ "." 0*3DIGIT ] ) / ( "1" [ "." 0*3("0") ] )
bool is_qvalue(std::string_view text);

}  // namespace trunkline::sip
