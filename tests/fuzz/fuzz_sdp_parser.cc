// libFuzzer target for the SDP parser: no crash, and a session that parses
// writes back into one that parses to the same fields (and the same bytes
// when written again). The typed attribute readers run on every attribute.
#include <bitset>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "control/sdp/attributes.h"
#include "control/sdp/crypto.h"
#include "control/sdp/parser.h"
#include "control/sdp/writer.h"

namespace {

using namespace trunkline::sdp;

[[noreturn]] void broken(const char* what, const std::string& detail = {}) {
  std::fprintf(stderr, "fuzz_sdp_parser: %s %s\n", what, detail.c_str());
  std::abort();
}

void read_attributes(const Media& m) {
  for (const Attribute& a : m.attributes) {
    if (a.name == "crypto") {
      Crypto c;
      if (!parse_crypto(a.value, &c, nullptr)) broken("validated crypto does not parse");
      std::string formatted = format_crypto(c);
      Crypto back;
      if (!parse_crypto(formatted, &back, nullptr) || !(back == c))
        broken("crypto round trip changed:", formatted);
    } else if (a.name == "rtpmap") {
      RtpMap r;
      if (!parse_rtpmap(a.value, &r, nullptr)) broken("validated rtpmap does not parse");
      std::string formatted = format_rtpmap(r);
      RtpMap back;
      if (!parse_rtpmap(formatted, &back, nullptr) || back.payload_type != r.payload_type ||
          back.encoding != r.encoding || back.clock_rate != r.clock_rate ||
          back.channels != r.channels)
        broken("rtpmap round trip changed:", formatted);
    } else if (a.name == "fmtp") {
      Fmtp f;
      std::bitset<256> events;
      if (parse_fmtp(a.value, &f, nullptr)) (void)parse_event_list(f.parameters, &events, nullptr);
    }
  }
  (void)telephone_event_payload(m);
  (void)ptime(m);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  Session s;
  SdpError err = parse_session(in, &s);
  if (!err.ok()) {
    (void)err.describe();
    return 0;
  }
  for (const Media& m : s.media) {
    read_attributes(m);
    (void)s.connection_for(m);
    (void)s.direction_for(m);
  }
  std::string written;
  write_session(s, &written);
  Session again;
  SdpError err2 = parse_session(written, &again);
  if (!err2.ok()) broken("written SDP does not parse:", err2.describe() + "\n" + written);
  if (!(again == s)) broken("SDP round trip changed a field:\n", written);
  std::string rewritten;
  write_session(again, &rewritten);
  if (rewritten != written) broken("SDP writes differently the second time");
  return 0;
}
