// The header fields the parser knows by name, with their long and compact
// forms (RFC 3261 section 7.3.3 and the SIP parameters registry). Anything
// else is HeaderId::kOther and is kept verbatim.
#pragma once

#include <cstdint>
#include <string_view>

namespace trunkline::sip {

#define TL_SIP_HEADERS(X)                            \
  X(kAccept, "Accept", 0)                            \
  X(kAcceptContact, "Accept-Contact", 'a')           \
  X(kAcceptEncoding, "Accept-Encoding", 0)           \
  X(kAcceptLanguage, "Accept-Language", 0)           \
  X(kAlertInfo, "Alert-Info", 0)                     \
  X(kAllow, "Allow", 0)                              \
  X(kAllowEvents, "Allow-Events", 'u')               \
  X(kAuthenticationInfo, "Authentication-Info", 0)   \
  X(kAuthorization, "Authorization", 0)              \
  X(kCallId, "Call-ID", 'i')                         \
  X(kCallInfo, "Call-Info", 0)                       \
  X(kContact, "Contact", 'm')                        \
  X(kContentDisposition, "Content-Disposition", 0)   \
  X(kContentEncoding, "Content-Encoding", 'e')       \
  X(kContentLanguage, "Content-Language", 0)         \
  X(kContentLength, "Content-Length", 'l')           \
  X(kContentType, "Content-Type", 'c')               \
  X(kCSeq, "CSeq", 0)                                \
  X(kDate, "Date", 0)                                \
  X(kErrorInfo, "Error-Info", 0)                     \
  X(kEvent, "Event", 'o')                            \
  X(kExpires, "Expires", 0)                          \
  X(kFrom, "From", 'f')                              \
  X(kIdentity, "Identity", 'y')                      \
  X(kIdentityInfo, "Identity-Info", 'n')             \
  X(kInReplyTo, "In-Reply-To", 0)                    \
  X(kMaxForwards, "Max-Forwards", 0)                 \
  X(kMimeVersion, "MIME-Version", 0)                 \
  X(kMinExpires, "Min-Expires", 0)                   \
  X(kMinSE, "Min-SE", 0)                             \
  X(kOrganization, "Organization", 0)                \
  X(kPAssertedIdentity, "P-Asserted-Identity", 0)    \
  X(kPriority, "Priority", 0)                        \
  X(kPrivacy, "Privacy", 0)                          \
  X(kProxyAuthenticate, "Proxy-Authenticate", 0)     \
  X(kProxyAuthorization, "Proxy-Authorization", 0)   \
  X(kProxyRequire, "Proxy-Require", 0)               \
  X(kRAck, "RAck", 0)                                \
  X(kReason, "Reason", 0)                            \
  X(kRecordRoute, "Record-Route", 0)                 \
  X(kReferTo, "Refer-To", 'r')                       \
  X(kReferredBy, "Referred-By", 'b')                 \
  X(kRejectContact, "Reject-Contact", 'j')           \
  X(kReplyTo, "Reply-To", 0)                         \
  X(kRequestDisposition, "Request-Disposition", 'd') \
  X(kRequire, "Require", 0)                          \
  X(kRetryAfter, "Retry-After", 0)                   \
  X(kRoute, "Route", 0)                              \
  X(kRSeq, "RSeq", 0)                                \
  X(kServer, "Server", 0)                            \
  X(kSessionExpires, "Session-Expires", 'x')         \
  X(kSubject, "Subject", 's')                        \
  X(kSubscriptionState, "Subscription-State", 0)     \
  X(kSupported, "Supported", 'k')                    \
  X(kTimestamp, "Timestamp", 0)                      \
  X(kTo, "To", 't')                                  \
  X(kUnsupported, "Unsupported", 0)                  \
  X(kUserAgent, "User-Agent", 0)                     \
  X(kVia, "Via", 'v')                                \
  X(kWarning, "Warning", 0)                          \
  X(kWWWAuthenticate, "WWW-Authenticate", 0)

enum class HeaderId : std::uint8_t {
  kOther = 0,
#define TL_SIP_HEADER_ENUM(id, name, compact) id,
  TL_SIP_HEADERS(TL_SIP_HEADER_ENUM)
#undef TL_SIP_HEADER_ENUM
      kCount,
};

inline constexpr std::size_t kHeaderIdCount = static_cast<std::size_t>(HeaderId::kCount);

// Looks a header name up, long or compact form, case-insensitively.
HeaderId lookup_header(std::string_view name);

// The canonical long name ("Call-ID"); "" for kOther.
std::string_view header_name(HeaderId id);

// The compact form letter, or '\0' where there is none.
char header_compact_form(HeaderId id);

}  // namespace trunkline::sip
