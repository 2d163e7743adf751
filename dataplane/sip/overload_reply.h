// The 503 a worker lcore sends by itself when a new INVITE finds its control
// shard's ring full: the control plane never sees it, the carrier gets an
// answer at once and reroutes (Retry-After). Written without allocation from
// the request's own header lines (RFC 3261 §8.2.6.2: Via, From, To, Call-ID,
// CSeq copied; a To tag added).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace trunkline::dataplane {

// Writes the 503 response to `request` into out[0..cap) and returns its
// length, or 0 if it does not fit or the request lacks a header it needs.
std::size_t write_overload_503(std::string_view request, std::uint32_t retry_after_s, char* out,
                               std::size_t cap);

}  // namespace trunkline::dataplane
