// libFuzzer target for the Digest Authorization parser of the registrar.
// Besides not crashing, it holds the parser to what the registrar relies on:
//  - every field it returns is a view inside the input;
//  - an accepted value has the required parameters, a response of the
//    algorithm's size, nc and cnonce exactly when qop=auth, and nc_text is
//    8 hex digits whose value is nc;
//  - a refusal carries a detail and an offset inside the input;
//  - verification of accepted credentials runs (the digest arithmetic on
//    whatever the fields hold) and agrees with compute_response.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "control/registrar/digest.h"

namespace {

using namespace trunkline::registrar;

[[noreturn]] void broken(const char* what) {
  std::fprintf(stderr, "fuzz_digest: %s\n", what);
  std::abort();
}

bool inside(std::string_view field, std::string_view in) {
  if (field.empty()) return true;
  return field.data() >= in.data() && field.data() + field.size() <= in.data() + in.size();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  DigestCredentials c;
  DigestParseResult r = parse_digest_credentials(in, &c);
  if (!r.ok()) {
    if (r.detail == nullptr || *r.detail == '\0') broken("refusal without a detail");
    if (r.offset > in.size()) broken("refusal offset past the input");
    (void)digest_error_name(r.error);
    return 0;
  }
  for (std::string_view f :
       {c.username, c.realm, c.nonce, c.uri, c.response, c.cnonce, c.opaque, c.nc_text})
    if (!inside(f, in)) broken("field outside the input");
  if (c.username.data() == nullptr || c.realm.data() == nullptr || c.nonce.data() == nullptr ||
      c.uri.data() == nullptr || c.response.empty())
    broken("accepted without a required parameter");
  if (c.response.size() != digest_hex_size(c.algorithm)) broken("response of the wrong size");
  if (c.has_qop != !c.nc_text.empty()) broken("nc present without qop or missing with it");
  if (c.has_qop) {
    if (c.nc_text.size() != 8) broken("nc_text is not 8 characters");
    std::uint32_t n = 0;
    for (char ch : c.nc_text) {
      int d = ch >= '0' && ch <= '9'   ? ch - '0'
              : ch >= 'a' && ch <= 'f' ? ch - 'a' + 10
              : ch >= 'A' && ch <= 'F' ? ch - 'A' + 10
                                       : -1;
      if (d < 0) broken("nc_text is not hex");
      n = n * 16 + static_cast<std::uint32_t>(d);
    }
    if (n != c.nc) broken("nc differs from nc_text");
  }
  const std::string ha1(digest_hex_size(c.algorithm), 'a');
  const std::string expected =
      compute_response(c.algorithm, ha1, unquoted(c.nonce), c.nc_text, unquoted(c.cnonce),
                       c.has_qop ? "auth" : "", "REGISTER", unquoted(c.uri));
  std::string lowered(c.response);
  for (char& ch : lowered)
    if (ch >= 'A' && ch <= 'F') ch = static_cast<char>(ch - 'A' + 'a');
  if (verify_response(c, ha1, "REGISTER") != (lowered == expected))
    broken("verify_response disagrees with compute_response");
  return 0;
}
