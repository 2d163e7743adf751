// libFuzzer target for the SIP parser. Besides not crashing, it holds the
// parser to what the stack relies on:
//  - the dataplane's pre-parse passes every message the full parser passes,
//    and extracts the same Call-ID, branch, CSeq and Content-Length;
//  - a message that parses and validates writes back (write_message) into
//    one that parses, validates and is equivalent, and writing that again
//    gives the same bytes;
//  - a URI that parses writes back into an equal URI;
//  - the refusal rules give a verdict for everything, and a refusal with a
//    code writes a response.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "control/sip/message.h"
#include "control/sip/message_equivalence.h"
#include "control/sip/message_writer.h"
#include "control/sip/preparse.h"
#include "control/sip/refusal.h"

namespace {

using namespace trunkline::sip;

[[noreturn]] void broken(const char* what, std::string_view detail = {}) {
  std::fprintf(stderr, "fuzz_sip_parser: %s %.*s\n", what, static_cast<int>(detail.size()),
               detail.data());
  std::abort();
}

void check_uri(std::string_view text) {
  Uri uri;
  if (!parse_uri(text, &uri, nullptr)) return;
  std::string out;
  append_uri(&out, uri);
  Uri again;
  if (!parse_uri(out, &again, nullptr)) broken("written URI does not parse:", out);
  std::string out2;
  append_uri(&out2, again);
  if (out != out2) broken("URI writes differently the second time:", out2);
  if (again.kind != uri.kind || again.user != uri.user || again.host.text != uri.host.text ||
      again.port != uri.port || again.params.raw() != uri.params.raw() ||
      again.headers != uri.headers)
    broken("URI round trip changed a field:", out);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  if (size < 256) check_uri(in);

  Message msg;
  ParseError parsed = parse_message(in, &msg);
  PreParsed pre;
  PreparseResult pre_result = preparse_datagram(in, &pre);
  RefusalPolicy policy = RefusalPolicy::appliance(size % 2 == 0 ? Role::kUserAgent : Role::kProxy);

  if (!parsed.ok()) {
    (void)parsed.describe();
    Verdict v = judge_datagram(in, policy);
    if (v.accept) broken("a message that does not parse was accepted");
    std::string response;
    write_refusal(in, v, "fuzz", &response);
    if (v.code != 0 && response.rfind("SIP/2.0 ", 0) != 0) broken("refusal wrote no status line");
    return 0;
  }

  if (pre_result != PreparseResult::kOk)
    broken("pre-parse refused what the parser took:", preparse_result_name(pre_result));
  if (pre.call_id != msg.call_id() || pre.branch != msg.top_via().branch ||
      pre.cseq != msg.cseq().number || pre.has_content_length != msg.has_content_length() ||
      pre.content_length != msg.content_length() || pre.message_size != msg.bytes().size())
    broken("pre-parse and parser disagree");

  Verdict verdict = judge_message(msg, policy);
  if (!verdict.accept) {
    std::string response;
    write_refusal(in, verdict, "fuzz", &response);
  }

  if (!validate_message(msg).ok()) return 0;
  std::string written;
  ParseError w = write_message(msg, &written);
  if (!w.ok()) broken("a validated message does not write:", w.describe());
  Message again;
  ParseError p2 = parse_message(written, &again);
  if (!p2.ok()) broken("written message does not parse:", p2.describe());
  ParseError v2 = validate_message(again);
  if (!v2.ok()) broken("written message does not validate:", v2.describe());
  std::string difference;
  if (!equivalent_messages(msg, again, &difference)) broken("round trip changed", difference);
  std::string rewritten;
  if (!write_message(again, &rewritten).ok() || rewritten != written)
    broken("message writes differently the second time");
  return 0;
}
