#include "control/sip/preparse.h"

#include "control/sip/header_id.h"
#include "control/sip/header_scanner.h"
#include "control/sip/scalar_headers.h"
#include "control/sip/start_line.h"
#include "control/sip/via.h"

namespace trunkline::sip {

std::string_view preparse_result_name(PreparseResult r) {
  switch (r) {
#define TL_SIP_PREPARSE_NAME(id, name) \
  case PreparseResult::id:             \
    return name;
    TL_SIP_PREPARSE_RESULTS(TL_SIP_PREPARSE_NAME)
#undef TL_SIP_PREPARSE_NAME
    case PreparseResult::kCount:
      break;
  }
  return "unknown";
}

PreparseResult preparse_datagram(std::string_view datagram, PreParsed* out) {
  // Field by field: `*out = PreParsed{}` compiles to a `rep stos`, slow to
  // start for ~100 bytes.
  out->is_request = false;
  out->method = Method::kUnknown;
  out->status_code = 0;
  out->call_id = {};
  out->branch = {};
  out->cseq = 0;
  out->cseq_method = {};
  out->user_agent = {};
  out->has_content_length = false;
  out->content_length = 0;
  out->message_size = 0;
  // A datagram of CRLFs only is a keep-alive (RFC 5626 section 3.5.1).
  std::size_t i = 0;
  while (i + 1 < datagram.size() && datagram[i] == '\r' && datagram[i + 1] == '\n') i += 2;
  if (i == datagram.size()) return PreparseResult::kKeepalive;

  SyntaxError se;
  std::string_view line;
  const char* headers_begin = nullptr;
  if (!scan_start_line(datagram, &line, &headers_begin, &se)) return PreparseResult::kBadStartLine;
  out->is_request = !looks_like_status_line(line);
  std::string_view request_method;
  if (out->is_request) {
    RequestLine rl;
    bool wrong_version = false;
    if (!parse_request_line(line, &rl, &se, &wrong_version))
      return wrong_version ? PreparseResult::kBadVersion : PreparseResult::kBadStartLine;
    out->method = rl.method_id;
    request_method = rl.method;
  } else {
    StatusLine sl;
    if (!parse_status_line(line, &sl, &se)) return PreparseResult::kBadStartLine;
    out->status_code = sl.code;
  }

  bool have_call_id = false, have_cseq = false, have_via = false;
  std::size_t count = 0;
  HeaderScanner scanner(headers_begin, datagram.data() + datagram.size());
  RawHeader raw;
  while (true) {
    HeaderScanner::Step step = scanner.next(&raw, &se);
    if (step == HeaderScanner::Step::kEnd) break;
    if (step == HeaderScanner::Step::kError) return PreparseResult::kBadHeaderLine;
    if (++count > kPreparseMaxHeaders) return PreparseResult::kTooManyHeaders;
    // Only Call-ID, CSeq, the top Via, Content-Length and User-Agent are read.
    switch (lookup_header(raw.name)) {
      case HeaderId::kCallId:
        if (have_call_id) return PreparseResult::kDuplicateHeader;
        if (!parse_call_id(raw.value, &se)) return PreparseResult::kBadCallId;
        out->call_id = raw.value;
        have_call_id = true;
        break;
      case HeaderId::kCSeq: {
        if (have_cseq) return PreparseResult::kDuplicateHeader;
        CSeq cseq;
        if (!parse_cseq(raw.value, &cseq, &se)) return PreparseResult::kBadCSeq;
        out->cseq = cseq.number;
        out->cseq_method = cseq.method;
        if (!out->is_request) out->method = cseq.method_id;
        have_cseq = true;
        break;
      }
      case HeaderId::kVia:
        if (!have_via) {
          Cursor c(raw.value);
          Via via;
          if (!parse_via(c, &via, &se)) return PreparseResult::kBadVia;
          out->branch = via.branch;
          have_via = true;
        }
        break;
      case HeaderId::kUserAgent:
        if (out->user_agent.empty()) out->user_agent = raw.value;
        break;
      case HeaderId::kContentLength:
        if (out->has_content_length) return PreparseResult::kDuplicateHeader;
        if (!parse_content_length(raw.value, &out->content_length, &se))
          return PreparseResult::kBadContentLength;
        out->has_content_length = true;
        break;
      default:
        break;
    }
  }
  if (!have_call_id) return PreparseResult::kNoCallId;
  if (!have_cseq) return PreparseResult::kNoCSeq;
  if (!have_via) return PreparseResult::kNoVia;
  if (out->is_request && out->cseq_method != request_method) return PreparseResult::kCSeqMismatch;
  const char* body = scanner.body_start();
  std::size_t available = static_cast<std::size_t>(datagram.data() + datagram.size() - body);
  std::size_t body_size = available;
  if (out->has_content_length) {
    if (out->content_length > available) return PreparseResult::kBodyTruncated;
    body_size = out->content_length;
  }
  out->message_size = static_cast<std::uint32_t>(body + body_size - line.data());
  return PreparseResult::kOk;
}

std::uint64_t call_id_hash(std::string_view call_id) {
  std::uint64_t h = 0xcbf29ce484222325ull;
  for (char c : call_id) {
    h ^= static_cast<unsigned char>(c);
    h *= 0x100000001b3ull;
  }
  return h;
}

}  // namespace trunkline::sip
