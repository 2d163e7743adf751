// The registrar for agent phones (RFC 3261 section 10.3): a REGISTER is
// authenticated with Digest (RFC 8760 SHA-256 preferred, MD5 for old
// phones) against the digests the store holds, then its contacts are bound
// in the LocationService. handle() returns the complete response to send.
//
// Answers:
//   no usable credentials for our realm          401, SHA-256 and MD5 challenges
//                                                (challenge_algorithms, in order;
//                                                an empty list means this default)
//   our nonce but expired, response correct      401 stale=true
//   nc not above the last one seen for a nonce   401 stale=true (replay)
//   nonce not ours (bad HMAC, other realm)       401
//   right nonce, wrong response                  403 (RFC 3261 section 21.4.4:
//                                                authorization will not help)
//   unknown domain or user                       as a known one: 401, then 403
//   Authorization username other than To user    403
//   Authorization malformed, uri not the R-URI   400
//   To not a SIP URI with a user                 404
//   expiry > 0 and < min_expires                 423 with Min-Expires
//   bad Contact, * with others or Expires != 0   400 naming it
//   CSeq not above a binding's (same Call-ID)    500 (step 7: the request fails)
//   more contacts than the agent may hold        403
//   location service full                        503 with Retry-After
//   otherwise                                    200 with every live binding
//
// Thread-safe: several control shards may share one Registrar (counters are
// atomics, the nonce-count table has its own lock); the CredentialLookup
// must be safe to call from those threads.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "control/registrar/digest.h"
#include "control/registrar/location_service.h"
#include "control/registrar/nonce.h"
#include "control/sip/message.h"
#include "control/sip/transaction/peer.h"

namespace trunkline::registrar {

// What the store keeps for an agent's phone: digests only, lowercase hex of
// H(user ":" realm ":" password), user being the SIP user of the To URI.
// An empty digest refuses that algorithm.
struct Credential {
  std::int64_t tenant = 0;
  std::string agent;  // the bindings are kept under (tenant, agent)
  std::string realm;
  std::string ha1_md5;
  std::string ha1_sha256;
};

// domain = host of the REGISTER's To URI, lowercased (the tenant's
// sip_domain, which is also its realm); user = the To URI's user part with
// its %-escapes resolved. nullopt for an unknown domain or user alike.
using CredentialLookup =
    std::function<std::optional<Credential>(std::string_view domain, std::string_view user)>;

struct RegistrarConfig {
  std::uint32_t min_expires_s = 60;
  std::uint32_t max_expires_s = 3600;  // longer requests are shortened to this
  std::uint32_t default_expires_s = 3600;
  std::uint32_t nonce_lifetime_s = 300;
  std::size_t max_contacts_per_agent = 8;
  std::size_t nonce_table_capacity = 65536;  // nonces whose nc is tracked
  std::uint32_t retry_after_s = 60;          // in a 503 when the location service is full
  std::string nonce_secret;                  // random if empty
  // Challenged in this order (RFC 8760 section 2.4: the preferred first).
  // Old phones that stop at an algorithm they do not know need MD5 first.
  std::vector<DigestAlgorithm> challenge_algorithms{DigestAlgorithm::kSha256,
                                                    DigestAlgorithm::kMd5};
};

// clang-format off
#define TL_REGISTRAR_COUNTERS(X)                                                          \
  X(requests,                "REGISTERs handled")                                         \
  X(registrations,           "bindings created")                                          \
  X(refreshes,               "bindings refreshed")                                        \
  X(unregistrations,         "bindings removed on request (Expires 0, Contact *)")         \
  X(queries,                 "REGISTERs without Contact answered with the bindings")      \
  X(challenges,              "401 challenges sent")                                       \
  X(auth_failures,           "403: response did not match a known agent's digest")        \
  X(unknown_users,           "403: credentials for an unknown domain or user")            \
  X(username_mismatches,     "403: Authorization username is not the To user")            \
  X(stale_nonces,            "401 stale=true: our nonce, expired or no longer tracked")   \
  X(forged_nonces,           "401: nonce not ours (bad HMAC, other realm, future)")       \
  X(nc_replays,              "401 stale=true: nc not above the last seen for the nonce")  \
  X(unsupported_credentials, "401: credentials without qop=auth, or MD5-sess, auth-int ...") \
  X(interval_too_brief,      "423: expiry below min_expires")                             \
  X(bad_requests,            "400: malformed Authorization, Contact or Expires")          \
  X(not_found,               "404: To is not a SIP URI with a user")                      \
  X(out_of_order,            "500: CSeq not above the binding's with the same Call-ID")   \
  X(contacts_refused,        "403: more contacts than the agent may hold")                \
  X(location_full,           "503: the location service is full")
// clang-format on

struct RegistrarCounters {
#define TL_REGISTRAR_COUNTER_FIELD(name, help) std::uint64_t name = 0;
  TL_REGISTRAR_COUNTERS(TL_REGISTRAR_COUNTER_FIELD)
#undef TL_REGISTRAR_COUNTER_FIELD
};

class Registrar {
 public:
  Registrar(CredentialLookup lookup, LocationService& locations, RegistrarConfig cfg);
  Registrar(const Registrar&) = delete;
  Registrar& operator=(const Registrar&) = delete;

  // A parsed REGISTER from `from`; returns the complete SIP response to send
  // (status line, Via(s), From, To with a tag, Call-ID, CSeq copied; on 200
  // a Contact for each live binding with its expires; Content-Length: 0).
  // `code_out`, when given, receives the status code.
  std::string handle(const sip::Message& reg, const sip::Peer& from, std::uint64_t now_ms,
                     int* code_out = nullptr);

  RegistrarCounters counters() const;
  const RegistrarConfig& config() const { return cfg_; }

 private:
  struct Reply;
  enum class Auth : std::uint8_t;

  // RFC 3261 section 10.3 steps 3-4; kAnswered with the reply set when the
  // request goes no further.
  Auth authenticate(const sip::Message& reg, std::string_view user,
                    const std::optional<Credential>& cred, std::string_view realm,
                    std::uint64_t now_ms, Reply* reply);
  // Steps 6-8: the contacts, the location service, the 200.
  void bind(const sip::Message& reg, const sip::Peer& from, const Credential& cred,
            std::uint64_t now_ms, Reply* reply);
  void challenge(std::string_view realm, bool stale, std::uint64_t now_ms, Reply* reply);
  std::string write(const sip::Message& reg, const Reply& reply);
  std::string new_tag();

  CredentialLookup lookup_;
  LocationService& locations_;
  const RegistrarConfig cfg_;
  NonceAuthority nonces_;
  NonceCountTable nonce_counts_;
  std::atomic<std::uint64_t> tag_counter_;
#define TL_REGISTRAR_COUNTER_ATOMIC(name, help) std::atomic<std::uint64_t> name##_{0};
  TL_REGISTRAR_COUNTERS(TL_REGISTRAR_COUNTER_ATOMIC)
#undef TL_REGISTRAR_COUNTER_ATOMIC
};

}  // namespace trunkline::registrar
