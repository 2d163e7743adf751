// The dataplane's look at a SIP datagram before it is steered to a control
// shard: validates the start line and the framing (header lines, body
// against Content-Length) and extracts Call-ID, the top Via's branch, CSeq
// and Content-Length. No allocation, no state; a refused datagram gets a
// reason the lcore counts by name.
#pragma once

#include <cstdint>
#include <string_view>

#include "control/sip/method.h"

namespace trunkline::sip {

#define TL_SIP_PREPARSE_RESULTS(X)           \
  X(kOk, "ok")                               \
  X(kKeepalive, "keepalive")                 \
  X(kBadStartLine, "bad_start_line")         \
  X(kBadVersion, "bad_version")              \
  X(kBadHeaderLine, "bad_header_line")       \
  X(kTooManyHeaders, "too_many_headers")     \
  X(kNoCallId, "no_call_id")                 \
  X(kBadCallId, "bad_call_id")               \
  X(kNoCSeq, "no_cseq")                      \
  X(kBadCSeq, "bad_cseq")                    \
  X(kCSeqMismatch, "cseq_method_mismatch")   \
  X(kNoVia, "no_via")                        \
  X(kBadVia, "bad_via")                      \
  X(kBadContentLength, "bad_content_length") \
  X(kBodyTruncated, "body_truncated")        \
  X(kDuplicateHeader, "duplicate_header")

enum class PreparseResult : std::uint8_t {
#define TL_SIP_PREPARSE_ENUM(id, name) id,
  TL_SIP_PREPARSE_RESULTS(TL_SIP_PREPARSE_ENUM)
#undef TL_SIP_PREPARSE_ENUM
      kCount,
};

// Counter names, e.g. "bad_via".
std::string_view preparse_result_name(PreparseResult r);

struct PreParsed {
  bool is_request = false;
  Method method = Method::kUnknown;  // request method, or the CSeq's for a response
  std::uint16_t status_code = 0;     // responses
  std::string_view call_id;
  std::string_view branch;  // top Via; empty when it has none (RFC 2543 peers)
  std::uint32_t cseq = 0;
  std::string_view cseq_method;
  std::string_view user_agent;  // the first User-Agent; empty when none (edge scanner check)
  bool has_content_length = false;
  std::uint32_t content_length = 0;
  std::uint32_t message_size = 0;  // start line to end of body; the rest of the datagram is ignored
};

// At most this many header lines are looked at, as in the full parser.
inline constexpr std::size_t kPreparseMaxHeaders = 64;

PreparseResult preparse_datagram(std::string_view datagram, PreParsed* out);

// Which control shard owns a Call-ID: FNV-1a over its bytes.
std::uint64_t call_id_hash(std::string_view call_id);

}  // namespace trunkline::sip
